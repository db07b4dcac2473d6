BEGIN;
INSERT INTO orders (order_id, user_id, amount, description, status) VALUES (gen_random_uuid(), gen_random_uuid(), 700, 'bench order', 'NEW');
INSERT INTO outbox_o (id, event_type, routing_key, correlation_id, payload) VALUES (gen_random_uuid(), 'PaymentRequested', 'payment.requested', 'c', repeat('x', 260));
COMMIT;
