\set a random(1, 30)
BEGIN;
INSERT INTO inbox (consumer, message_id) SELECT 'payments', gen_random_uuid()::text FROM generate_series(1, 20);
UPDATE accounts SET balance = balance - 700, updated_at = clock_timestamp() WHERE user_id IN (SELECT user_id FROM acct_ids WHERE i BETWEEN :a AND :a + 19) AND balance >= 700;
INSERT INTO ledger (user_id, kind, amount, order_id) SELECT user_id, 'DEBIT', 700, gen_random_uuid() FROM acct_ids WHERE i BETWEEN :a AND :a + 19;
INSERT INTO payments (order_id, user_id, amount, outcome, balance_after) SELECT gen_random_uuid(), gen_random_uuid(), 700, 'SUCCEEDED', 1 FROM generate_series(1, 20);
INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload) SELECT gen_random_uuid(), 'PaymentResult', 'payment.result', 'c', repeat('x', 260) FROM generate_series(1, 20);
COMMIT;
