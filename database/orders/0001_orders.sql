-- Orders move NEW -> FINISHED or NEW -> CANCELLED, once; `version` grows by one on each change.
CREATE TABLE orders (
    order_id       uuid        PRIMARY KEY,
    user_id        uuid        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount > 0),
    description    text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('NEW', 'FINISHED', 'CANCELLED')),
    failure_reason text        CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND')),
    version        integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((status = 'CANCELLED') = (failure_reason IS NOT NULL))
);
CREATE INDEX orders_page_idx ON orders (created_at DESC, order_id DESC);
CREATE INDEX orders_user_page_idx ON orders (user_id, created_at DESC, order_id DESC);
CREATE INDEX orders_status_page_idx ON orders (status, created_at DESC, order_id DESC);
