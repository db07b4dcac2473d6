#!/usr/bin/env bash
# What PostgreSQL alone can carry of the saga's SQL on this machine, with today's schema (the lean
# outbox of migrations orders/0003 and payments/0004): pgbench replays, against a scratch database
# built from the project's migrations, the statements 20 orders cause (20 POST transactions, one
# payment batch, one status batch, one relay round per outbox), once with outbox rows and once
# with each outbox row written as a logical decoding message instead, and prints orders/s.
#   usage: tests/bench/calib/saga_pgbench.sh SOCKET_DIR PORT [SECONDS]
#   e.g.   tests/bench/calib/saga_pgbench.sh .stack/dev/pg/socket 55432 20   (with ./shop up running)
# pgbench runs 8 clients on 2 threads; figures swing by about 25 % between runs on a 2-core VM.
set -euo pipefail
SOCK=$(cd "$1" && pwd)
PORT=$2
SECS=${3:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PG=/usr/lib/postgresql/15/bin
psql() { PGOPTIONS=--client-min-messages=warning runuser -u postgres -- "$PG/psql" -h "$SOCK" -p "$PORT" -q -v ON_ERROR_STOP=1 "$@"; }
tps() {
    runuser -u postgres -- "$PG/pgbench" -h "$SOCK" -p "$PORT" -n -M prepared -c 8 -j 2 --max-tries=100 -T "$SECS" \
        "$@" saga_calib 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}

# pgbench runs as postgres: give it a copy it can read.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$HERE"/*.sql "$work"/
# The WAL-message variants: each batch's outbox INSERT becomes pg_logical_emit_message calls.
for f in pay20 result20; do
    sed -E 's/^INSERT INTO outbox(_o)? \(id.*$/SELECT pg_logical_emit_message(true, $$shop.outbox$$, repeat($$x$$, 260)) FROM generate_series(1, 20);/' \
        "$HERE/$f.sql" >"$work/${f}_emit.sql"
done
cat "$ROOT"/database/orders/*.sql >"$work/orders_schema.sql"
# payments' migrations reuse index names that orders' already took
for f in "$ROOT"/database/payments/*.sql; do
    sed -E 's/CREATE (UNIQUE )?INDEX ([a-z_]+)/CREATE \1INDEX p_\2/; s/ALTER INDEX ([a-z_]+) RENAME TO ([a-z_]+)/ALTER INDEX \1 RENAME TO p_\2/' \
        "$f" >"$work/p_$(basename "$f")"
done
chmod 755 "$work"
chmod 644 "$work"/*.sql

psql -d postgres -c "DROP DATABASE IF EXISTS saga_calib" -c "CREATE DATABASE saga_calib"
psql -d saga_calib -f "$work/orders_schema.sql"
psql -d saga_calib -c "ALTER TABLE outbox RENAME TO outbox_o" -c "ALTER TABLE inbox RENAME TO inbox_o" \
    -c "ALTER TABLE idempotency_keys RENAME TO idem_o"
for f in "$work"/p_*.sql; do psql -d saga_calib -f "$f"; done
psql -d saga_calib <<'SQL'
ALTER TABLE orders ADD COLUMN n bigserial;
CREATE UNIQUE INDEX orders_n ON orders (n);
INSERT INTO accounts (user_id, balance) SELECT gen_random_uuid(), 1000000000000 FROM generate_series(1, 50);
CREATE TABLE acct_ids AS SELECT row_number() OVER () AS i, user_id FROM accounts;
INSERT INTO orders (order_id, user_id, amount, description, status)
    SELECT gen_random_uuid(), gen_random_uuid(), 700, 'seed', 'NEW' FROM generate_series(1, 20000);
SQL

cd "$work"
table=$(tps -f post.sql@20 -f pay20.sql@1 -f result20.sql@1 -f relay20.sql@1)
emit=$(tps -f post_emit.sql@20 -f pay20_emit.sql@1 -f result20_emit.sql@1)
psql -d postgres -c "DROP DATABASE saga_calib"
# 20 orders = 23 transactions with outbox tables (one relay round), 22 with WAL messages.
awk -v t="$table" -v e="$emit" 'BEGIN {
    printf "20 messages per transaction, lean outbox table: %6.0f orders/s\n", t * 20 / 23
    printf "20 messages per transaction, WAL messages:      %6.0f orders/s\n", e * 20 / 22 }'
