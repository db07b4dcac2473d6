#!/usr/bin/env bash
# ./shop run from a checkout whose path holds spaces and a single quote. Each check hands what the
# script generates to the program that reads it (/bin/sh as pg_ctl uses it, env(1), YAML, nginx,
# ThreadSanitizer, bash's eval) and asserts that every path arrives whole.
#
#   tests/driver/shop_paths_test.sh SOURCE_DIR
#       ctest's `shop_paths` (label unit): copies ./shop into a temporary directory named with a
#       space and a quote, sources it there and checks what it generates. Starts no server.
#   tests/driver/shop_paths_test.sh --real SOURCE_DIR
#       also copies the whole working tree to a path with spaces and ` #` (RabbitMQ cannot boot
#       under a ', which ./shop refuses) and starts, from that copy, the test profile's
#       PostgreSQL and RabbitMQ on ports of their own (SHOP_TEST_PG_PORT, default 57432;
#       SHOP_TEST_AMQP_PORT, 57672; SHOP_TEST_AMQP_DIST_PORT, 26872), restarts PostgreSQL the way
#       the chaos suite does, runs the bench's nginx (SHOP_BENCH_NGINX_PORT, 58089), and stops all
#       of it. Needs root, like ./shop. Builds nothing.
# shellcheck disable=SC2030,SC2031,SC2153 # subshells count their own failures; ROOT comes from ./shop
set -euo pipefail

real=0
if [[ ${1:-} == --real ]]; then
    real=1
    shift
fi
source_dir=$(cd -- "${1:?usage: $0 [--real] SOURCE_DIR}" && pwd)
python=/usr/bin/python3

failures=0
pass() { printf 'ok    %s\n' "$1"; }
fail() {
    printf 'FAIL  %s\n' "$1"
    [[ -z ${2:-} ]] || printf '      %s\n' "$2"
    failures=$((failures + 1))
}
# expect NAME EXPECTED ACTUAL
expect() {
    if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shop paths.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
# A quote, spaces, and ` #`, which starts a comment where a path goes unquoted (sh, YAML, nginx).
root="$tmp/it's a #checkout"
mkdir -p "$root/tests"
cp "$source_dir/shop" "$root/shop"
cp "$source_dir/tests/tsan.supp" "$root/tests/tsan.supp"

# --- what ./shop generates, checked by what reads it (nothing started) ---------------------------
checks() {
    # Defines the functions only (main runs when the file is executed, not sourced).
    # shellcheck source=/dev/null
    source "$root/shop"
    expect "ROOT is the checkout's path, whole" "$root" "$ROOT"

    use_profile test
    mkdir -p "$PG_DIR"
    for name in superuser orders payments; do echo "secret-$name" >"$PG_DIR/$name.secret"; done

    # pg_ctl runs `exec postgres -D "DATA" OPTIONS` through /bin/sh; a restart replays the server's
    # arguments from postmaster.opts, where PostgreSQL wrote each in double quotes.
    local options started replayed
    options=$(pg_server_options)
    started=$(sh -c "printf '[%s]' $options" 2>&1) || true
    case $started in
        *"[-k][$PG_DIR/socket][-c]"*) pass "pg_ctl start: the socket directory is one argument" ;;
        *) fail "pg_ctl start: the socket directory is one argument" "sh made $started" ;;
    esac
    replayed=$(sh -c "printf '%s\n' $options" 2>&1 |
        while IFS= read -r arg; do printf ' "%s"' "$arg"; done) || true
    expect "pg_ctl restart (postmaster.opts): the same arguments again" "$started" \
        "$(sh -c "printf '[%s]' $replayed" 2>&1)"
    if (check_pg_path "$PG_DIR") >/dev/null 2>&1; then
        pass "PostgreSQL accepts a path with spaces and a quote"
    else
        fail "PostgreSQL accepts a path with spaces and a quote"
    fi
    if (check_pg_path '/tmp/a"b/pg') >/dev/null 2>&1; then
        fail "a path pg_ctl would break on is refused before anything starts"
    else
        pass "a path pg_ctl would break on is refused before anything starts"
    fi

    # RabbitMQ: the node's environment, as rabbitmq-server receives it (a stand-in setsid on PATH
    # records it; nothing runs as rabbitmq).
    local bin="$tmp/bin"
    mkdir -p "$bin"
    cat >"$bin/setsid" <<'EOF'
