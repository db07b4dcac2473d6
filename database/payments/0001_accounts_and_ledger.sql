-- Accounts, an append-only ledger from which every balance can be re-derived, and one payment
-- row per order (the second line of defence against a double debit, after the inbox).
CREATE TABLE accounts (
    user_id    uuid        PRIMARY KEY,
    balance    bigint      NOT NULL CHECK (balance >= 0),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX accounts_page_idx ON accounts (created_at, user_id);

CREATE TABLE ledger (
    id         bigserial   PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES accounts (user_id),
    kind       text        NOT NULL CHECK (kind IN ('OPENING', 'TOPUP', 'DEBIT')),
    amount     bigint      NOT NULL CHECK (amount > 0),
    order_id   uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((kind = 'DEBIT') = (order_id IS NOT NULL))
);
CREATE INDEX ledger_user_idx ON ledger (user_id);
CREATE UNIQUE INDEX ledger_one_debit_per_order ON ledger (order_id) WHERE kind = 'DEBIT';

CREATE TABLE payments (
    order_id       uuid        PRIMARY KEY,
    user_id        uuid        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount > 0),
    outcome        text        NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
    failure_reason text        CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND')),
    balance_after  bigint,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((outcome = 'FAILED') = (failure_reason IS NOT NULL))
);
