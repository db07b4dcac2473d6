#!/usr/bin/env python3
"""Checks docker/compose.ha.yaml, docker/Dockerfile.ha and docker/ha/ without a Docker engine.

The HA compose file must have the topology of `./shop up --ha`: three clustered RabbitMQ nodes
sharing one cookie, two PostgreSQL nodes under Patroni with etcd and the same Patroni settings as
./shop, services that list every node (multi-host libpq URLs with target_session_attrs=read-write,
every AMQP node), and nothing published but the gateway and one RabbitMQ UI. Prints one line per
check and '<n> passed, <m> failed'.
"""
import os
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import yaml

from checks import (ROOT, apt_installs, check, check_builds, check_no_default_secrets,
                    check_shop_variables, driver_packages, finish, load_yaml, plain, required, stages,
                    url_passwords)

compose = load_yaml("docker/compose.ha.yaml")
services = compose.get("services", {})
volumes = compose.get("volumes", {})
RABBITS = ("rabbitmq-1", "rabbitmq-2", "rabbitmq-3")
PGS = ("pg-1", "pg-2")


def env(name):
    return services.get(name, {}).get("environment", {})


def depends(name, on):
    return services.get(name, {}).get("depends_on", {}).get(on, {}).get("condition")


def named_volume_at(name, path):
    return any(str(v).split(":")[0] in volumes and str(v).endswith(":" + path)
               for v in services.get(name, {}).get("volumes", []))


# --- topology ----------------------------------------------------------------------------------
expected = {"etcd", *PGS, "db-init", *RABBITS, "orders-migrate", "payments-migrate", "orders", "payments",
            "gateway"}
check("compose.ha has every service", expected <= set(services), sorted(expected - set(services)))
published = {name: svc.get("ports", []) for name, svc in services.items() if svc.get("ports")}
check("only the gateway and the first RabbitMQ node's UI are published",
      set(published) == {"gateway", "rabbitmq-1"}, published)
check("the RabbitMQ UI is published on the host's loopback only",
      published.get("rabbitmq-1") == ["127.0.0.1:15672:15672"], published.get("rabbitmq-1"))
check("the gateway is published on 8080", any(str(p).endswith(":8080") for p in published.get("gateway", [])))

# --- RabbitMQ cluster --------------------------------------------------------------------------
node_names = [f"rabbit@{services.get(n, {}).get('hostname')}" for n in RABBITS]
for name, node in zip(RABBITS, node_names):
    check(f"{name}: its node name is rabbit@<its hostname>", env(name).get("RABBITMQ_NODENAME") == node,
          env(name).get("RABBITMQ_NODENAME"))
    check(f"{name}: lists the three nodes as its cluster",
          str(env(name).get("RABBITMQ_CLUSTER_NODES", "")).split() == node_names,
          env(name).get("RABBITMQ_CLUSTER_NODES"))
    check(f"{name}: keeps its data on a named volume", named_volume_at(name, "/var/lib/rabbitmq"))
    check(f"{name}: the Erlang cookie has no default and is required",
          required(env(name).get("RABBITMQ_ERLANG_COOKIE"), "RABBITMQ_ERLANG_COOKIE"))
for name in RABBITS:
    check(f"{name}: the account's password has no default and is required",
          required(env(name).get("RABBITMQ_PASSWORD"), "RABBITMQ_PASSWORD"))
for name in ("orders", "payments", "gateway"):
    passwords = url_passwords(env(name).get("SHOP_AMQP_URL"))
    check(f"{name}: SHOP_AMQP_URL has the nodes' password for every node",
          passwords == [env("rabbitmq-1").get("RABBITMQ_PASSWORD")] * len(RABBITS), passwords)
check("the three nodes share one cookie and one account",
      len({(str(env(n).get("RABBITMQ_ERLANG_COOKIE")), str(env(n).get("RABBITMQ_USER")),
            str(env(n).get("RABBITMQ_PASSWORD"))) for n in RABBITS}) == 1)
check("the management UI runs on the published node", str(env("rabbitmq-1").get("RABBITMQ_MANAGEMENT")) == "1")

