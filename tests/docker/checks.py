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
