BEGIN;
INSERT INTO orders (order_id, user_id, amount, description, status) VALUES (gen_random_uuid(), gen_random_uuid(), 700, 'bench order', 'NEW');
SELECT pg_logical_emit_message(true, 'shop.outbox', repeat('x', 260));
COMMIT;
