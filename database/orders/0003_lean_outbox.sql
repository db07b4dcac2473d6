-- A lean outbox: rows are inserted by the business transaction and deleted by the relay once the
-- broker confirmed them, so the table holds only what is still to be published. The relay reads
-- it in insertion order (`seq`, the only index); `id` is the message id, unique by construction
-- (a fresh UUID per message), so it needs no index of its own. Rows still pending are kept.
CREATE TABLE outbox_lean (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              uuid        NOT NULL,
    event_type      text        NOT NULL,
    routing_key     text        NOT NULL,
    correlation_id  text        NOT NULL,
    payload         text        NOT NULL,
    request_id      text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_error      text
);
INSERT INTO outbox_lean (id, event_type, routing_key, correlation_id, payload, request_id,
                         created_at, attempts, next_attempt_at, last_error)
SELECT id, event_type, routing_key, correlation_id, payload, request_id, created_at, attempts,
       next_attempt_at, last_error
  FROM outbox WHERE published_at IS NULL ORDER BY created_at;
DROP TABLE outbox;
ALTER TABLE outbox_lean RENAME TO outbox;
ALTER INDEX outbox_lean_pkey RENAME TO outbox_pkey;
