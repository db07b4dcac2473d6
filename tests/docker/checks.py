"""What check_docker_config.py and check_docker_ha.py share: the check/report loop and what the
repository says about itself (the SHOP_* variables the binaries read, the apt packages ./shop
installs, the targets and apt installs of a Dockerfile)."""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
_results = []


def check(name, condition, detail=""):
    _results.append(bool(condition))
    print(("ok    " if condition else "FAIL  ") + name + (f" ({detail})" if detail and not condition else ""))


def finish():
    """Prints '<n> passed, <m> failed' and exits non-zero when anything failed."""
    failed = _results.count(False)
    print(f"{len(_results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def load_yaml(relative):
    return yaml.safe_load((ROOT / relative).read_text())


def read_by_binaries():
    """Every SHOP_* environment variable named in the C++ sources."""
    names = set()
    for source in list((ROOT / "common").rglob("*.cpp")) + list((ROOT / "server").rglob("*.cpp")):
        names |= set(re.findall(r'"(SHOP_[A-Z0-9_]+)"', source.read_text()))
    return names


def driver_packages():
    """The APT_PACKAGES ./shop installs."""
    driver = (ROOT / "shop").read_text()
    return set(re.search(r"APT_PACKAGES=\(([^)]*)\)", driver, re.S).group(1).split())


def apt_installs(dockerfile_text):
    """Package lists of every `apt-get install` in a Dockerfile, in order."""
    lists = []
    joined = dockerfile_text.replace("\\\n", " ")
    for match in re.finditer(r"apt-get install ([^&\n]*)", joined):
        lists.append([w for w in match.group(1).split() if not w.startswith("-")])
    return lists


def stages(dockerfile_text):
    """{stage name: its text} of a multi-stage Dockerfile."""
    parts = re.split(r"^FROM \S+ AS (\S+)\n", dockerfile_text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def check_builds(compose):
    """Every service built here names a Dockerfile that exists and a target it defines."""
    for name, svc in compose.get("services", {}).items():
        build = svc.get("build")
        if not build:
            continue
        dockerfile = ROOT / "docker" / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
        targets = stages(dockerfile.read_text()) if dockerfile.is_file() else {}
        check(f"{name}: builds target '{build.get('target')}' of an existing Dockerfile",
              build.get("target") in targets, f"{dockerfile} has {sorted(targets)}")


def check_shop_variables(compose, names):
    """The SHOP_* variables each of `names` sets are ones the binaries read."""
    known = read_by_binaries()
    for name in names:
        env = compose.get("services", {}).get(name, {}).get("environment", {})
        unknown = sorted({k for k in env if k.startswith("SHOP_")} - known)
        check(f"{name}: every SHOP_* variable is read by the binaries", not unknown, unknown)


def required(value, variable):
    """True when `value` is ${variable:?message}: compose refuses to start without it."""
    return re.fullmatch(r"\$\{" + variable + r":\?[^}]+\}", str(value)) is not None


# --- secrets: none may have a default --------------------------------------------------------------
# A default written in a compose file is known to everyone who reads this repository, so every
# password, secret and cookie must come from the environment (docker/.env), or compose refuses to
# start: ${NAME:?message}.
_REFERENCE = re.compile(r"(?<!\$)\$\{(\w+)([^}]*)\}")  # $${...} is compose's escaped $
_BARE_REFERENCE = re.compile(r"(?<!\$)\$(\w+)")


def is_secret_name(name):
    """Names of passwords, secrets and cookies (POSTGRES_PASSWORD, RABBITMQ_DEFAULT_PASS, ...);
    not NAME_FILE, which names a file (Docker secrets) rather than holding the secret."""
    return (re.search(r"PASS|SECRET|COOKIE", name, re.I) is not None
            and not name.upper().endswith("_FILE"))


def environment_of(service):
    """A service's environment as a dict, whether written as a mapping or as NAME=value items."""
    env = service.get("environment", {}) or {}
    if isinstance(env, list):
        env = dict(str(item).split("=", 1) if "=" in str(item) else (str(item), None) for item in env)
    return env


def plain(value):
    """`value` with each ${NAME...} replaced by NAME, so a URL parses whatever the messages hold."""
    return _REFERENCE.sub(lambda m: m.group(1), str(value))


def url_passwords(value):
    """The password part of each URL in `value` (comma-separated URLs allowed), as written: the
    ${...} reference itself, or the literal text."""
    references = []

    def token(match):
        references.append(match.group(0))
        return f"__ref{len(references) - 1}__"

    tokenized = _REFERENCE.sub(token, str(value))
    passwords = []
    for url in tokenized.split(","):
        if "://" not in url:
            continue
        userinfo = url.split("://", 1)[1].split("@", 1)
        if len(userinfo) < 2 or ":" not in userinfo[0]:
            continue
        password = userinfo[0].split(":", 1)[1]
        passwords.append(re.sub(r"__ref(\d+)__", lambda m: references[int(m.group(1))], password))
    return passwords


def secret_problems(text, compose):
    """Every place of a compose file (its text, and the same file parsed) where a secret could
    have a value nobody set: a ${SECRET...} that is not ${SECRET:?message}, a bare $SECRET, an
    environment entry named like a secret whose value is not such a reference, a URL whose
    password is not one."""
    problems = []
    for match in _REFERENCE.finditer(text):
        if is_secret_name(match.group(1)) and not re.fullmatch(r":\?[^}]+", match.group(2)):
            problems.append(match.group(0))
    for match in _BARE_REFERENCE.finditer(text):
        if is_secret_name(match.group(1)):
            problems.append(match.group(0))
    for name, service in (compose.get("services") or {}).items():
        for key, value in environment_of(service).items():
            if is_secret_name(key):
                ref = _REFERENCE.fullmatch(str(value))
                if not ref or not is_secret_name(ref.group(1)) or not ref.group(2).startswith(":?"):
                    problems.append(f"{name}: {key}={value}")
            for password in url_passwords(value):
                ref = _REFERENCE.fullmatch(password)
                if not ref or not ref.group(2).startswith(":?"):
                    problems.append(f"{name}: {key} has the password {password}")
    return problems


def check_no_default_secrets(relative, compose):
    """Checks `relative` (already parsed as `compose`) with secret_problems, after a self-test
    that the scan itself still notices a default put back."""
    planted = ("x: ${ORDERS_DB_PASSWORD:-dev}\n"
               "services: {db: {environment: {POSTGRES_PASSWORD: dev, "
               "URL: 'amqp://u:${RABBITMQ_PASSWORD-dev}@h/', OTHER: $RABBITMQ_PASSWORD}}}\n")
    found = secret_problems(planted, yaml.safe_load(planted))
    check("the secrets scan notices a default, a literal, a bare $NAME and a URL's default",
          len(found) == 5, found)
    problems = secret_problems((ROOT / relative).read_text(), compose)
    check(f"{relative}: no password, secret or cookie has a default (each is ${{NAME:?message}})",
          not problems, problems)
