#!/bin/sh
# Starts one node of docker/compose.ha.yaml's RabbitMQ cluster (Debian's rabbitmq-server, run as
# the rabbitmq user). From the environment:
#   RABBITMQ_NODENAME       this node, rabbit@<its hostname>
#   RABBITMQ_CLUSTER_NODES  every node of the cluster, space-separated (this one included)
#   RABBITMQ_ERLANG_COOKIE  the secret the nodes (and the CLI) share
#   RABBITMQ_USER, RABBITMQ_PASSWORD  the account the services connect with
#   RABBITMQ_MANAGEMENT     1 to enable the management UI on 15672
# A node with an empty data directory joins the first reachable listed node (peer discovery takes a
# lock, so nodes may boot together); a node that was clustered waits for its peers at boot.
set -eu

: "${RABBITMQ_NODENAME:?}" "${RABBITMQ_CLUSTER_NODES:?}" "${RABBITMQ_ERLANG_COOKIE:?}"
: "${RABBITMQ_USER:?}" "${RABBITMQ_PASSWORD:?}"

umask 077
cookie="$HOME/.erlang.cookie"
rm -f "$cookie"
printf '%s' "$RABBITMQ_ERLANG_COOKIE" >"$cookie"
chmod 400 "$cookie"

conf="$HOME/rabbitmq.conf"
{
    echo "listeners.tcp.default = 5672"
    echo "default_user = $RABBITMQ_USER"
    echo "default_pass = $RABBITMQ_PASSWORD"
    # A node cut off from the majority stops serving rather than diverge.
    echo "cluster_partition_handling = pause_minority"
    echo "cluster_formation.peer_discovery_backend = classic_config"
    n=0
    for node in $RABBITMQ_CLUSTER_NODES; do
        n=$((n + 1))
        echo "cluster_formation.classic_config.nodes.$n = $node"
    done
    if [ "${RABBITMQ_MANAGEMENT:-0}" = 1 ]; then
        echo "management.tcp.port = 15672"
    fi
    cat /etc/shop/rabbitmq.conf
} >"$conf"
if [ "${RABBITMQ_MANAGEMENT:-0}" = 1 ]; then
    echo '[rabbitmq_management].' >"$HOME/enabled_plugins"
else
    echo '[].' >"$HOME/enabled_plugins"
fi

export RABBITMQ_CONFIG_FILE="$HOME/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$HOME/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$HOME/mnesia" RABBITMQ_LOGS=-
unset RABBITMQ_ERLANG_COOKIE RABBITMQ_PASSWORD
exec /usr/lib/rabbitmq/bin/rabbitmq-server
