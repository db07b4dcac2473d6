-- Refunds, the saga's way back: an operator refunds a FINISHED order in whole or in part; the
-- refund is PENDING until payments has credited it (RefundResult), then COMPLETED, and the
-- order's refunded_amount grows by it. An order whose refunds add up to its amount is REFUNDED.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('NEW', 'FINISHED', 'CANCELLED', 'REFUNDED'));
ALTER TABLE orders ADD COLUMN refunded_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE orders ADD CONSTRAINT orders_refunds_fit
    CHECK (refunded_amount >= 0 AND refunded_amount <= amount);
ALTER TABLE orders ADD CONSTRAINT orders_refunded_is_whole
    CHECK ((status = 'REFUNDED') = (refunded_amount = amount));
ALTER TABLE orders ADD CONSTRAINT orders_refunds_only_paid
    CHECK (refunded_amount = 0 OR status IN ('FINISHED', 'REFUNDED'));

-- Every refund asked for, completed or not: what an order may still give back is its amount
-- less all of them, checked under a lock on the order when a refund is written.
CREATE TABLE refunds (
    refund_id  uuid        PRIMARY KEY,
    order_id   uuid        NOT NULL REFERENCES orders (order_id),
    user_id    uuid        NOT NULL,
    amount     bigint      NOT NULL CHECK (amount > 0),
    reason     text,
    status     text        NOT NULL CHECK (status IN ('PENDING', 'COMPLETED')),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX refunds_order_idx ON refunds (order_id, created_at, refund_id);
