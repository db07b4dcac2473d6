#!/usr/bin/env bash
# Makes the README's picture of the desktop client in use: signs in to a running stack as the
# operator, puts some accounts and orders into it through the gateway, opens the client under
# Xvfb with settings of its own (the user's are not read or changed), signed in with the same
# credentials, keeps placing orders so pushes reach the live panel, and saves the main window
# (QWidget::grab) to a PNG, and the first account's History (its ledger, with refunds) beside it
# (OUTPUT-history.png).
#
#   client-qt/tools/screenshot.sh CLIENT_BINARY GATEWAY_URL OUTPUT.png [CREDENTIALS_FILE]
#
# CREDENTIALS_FILE holds SHOP_ADMIN_USER=... and SHOP_ADMIN_PASSWORD=... lines (the stack's
# .stack/credentials); without it, SHOP_ADMIN_USER and SHOP_ADMIN_PASSWORD from the environment
# are used. Any failure to sign in (here or in the client) fails the script, and no picture is
# written. `./shop screenshot` starts the local stack and runs this with the right arguments.
set -euo pipefail

die() { echo "screenshot: $*" >&2; exit 1; }

[[ $# -ge 3 ]] || die "usage: $0 CLIENT_BINARY GATEWAY_URL OUTPUT.png [CREDENTIALS_FILE]"
client=$1
gateway=${2%/}
output=$3
credentials=${4:-}

command -v xvfb-run >/dev/null || die "xvfb-run is missing (apt-get install xvfb xauth)"
command -v curl >/dev/null || die "curl is missing"
[[ -x $client ]] || die "no client binary at $client"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -n $credentials ]]; then
    [[ -r $credentials ]] || die "cannot read the credentials file $credentials"
else
    [[ -n ${SHOP_ADMIN_USER:-} && -n ${SHOP_ADMIN_PASSWORD:-} ]] ||
        die "no credentials: pass the stack's credentials file (.stack/credentials) or set SHOP_ADMIN_USER and SHOP_ADMIN_PASSWORD"
    credentials=$work/credentials
    (umask 077 && printf 'SHOP_ADMIN_USER=%s\nSHOP_ADMIN_PASSWORD=%s\n' \
        "$SHOP_ADMIN_USER" "$SHOP_ADMIN_PASSWORD" >"$credentials")
fi
value_of() { sed -n "s/^$1=//p" "$credentials" | head -n 1 | sed "s/^['\"]//; s/['\"]\$//"; }
user=$(value_of SHOP_ADMIN_USER)
[[ -n $user ]] || die "$credentials has no SHOP_ADMIN_USER line"

json() { python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d'"$1"')'; }

# Sign in first, so a wrong password fails here with the gateway's answer. The credentials go
# on stdin, never on a command line.
answer=$(python3 -c 'import json,sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' \
    "$user" "$(value_of SHOP_ADMIN_PASSWORD)" |
    curl -sS -X POST "$gateway/auth/token" -H 'Content-Type: application/json' --data-binary @- \
        -w '\n%{http_code}') || die "the gateway at $gateway does not answer"
status=${answer##*$'\n'}
[[ $status == 200 ]] || die "signing in as $user failed: HTTP $status ${answer%$'\n'*}"
token=$(printf '%s' "${answer%$'\n'*}" | json '["access_token"]')
[[ -n $token ]] || die "signing in as $user gave no access token"

post() {
    curl -fsS -X POST "$gateway$1" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $token" -d "$2"
}

# Accounts with opening balances, then orders of which some cannot be paid.
users=()
for balance in 2500.00 80.00 1200.00 15.00 940.00 45.50 3100.00; do
    users+=("$(post /accounts "{\"balance\": \"$balance\"}" | json '["user_id"]')")
done
post /accounts/topup "{\"user_id\": \"${users[1]}\", \"amount\": \"120.00\"}" >/dev/null
items=("coffee beans" "desk lamp" "notebook, dotted" "USB-C cable" "headphones" "tea sampler"
       "monitor arm" "fountain pen" "backpack" "mouse pad" "standing desk" "plant pot")
amounts=(18.90 42.00 7.50 12.99 189.00 24.00 95.00 60.00 79.90 9.90 480.00 14.25)
place_order() {
    local i=$1
    post /orders "{\"user_id\": \"${users[i % ${#users[@]}]}\", \"amount\": \"${amounts[i % ${#amounts[@]}]}\", \"description\": \"${items[i % ${#items[@]}]}\"}"
}
orders=()
for ((i = 0; i < 12; i++)); do orders+=("$(place_order "$i" | json '["order_id"]')"); done

# Refunds, once the orders they give back are paid: the first account's coffee beans in full and
# part of its fountain pen, and the headphones in full, so the picture has REFUNDED orders and the
# first account's History a REFUND of each kind.
refund() {
    local order=$1 body=$2 tries
    for ((tries = 0; tries < 50; tries++)); do
        if post "/orders/$order/refunds" "$body" >/dev/null 2>&1; then return 0; fi
        sleep 0.2  # 409 while the order is still NEW
    done
    die "could not refund order $order"
}
refund "${orders[0]}" '{}'
refund "${orders[7]}" '{"amount": "15.00", "reason": "scratched"}'
refund "${orders[4]}" '{"reason": "returned"}'

# The client's own settings: orders of everyone, so the picture shows the whole shop.
mkdir -p "$work/config/shop"
printf '[orders]\nscope=1\n' >"$work/config/shop/shop-client.conf"

rm -f "$output"
# The client signs in with the credentials file and exits 1, without saving, when it is not
# signed in at the moment of the picture.
XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$client" --gateway "$gateway" --credentials "$credentials" \
    --screenshot "$output" --screenshot-delay 14000 --screenshot-history "${users[0]}" &
client_pid=$!

# Orders keep coming while the client runs: its timeline and chart fill from live pushes.
sleep 4
# Near the end, one of them is refunded in full, so a REFUNDED row is near the top of the picture
# (the first whose payment went through: a refused one cannot be refunded).
live=()
for ((i = 12; i < 60; i++)); do
    kill -0 "$client_pid" 2>/dev/null || break
    live+=("$( (place_order "$i" || true) | json '["order_id"]' 2>/dev/null || true)")
    if ((i == 24)); then
        for order in "${live[@]: -6:4}"; do
            [[ -n $order ]] && post "/orders/$order/refunds" '{"reason": "changed my mind"}' \
                >/dev/null 2>&1 && break
        done
    fi
    sleep 0.15
done
wait "$client_pid" || die "the client failed (see its messages above); no picture written"
[[ -s $output ]] || die "the client wrote no picture to $output"
history=${output%.*}-history.${output##*.}
[[ -s $history ]] || die "the client wrote no picture of the History to $history"
echo "screenshot: $output, $history"
