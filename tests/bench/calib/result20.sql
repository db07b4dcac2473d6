\set n random(1, 20000)
BEGIN;
INSERT INTO inbox_o (consumer, message_id) SELECT 'orders', gen_random_uuid()::text FROM generate_series(1, 20);
UPDATE orders SET status = 'FINISHED', version = version + 1, updated_at = clock_timestamp() WHERE n BETWEEN :n AND :n + 19;
INSERT INTO outbox_o (id, event_type, routing_key, correlation_id, payload) SELECT gen_random_uuid(), 'OrderStatusChanged', 'order.status', 'c', repeat('x', 260) FROM generate_series(1, 20);
COMMIT;
