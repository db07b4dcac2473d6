-- API keys let a script act for one account. The key's id travels in clear inside the key and
-- finds the row; only a salted slow hash of the secret part is stored. A revoked key keeps its
-- row (revoked_at set) so its id is never reused and the operator can see when it was revoked.
CREATE TABLE api_keys (
    key_id      uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES accounts (user_id),
    secret_hash text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at);
