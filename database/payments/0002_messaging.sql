-- Transactional outbox and inbox, and stored responses for Idempotency-Key replays.
CREATE TABLE outbox (
    id              uuid        PRIMARY KEY,
    event_type      text        NOT NULL,
    routing_key     text        NOT NULL,
    correlation_id  text        NOT NULL,
    payload         text        NOT NULL,
    request_id      text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at    timestamptz,
    last_error      text
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, created_at) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE inbox (
    consumer    text        NOT NULL,
    message_id  text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX inbox_received_idx ON inbox (received_at);

CREATE TABLE idempotency_keys (
    scope         text        NOT NULL,
    key           text        NOT NULL,
    fingerprint   text        NOT NULL,
    status_code   integer     NOT NULL,
    response_body text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