# --- PostgreSQL under Patroni ------------------------------------------------------------------
for name in PGS:
    host = services.get(name, {}).get("hostname")
    check(f"{name}: Patroni member named after its host, reached at host:5432 and host:8008",
          host == name and env(name).get("PATRONI_NAME") == name
          and env(name).get("PATRONI_POSTGRESQL_CONNECT_ADDRESS") == f"{name}:5432"
          and env(name).get("PATRONI_RESTAPI_CONNECT_ADDRESS") == f"{name}:8008", env(name))
    check(f"{name}: waits for a healthy etcd", depends(name, "etcd") == "service_healthy")
    check(f"{name}: keeps its data on a named volume", named_volume_at(name, "/var/lib/postgresql/patroni"))
for name in PGS:
    for key, variable in (("PATRONI_SUPERUSER_PASSWORD", "POSTGRES_SUPERUSER_PASSWORD"),
                          ("PATRONI_REPLICATION_PASSWORD", "POSTGRES_REPLICATION_PASSWORD")):
        check(f"{name}: {key} has no default and is the required {variable}",
              required(env(name).get(key), variable), env(name).get(key))
check("both nodes share the superuser and replication passwords",
      len({(str(env(n).get("PATRONI_SUPERUSER_PASSWORD")), str(env(n).get("PATRONI_REPLICATION_PASSWORD")))
           for n in PGS}) == 1)
check("etcd keeps its data on a named volume", named_volume_at("etcd", "/var/lib/etcd/data"))

patroni = load_yaml("docker/ha/patroni.yml")
# ./shop's own Patroni configuration (a heredoc with shell variables in it): the two must agree on
# everything that decides failover and durability.
driver = (ROOT / "shop").read_text()
heredoc = re.search(r"^patroni_config\(\) \{.*?<<YAML\n(.*?)^YAML$", driver, re.S | re.M).group(1)
heredoc = re.sub(r"^\s*\$\w+\s*$", "", heredoc, flags=re.M)  # a line that is only a variable
heredoc = re.sub(r'"\$\([^)]*\)"', '"x"', heredoc)  # "$(cat secret)"
shop_patroni = yaml.safe_load(re.sub(r"\$\w+", "x", heredoc))
check("Patroni's bootstrap (dcs: ttl, synchronous_mode, failsafe_mode, ...; initdb) is ./shop's",
      patroni.get("bootstrap") == shop_patroni.get("bootstrap"),
      f"{patroni.get('bootstrap')} != {shop_patroni.get('bootstrap')}")
check("synchronous mode is on", patroni.get("bootstrap", {}).get("dcs", {}).get("synchronous_mode") is True)
check("Patroni preloads what ./shop preloads",
      patroni["postgresql"]["parameters"].get("shared_preload_libraries")
      == shop_patroni["postgresql"]["parameters"].get("shared_preload_libraries"))
check("Patroni's users are ./shop's",
      patroni["postgresql"]["authentication"] == {k: {"username": v["username"]} for k, v in
                                                  shop_patroni["postgresql"]["authentication"].items()})
check("Patroni's store is the etcd service", patroni.get("etcd3", {}).get("hosts") == ["etcd:2379"])
data_dir = patroni["postgresql"]["data_dir"]
check("Patroni's data directory is on the nodes' volume", data_dir.startswith("/var/lib/postgresql/patroni/"))

# --- the services follow the engines -----------------------------------------------------------
pg_hosts = [f"{n}:5432" for n in PGS]


def db_url_ok(url, database):
    parts = urlsplit(plain(url))
    query = parse_qs(parts.query)
    return (parts.netloc.split("@")[-1].split(",") == pg_hosts and parts.path == "/" + database
            and query.get("target_session_attrs") == ["read-write"])


for name, database in (("orders", "orders"), ("payments", "payments"), ("orders-migrate", "orders"),
                       ("payments-migrate", "payments")):
    check(f"{name}: SHOP_DB_URL lists both nodes with target_session_attrs=read-write",
          db_url_ok(env(name).get("SHOP_DB_URL"), database), env(name).get("SHOP_DB_URL"))
    variable = f"{database.upper()}_DB_PASSWORD"
    check(f"{name}: the database password is the required {variable} db-init sets",
          url_passwords(env(name).get("SHOP_DB_URL")) == [env("db-init").get(variable)]
          and required(env("db-init").get(variable), variable), url_passwords(env(name).get("SHOP_DB_URL")))
