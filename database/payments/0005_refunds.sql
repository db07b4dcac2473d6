-- Refunds credit the account: a REFUND ledger entry per refund (unique, the second line of
-- defence against a double credit after the inbox), and the payment records how much of its
-- debit has been given back, which can never pass the debit.
ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check
    CHECK (kind IN ('OPENING', 'TOPUP', 'DEBIT', 'REFUND'));
ALTER TABLE ledger ADD COLUMN refund_id uuid;
ALTER TABLE ledger DROP CONSTRAINT ledger_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_order_check
    CHECK ((kind IN ('DEBIT', 'REFUND')) = (order_id IS NOT NULL));
ALTER TABLE ledger ADD CONSTRAINT ledger_refund_check
    CHECK ((kind = 'REFUND') = (refund_id IS NOT NULL));
CREATE UNIQUE INDEX ledger_one_credit_per_refund ON ledger (refund_id) WHERE kind = 'REFUND';
-- An account's history, newest first, a page at a time.
CREATE INDEX ledger_page_idx ON ledger (user_id, id DESC);
DROP INDEX ledger_user_idx;

ALTER TABLE payments ADD COLUMN refunded bigint NOT NULL DEFAULT 0;
ALTER TABLE payments ADD CONSTRAINT payments_refunds_fit
    CHECK (refunded >= 0 AND refunded <= amount AND (refunded = 0 OR outcome = 'SUCCEEDED'));
