#!/usr/bin/env python3
"""Checks docker/compose.yaml and docker/Dockerfile without a Docker engine.

Parses the compose file with a real YAML parser and checks its structure, that every SHOP_*
variable it sets is one the binaries read, and that the Dockerfile builds with the same Debian
package names ./shop installs. Prints one line per check and '<n> passed, <m> failed'.
"""
import re

from checks import (ROOT, apt_installs, check, check_builds, check_no_default_secrets,
                    check_shop_variables, driver_packages, finish, load_yaml, required, url_passwords)

compose = load_yaml("docker/compose.yaml")
services = compose.get("services", {})
dockerfile = (ROOT / "docker/Dockerfile").read_text()

# --- structure -------------------------------------------------------------------------------
expected = {"orders-db", "payments-db", "rabbitmq", "orders-migrate", "payments-migrate",
            "orders", "payments", "gateway"}
check("compose has every service", expected <= set(services), sorted(expected - set(services)))

published = {name: svc.get("ports", []) for name, svc in services.items() if svc.get("ports")}
check("only the gateway and the RabbitMQ UI are published",
      set(published) == {"gateway", "rabbitmq"}, published)
check("the gateway is published on 8080", any(str(p).endswith(":8080") for p in published.get("gateway", [])))
check("the RabbitMQ UI is published on the host's loopback only",
      any(str(p) == "127.0.0.1:15672:15672" for p in published.get("rabbitmq", [])),
      published.get("rabbitmq"))

for name in ("orders", "payments"):
    svc = services.get(name, {})
    check(f"{name} can be scaled (no container_name, no host port)",
          "container_name" not in svc and "ports" not in svc)
    check(f"{name} declares deploy.replicas", "replicas" in svc.get("deploy", {}))
    deps = svc.get("depends_on", {})
    check(f"{name} waits for its migration to complete",
          deps.get(f"{name}-migrate", {}).get("condition") == "service_completed_successfully", deps)
    check(f"{name} waits for a healthy broker",
          deps.get("rabbitmq", {}).get("condition") == "service_healthy", deps)

gateway_deps = services.get("gateway", {}).get("depends_on", {})
check("the gateway waits for healthy orders and payments",
      all(gateway_deps.get(s, {}).get("condition") == "service_healthy" for s in ("orders", "payments")),
      gateway_deps)
for db in ("orders-db", "payments-db"):
    check(f"{db} has a health check and a named volume",
          "healthcheck" in services.get(db, {}) and any(
              str(v).split(":")[0] in compose.get("volumes", {}) for v in services[db].get("volumes", [])))
    migrate = db.replace("-db", "-migrate")
    check(f"{migrate} waits for a healthy {db}",
          services.get(migrate, {}).get("depends_on", {}).get(db, {}).get("condition") == "service_healthy")

# --- environment names match what the binaries read ------------------------------------------
check_shop_variables(compose, ("orders", "payments", "gateway", "orders-migrate", "payments-migrate"))
check_builds(compose)
for name in ("orders", "payments"):
    env = services.get(name, {}).get("environment", {})
    check(f"{name}: sets SHOP_DB_URL, SHOP_AMQP_URL and SHOP_HTTP_ADDR",
          {"SHOP_DB_URL", "SHOP_AMQP_URL", "SHOP_HTTP_ADDR"} <= set(env), sorted(env))
gateway_env = services.get("gateway", {}).get("environment", {})
internal_secrets = {str(services.get(n, {}).get("environment", {}).get("SHOP_INTERNAL_SECRET"))
                    for n in ("orders", "payments", "gateway")}
check("orders, payments and the gateway share one SHOP_INTERNAL_SECRET",
      len(internal_secrets) == 1 and "None" not in internal_secrets, sorted(internal_secrets))
check("gateway: sets the token secret and the operator's credentials",
      {"SHOP_TOKEN_SECRET", "SHOP_ADMIN_USER"} <= set(gateway_env)
      and bool({"SHOP_ADMIN_PASSWORD", "SHOP_ADMIN_PASSWORD_HASH"} & set(gateway_env)), sorted(gateway_env))