#!/bin/sh
{
    printf 'ARGS'; printf ' [%s]' "$@"; echo
    for name in RABBITMQ_MNESIA_BASE RABBITMQ_LOG_BASE RABBITMQ_CONFIG_FILE \
        RABBITMQ_ENABLED_PLUGINS_FILE RABBITMQ_PID_FILE RABBITMQ_NODENAME HOME; do
        printenv "$name" | sed "s/^/$name=/"
    done
} >"$SHOP_TEST_RECORD"
EOF
    chmod +x "$bin/setsid"
    local recorded
    # rmq_exec_server execs: in a subshell of its own.
    recorded=$( (PATH="$bin:$PATH" SHOP_TEST_RECORD="$tmp/rabbitmq.env" rmq_exec_server) 2>&1 &&
        cat "$tmp/rabbitmq.env") || true
    expect "rabbitmq-server: run as rabbitmq, in its own session" \
        "ARGS [runuser] [-u] [rabbitmq] [--] [$RMQ_BIN/rabbitmq-server]" "$(head -n 1 <<<"$recorded")"
    expect "rabbitmq-server: every directory and file of the node, whole" \
        "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia
RABBITMQ_LOG_BASE=$RMQ_DIR/log
RABBITMQ_CONFIG_FILE=$RMQ_DIR/rabbitmq
RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_DIR/enabled_plugins
RABBITMQ_PID_FILE=$RMQ_DIR/rabbitmq.pid
RABBITMQ_NODENAME=$RMQ_NODE
HOME=/var/lib/rabbitmq" "$(tail -n +2 <<<"$recorded")"

    # `eval "$(./shop testenv)"` and ./shop test's own eval.
    (
        failures=0
        eval "$(test_env_exports)"
        expect "testenv: SHOP_TEST_DATABASE_DIR" "$root/database" "$SHOP_TEST_DATABASE_DIR"
        expect "testenv: SHOP_TEST_PG_DATA" "$PG_DIR/data" "$SHOP_TEST_PG_DATA"
        expect "testenv: SHOP_TEST_PG_URL" "$(pg_superuser_url shop_it)" "$SHOP_TEST_PG_URL"
        expect "testenv: SHOP_TEST_AMQP_URL" "$(amqp_url)" "$SHOP_TEST_AMQP_URL"
        exit "$failures"
    ) || failures=$((failures + $?))

    # SHOP_TEST_HA_CTL, as the HA tests run it: through /bin/sh with arguments appended. An unknown
    # verb makes the script itself answer (it starts nothing).
    local answer rc=0
    answer=$(sh -c "$(ha_ctl_command) no-such-verb" 2>&1) || rc=$?
    case $rc:$answer in
        1:*"ha-ctl: unknown verb or node: no-such-verb"*) pass "SHOP_TEST_HA_CTL runs this checkout's ./shop" ;;
        *) fail "SHOP_TEST_HA_CTL runs this checkout's ./shop" "exit $rc: $answer" ;;
    esac

    # ThreadSanitizer reads the suppressions file named in TSAN_OPTIONS (a program built with it
    # stops at start-up when the options do not parse or the file cannot be read).
    local tsan_options_value
    tsan_options_value=$(tsan_options)
    printf 'int main(void) { return 0; }\n' >"$tmp/tsan.c"
    if ! cc -fsanitize=thread "$tmp/tsan.c" -o "$tmp/tsan" 2>"$tmp/cc.log"; then
        fail "ThreadSanitizer: a test program builds" "$(cat "$tmp/cc.log")"
    elif answer=$(TSAN_OPTIONS=$tsan_options_value "$tmp/tsan" 2>&1); then
        pass "ThreadSanitizer: TSAN_OPTIONS parse and the suppressions file is read"
    else
        fail "ThreadSanitizer: TSAN_OPTIONS parse and the suppressions file is read" "$answer"
    fi

    # Patroni's configuration, as YAML reads it.
    use_profile ha-test
    mkdir -p "$PG_DIR"
    for name in superuser replicator; do echo "secret-$name" >"$PG_DIR/$name.secret"; done
    pg_node 0
    patroni_config >"$tmp/patroni.yml"
    expect "patroni.yml: data_dir, pgpass and the socket directory, whole" \
        "$PG_NODE_DIR/data|$PG_NODE_DIR/pgpass|$PG_NODE_DIR/socket" \
        "$("$python" 2>&1 -c '
import sys, yaml
pg = yaml.safe_load(open(sys.argv[1]))["postgresql"]
print("|".join((pg["data_dir"], pg["pgpass"], pg["parameters"]["unix_socket_directories"])))' "$tmp/patroni.yml" || true)"

    # The bench's nginx configuration, as nginx reads it (-t: parse and check, serve nothing).
    use_profile dev
    local dir="$STACK/bench/nginx"
    mkdir -p "$dir/logs" "$dir/tmp"
    bench_nginx_config "$dir" 8089 'a "quoted" secret; \ too' >"$dir/nginx.conf"
    if answer=$(nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" 2>&1); then
        pass "nginx.conf: nginx accepts it"
    else
        fail "nginx.conf: nginx accepts it" "$answer"
    fi

    # RabbitMQ cannot boot under a path with a ': refused before anything starts.
    if answer=$(use_profile test && rmq_launch 2>&1); then
        fail "RabbitMQ: a path with a ' is refused" "rmq_launch went on"
    elif [[ $answer == *"the path holds a '"* && ! -e $RMQ_DIR ]]; then
        pass "RabbitMQ: a path with a ' is refused"
    else
        fail "RabbitMQ: a path with a ' is refused" "$answer"
    fi
}
checks

