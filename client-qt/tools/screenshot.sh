#!/usr/bin/env bash
# Makes the README's picture of the desktop client in use: puts some accounts and orders into a
# running stack through the gateway, opens the client under Xvfb with settings of its own (the
# user's are not read or changed), keeps placing orders so pushes reach the live panel, and saves
# the main window (QWidget::grab) to a PNG.
#
#   client-qt/tools/screenshot.sh CLIENT_BINARY GATEWAY_URL OUTPUT.png [CREDENTIALS_FILE]
#
# `./shop screenshot` starts the local stack and runs this with the right arguments.
set -euo pipefail

client=$1
gateway=${2%/}
output=$3
credentials=${4:-}

command -v xvfb-run >/dev/null || { echo "screenshot: xvfb-run is missing (apt-get install xvfb xauth)" >&2; exit 1; }
[[ -x $client ]] || { echo "screenshot: no client binary at $client" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Without a credentials file, sign in as the configured operator (a gateway without
# authentication answers 404 to POST /auth/token and the client goes on without a token).
if [[ -z $credentials || ! -r $credentials ]]; then
    credentials=$work/credentials
    printf 'SHOP_ADMIN_USER=%s\nSHOP_ADMIN_PASSWORD=%s\n' "${SHOP_ADMIN_USER:-admin}" "${SHOP_ADMIN_PASSWORD:-}" >"$credentials"
fi
value_of() { sed -n "s/^$1=//p" "$credentials" | head -n 1 | sed "s/^['\"]//; s/['\"]\$//"; }

json() { python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d'"$1"')'; }

auth=()
credentials_json=$(python3 -c 'import json,sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' \
    "$(value_of SHOP_ADMIN_USER)" "$(value_of SHOP_ADMIN_PASSWORD)")
token=$({ curl -fsS -X POST "$gateway/auth/token" -H 'Content-Type: application/json' \
    -d "$credentials_json" | json '["access_token"]'; } 2>/dev/null || true)
if [[ -n $token ]]; then
    auth=(-H "Authorization: Bearer $token")
fi

post() { curl -fsS -X POST "$gateway$1" -H 'Content-Type: application/json' "${auth[@]}" -d "$2"; }

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
    post /orders "{\"user_id\": \"${users[i % ${#users[@]}]}\", \"amount\": \"${amounts[i % ${#amounts[@]}]}\", \"description\": \"${items[i % ${#items[@]}]}\"}" >/dev/null
}
for ((i = 0; i < 12; i++)); do place_order "$i"; done

# The client's own settings: orders of everyone, so the picture shows the whole shop.
mkdir -p "$work/config/shop"
printf '[orders]\nscope=1\n' >"$work/config/shop/shop-client.conf"

XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$client" --gateway "$gateway" --credentials "$credentials" \
    --screenshot "$output" --screenshot-delay 14000 &
client_pid=$!

# Orders keep coming while the client runs: its timeline and chart fill from live pushes.
sleep 4
for ((i = 12; i < 60; i++)); do
    place_order "$i" || true
    sleep 0.15
done
wait "$client_pid"
echo "screenshot: $output"
