#!/bin/sh
# One-shot job of docker/compose.ha.yaml: once the PostgreSQL cluster has a primary, creates (or
# updates the password of) each service's role and its database, as `./shop up --ha` does. From
# the environment: PGPASSWORD (the superuser's), PG_HOSTS (host:port,host:port),
# ORDERS_DB_PASSWORD, PAYMENTS_DB_PASSWORD.
set -eu

: "${PGPASSWORD:?}" "${PG_HOSTS:?}" "${ORDERS_DB_PASSWORD:?}" "${PAYMENTS_DB_PASSWORD:?}"
url="postgresql://postgres@$PG_HOSTS/postgres?target_session_attrs=read-write&connect_timeout=2"

tries=0
until psql "$url" -Atqc 'SELECT 1' >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 90 ]; then
        echo "db-init: no primary at $PG_HOSTS after 180 s" >&2
        exit 1
    fi
    sleep 2
done

psql "$url" -v ON_ERROR_STOP=1 -q -v orders_pw="$ORDERS_DB_PASSWORD" \
    -v payments_pw="$PAYMENTS_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY['orders_svc', 'payments_svc']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE orders_svc PASSWORD :'orders_pw';
ALTER ROLE payments_svc PASSWORD :'payments_pw';
SELECT format('CREATE DATABASE %I OWNER %I', d, d || '_svc') FROM unnest(ARRAY['orders', 'payments']) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
REVOKE CONNECT ON DATABASE orders FROM PUBLIC;
REVOKE CONNECT ON DATABASE payments FROM PUBLIC;
SQL
echo "db-init: roles and databases are in place"