# Anyone who reads this repository knows a default, so the secrets that guard the published
# gateway must have none: ${NAME:?message} makes compose refuse to start without them.
for name, value in (("SHOP_INTERNAL_SECRET", gateway_env.get("SHOP_INTERNAL_SECRET")),
                    ("SHOP_TOKEN_SECRET", gateway_env.get("SHOP_TOKEN_SECRET")),
                    ("SHOP_ADMIN_PASSWORD", gateway_env.get("SHOP_ADMIN_PASSWORD"))):
    check(f"gateway: {name} has no default and is required", required(value, name), value)
# The database and broker passwords too: required, and the services use the ones the servers got.
check_no_default_secrets("docker/compose.yaml", compose)
for name, db, variable in (("orders", "orders-db", "ORDERS_DB_PASSWORD"),
                           ("payments", "payments-db", "PAYMENTS_DB_PASSWORD")):
    server_password = services.get(db, {}).get("environment", {}).get("POSTGRES_PASSWORD")
    check(f"{db}: POSTGRES_PASSWORD is the required {variable}", required(server_password, variable),
          server_password)
    for client in (name, f"{name}-migrate"):
        passwords = url_passwords(services.get(client, {}).get("environment", {}).get("SHOP_DB_URL"))
        check(f"{client}: SHOP_DB_URL has {db}'s password", passwords == [server_password], passwords)
broker_password = services.get("rabbitmq", {}).get("environment", {}).get("RABBITMQ_DEFAULT_PASS")
check("rabbitmq: RABBITMQ_DEFAULT_PASS is the required RABBITMQ_PASSWORD",
      required(broker_password, "RABBITMQ_PASSWORD"), broker_password)
# The broker runs with the settings ./shop measured them with (docker/rabbitmq/shop.conf).
mounts = [str(v) for v in services.get("rabbitmq", {}).get("volumes", [])]
check("rabbitmq: mounts docker/rabbitmq/shop.conf into its conf.d, read-only",
      any(re.fullmatch(r"\./rabbitmq/shop\.conf:/etc/rabbitmq/conf\.d/[\w-]+\.conf:ro", m) for m in mounts)
      and (ROOT / "docker/rabbitmq/shop.conf").is_file(), mounts)
for name in ("orders", "payments", "gateway"):
    passwords = url_passwords(services.get(name, {}).get("environment", {}).get("SHOP_AMQP_URL"))
    check(f"{name}: SHOP_AMQP_URL has the broker's password", passwords == [broker_password], passwords)
check("gateway: points at the orders and payments services",
      gateway_env.get("SHOP_ORDERS_URL", "").startswith("http://orders:")
      and gateway_env.get("SHOP_PAYMENTS_URL", "").startswith("http://payments:"))

# --- Dockerfile -------------------------------------------------------------------------------
packages = driver_packages()
installs = apt_installs(dockerfile)
check("the Dockerfile installs packages in a build and a runtime stage", len(installs) == 2, len(installs))
if installs:
    build_packages = set(installs[0])
    check("build-stage packages are ones ./shop installs too", build_packages <= packages,
          sorted(build_packages - packages))
    check("./shop installs every library the build stage needs",
          {"libpoco-dev", "libpq-dev", "librabbitmq-dev", "cmake", "ninja-build"} <= packages)
stages = re.findall(r"^FROM (\S+) AS (\S+)", dockerfile, re.M)
check("builds on debian:bookworm, runs on debian:bookworm-slim",
      ("debian:bookworm", "build") in stages and ("debian:bookworm-slim", "runtime") in stages, stages)
check("the runtime stage runs as a non-root user", re.search(r"^USER (?!root)\S+", dockerfile, re.M))
for target in ("gateway", "orders", "payments"):
    section = dockerfile.split(f"AS {target}\n", 1)[-1].split("\nFROM ", 1)[0]
    check(f"{target} has a HEALTHCHECK on its health endpoint", "HEALTHCHECK" in section and "/health/" in section)
    check(f"{target} image is built from the runtime stage", f"FROM runtime AS {target}" in dockerfile)

finish()