# --- a real start from the spaced checkout (--real only) -----------------------------------------
real_checks() {
    [[ $(id -u) == 0 ]] || { fail "--real runs as root (./shop runs the servers as their own users)"; return; }
    # The servers run as postgres and rabbitmq: they must reach the checkout. The checks above left
    # made-up secrets under .stack: a fresh one.
    chmod o+x "$tmp"
    # RabbitMQ 3.10 never finishes booting when its directories' path holds a ' (./shop refuses
    # that, see rmq_start): the real start runs from a path with spaces and ` #` only.
    root="$tmp/a spaced #checkout"
    mkdir -p "$root"
    git -C "$source_dir" ls-files -z --cached --others --exclude-standard |
        (cd "$source_dir" && tar --null --ignore-failed-read -T - -cf -) | tar -C "$root" -xf -
    export SHOP_TEST_PG_PORT=${SHOP_TEST_PG_PORT:-57432} SHOP_TEST_AMQP_PORT=${SHOP_TEST_AMQP_PORT:-57672}
    export SHOP_TEST_AMQP_DIST_PORT=${SHOP_TEST_AMQP_DIST_PORT:-26872}
    export SHOP_BENCH_NGINX_PORT=${SHOP_BENCH_NGINX_PORT:-58089}
    local env_text
    if ! env_text=$("$root/shop" testenv); then
        fail "./shop testenv starts PostgreSQL and RabbitMQ from the spaced checkout"
        "$root/shop" testenv-down || true
        return
    fi
    pass "./shop testenv starts PostgreSQL and RabbitMQ from the spaced checkout"
    (
        failures=0
        eval "$env_text"
        # shellcheck source=/dev/null
        source "$root/shop"
        use_profile test
        local socket_dir="$PG_DIR/socket"
        expect "PostgreSQL: its socket directory is the spaced one" "$socket_dir" \
            "$(psql -X -At "$SHOP_TEST_PG_URL" -c 'SHOW unix_socket_directories')"
        # libpq takes a socket directory as host: as -h, or percent-encoded in a URL.
        expect "PostgreSQL: reached through its socket (psql -h DIR)" 1 \
            "$(runuser -u postgres -- psql -X -At -h "$socket_dir" -p "$PG_PORT" -d postgres -c 'SELECT 1')"
        local encoded
        encoded=$("$python" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$socket_dir")
        expect "PostgreSQL: reached through its socket (postgresql://%2F...)" 1 \
            "$(runuser -u postgres -- psql -X -At "postgresql://postgres@$encoded:$PG_PORT/postgres" -c 'SELECT 1')"
        # As the chaos suite does (RestartPostgres): pg_ctl restart replays postmaster.opts. The
        # restarted server keeps pg_ctl's output open, so that goes to a file, not to a pipe.
        if runuser -u postgres -- "$SHOP_TEST_PG_CTL" -D "$SHOP_TEST_PG_DATA" restart -m fast -w -t 60 \
            >"$tmp/pg_ctl.log" 2>&1; then
            pass "PostgreSQL: pg_ctl restart brings it back on the same socket directory"
            expect "PostgreSQL: after the restart, the same socket directory" "$socket_dir" \
                "$(psql -X -At "$SHOP_TEST_PG_URL" -c 'SHOW unix_socket_directories')"
        else
            fail "PostgreSQL: pg_ctl restart brings it back on the same socket directory" "$(cat "$tmp/pg_ctl.log")"
        fi
        local status
        if status=$(env HOME=/var/lib/rabbitmq runuser -u rabbitmq -- "$SHOP_TEST_RABBITMQCTL" \
            -n "$SHOP_TEST_RABBITMQ_NODE" await_startup 2>&1) && [[ -d $RMQ_DIR/mnesia/$RMQ_NODE ]]; then
            pass "RabbitMQ: runs with its data in the spaced checkout"
        else
            fail "RabbitMQ: runs with its data in the spaced checkout" \
                "$RMQ_DIR/mnesia/$RMQ_NODE: $(ls "$RMQ_DIR/mnesia" 2>&1); $status"
        fi
        # The bench's nginx: started, answering (502, nothing behind it), stopped.
        use_profile dev
        if (bench_nginx_start && bench_nginx_stop) >/dev/null 2>&1; then
            pass "nginx: the bench's proxy starts from the spaced checkout"
        else
            fail "nginx: the bench's proxy starts from the spaced checkout" "see $STACK/bench/nginx/logs"
        fi
        exit "$failures"
    ) || failures=$((failures + $?))
    "$root/shop" testenv-down >/dev/null || fail "./shop testenv-down stops them"
}
if ((real)); then
    real_checks
fi

if ((failures)); then
    echo "$failures failed"
    exit 1
fi
echo "all passed"