for name in ("orders-migrate", "payments-migrate"):
    check(f"{name}: waits for db-init to complete", depends(name, "db-init") == "service_completed_successfully")
check("db-init: waits for both healthy nodes and targets both",
      all(depends("db-init", n) == "service_healthy" for n in PGS)
      and str(env("db-init").get("PG_HOSTS")).split(",") == pg_hosts)
check("db-init: connects with the superuser password the nodes have",
      env("db-init").get("PGPASSWORD") == env("pg-1").get("PATRONI_SUPERUSER_PASSWORD"))
for name in ("orders", "payments", "gateway"):
    urls = plain(env(name).get("SHOP_AMQP_URL", "")).split(",")
    hosts = [urlsplit(u).hostname for u in urls]
    check(f"{name}: SHOP_AMQP_URL lists the three nodes", hosts == list(RABBITS), hosts)
for name in ("orders", "payments"):
    check(f"{name}: waits for its migration and for all three healthy broker nodes",
          depends(name, f"{name}-migrate") == "service_completed_successfully"
          and all(depends(name, n) == "service_healthy" for n in RABBITS))
    check(f"{name} can be scaled (no container_name, no host port)",
          "container_name" not in services.get(name, {}) and "ports" not in services.get(name, {}))
check("the gateway waits for healthy orders and payments",
      all(depends("gateway", s) == "service_healthy" for s in ("orders", "payments")))
for variable in ("SHOP_INTERNAL_SECRET", "SHOP_TOKEN_SECRET", "SHOP_ADMIN_PASSWORD"):
    check(f"gateway: {variable} has no default and is required", required(env("gateway").get(variable), variable))
check("orders, payments and the gateway share one SHOP_INTERNAL_SECRET",
      len({str(env(n).get("SHOP_INTERNAL_SECRET")) for n in ("orders", "payments", "gateway")}) == 1)
check_no_default_secrets("docker/compose.ha.yaml", compose)
check_shop_variables(compose, ("orders", "payments", "gateway", "orders-migrate", "payments-migrate"))
check_builds(compose)

# --- the engines' images and scripts -----------------------------------------------------------
dockerfile = (ROOT / "docker/Dockerfile.ha").read_text()
images = stages(dockerfile)
check("Dockerfile.ha has the etcd, patroni and rabbitmq targets", {"etcd", "patroni", "rabbitmq"} <= set(images),
      sorted(images))
packages = driver_packages()
for target, text in images.items():
    installed = {p for install in apt_installs(text) for p in install}
    check(f"{target}: its apt packages are ones ./shop installs", installed and installed <= packages,
          sorted(installed - packages))
    check(f"{target}: runs as a non-root user", re.search(r"^USER (?!root)\S+", text, re.M))
    check(f"{target}: has a HEALTHCHECK", "HEALTHCHECK" in text)
    for source in re.findall(r"^COPY (\S+) ", text, re.M):
        check(f"{target}: copies {source}, which exists", (ROOT / source).is_file())
check("rabbitmq: the image holds docker/rabbitmq/shop.conf and the entrypoint adds it to the node's configuration",
      re.search(r"^COPY docker/rabbitmq/shop\.conf /etc/shop/rabbitmq\.conf$", images.get("rabbitmq", ""), re.M)
      and "cat /etc/shop/rabbitmq.conf" in (ROOT / "docker/ha/rabbitmq-entrypoint.sh").read_text())
scripts = {"docker/ha/rabbitmq-entrypoint.sh": RABBITS, "docker/ha/db-init.sh": ("db-init",)}
for script, users in scripts.items():
    path = ROOT / script
    check(f"{script} is executable and parses", os.access(path, os.X_OK)
          and subprocess.run(["sh", "-n", str(path)]).returncode == 0)
    # The variables it requires (`: "${NAME:?}"`) are set for every container that runs it.
    needed = set(re.findall(r"\$\{(\w+):\?\}", path.read_text()))
    for name in users:
        missing = sorted(needed - set(env(name)))
        check(f"{name}: sets every variable {script} requires", needed and not missing, missing)

finish()
