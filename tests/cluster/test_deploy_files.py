"""deploy/ runs what scripts/cluster.sh runs: the same processes, commands, settings, ports and environment.

Docker is not available where the suite runs, so the compose file, the Dockerfile, the systemd units and the nginx
sites are read as text (the compose file with PyYAML) and compared with `scripts/cluster.sh commands` and
`scripts/cluster.sh env`, which print what the script itself starts. Runs in every pass (no cluster needed).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

DEPLOY = ROOT / "deploy"
# Options about where a process listens, how many of it run, what it is called and where it logs: these differ
# between one machine and many by design. Any other option must be the same everywhere.
PLACEMENT_OPTIONS = {"--bind", "-b", "--workers", "-w", "--name", "--access-logfile", "--error-logfile"}
# Set by cluster.sh for its own bookkeeping (the tests, `scripts/cluster.sh env`), never read by the application.
CLUSTER_ONLY = {"CLUSTER_DIR", "CLUSTER_WEB_URLS", "CLUSTER_PG_PRIMARY_PORT", "CLUSTER_PG_REPLICA_PORT"}
CLUSTER_ONLY |= {"CLUSTER_REDIS_PORT"}
# Tuning knobs deploy/ may leave to the settings' defaults: cluster.sh must then export exactly that default.
DEFAULTED_KNOBS = {
    "OUTBOX_CLAIM_TIMEOUT_SECONDS",
    "OUTBOX_SWEEP_GRACE_SECONDS",
    "RATE_LIMITS_ENABLED",
    "REPLICA_MAX_LAG_SECONDS",
}
# One proxy (nginx) in front of the nodes in deploy/, none in the cluster (clients reach gunicorn directly).
DEPLOY_ONLY = {"TRUSTED_PROXY_COUNT"}
# The image's Python runtime (where uv put the virtualenv, unbuffered output): not the application's settings.
IMAGE_RUNTIME = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "UV_PROJECT_ENVIRONMENT"}


# --- what cluster.sh runs ----------------------------------------------------------------------------------------


@cache
def cluster_commands() -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTER_")}
    out = subprocess.run(
        ["bash", str(ROOT / "scripts/cluster.sh"), "commands"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    commands = {}
    for line in out.splitlines():
        name, _, rest = line.partition(":")
        commands[name] = shlex.split(rest)
    return commands


@cache
def cluster_env() -> dict[str, str]:
    """The variables `scripts/cluster.sh env` exports, with the values it gives them by default."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    out = subprocess.run(
        ["bash", str(ROOT / "scripts/cluster.sh"), "env"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    values: dict[str, str] = {}
    for line in out.splitlines():
        assert line.startswith("export "), line
        values.update(part.split("=", 1) for part in shlex.split(line.removeprefix("export ")))
    return values


def split_command(argv: list[str]) -> tuple[list[str], dict[str, str | None]]:
    """(program and positional arguments, {option: value or None}); the program by its name only."""
    positional = [Path(argv[0]).name]
    options: dict[str, str | None] = {}
    i = 1
    while i < len(argv) and not argv[i].startswith("-"):
        positional.append(argv[i])
        i += 1
    while i < len(argv):
        option = argv[i]
        assert option.startswith("-"), f"a positional argument after the options: {argv}"
        if i + 1 < len(argv) and (argv[i + 1] == "-" or not argv[i + 1].startswith("-")):
            options[option] = argv[i + 1]
            i += 2
        else:
            options[option] = None
            i += 1
    return positional, options


def assert_same_command(
    where: str, deployed: list[str], cluster: list[str], placement: set[str] = PLACEMENT_OPTIONS
) -> None:
    got_positional, got = split_command(deployed)
    want_positional, want = split_command(cluster)
    assert got_positional == want_positional, f"{where}: {deployed} does not run {cluster}"
    got_core = {k: v for k, v in got.items() if k not in placement}
    assert got_core == want, f"{where}: options {got_core} ≠ cluster.sh's {want}"


# --- the deploy files ---------------------------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    files = sorted(DEPLOY.glob("compose*.y*ml"))
    assert [f.name for f in files] == ["compose.yaml"]
    data = yaml.safe_load(files[0].read_text())
    assert isinstance(data, dict)
    return data


def services() -> dict[str, Any]:
    return compose()["services"]  # type: ignore[no-any-return]


@cache
def dockerfile() -> tuple[dict[str, str], list[str]]:
    """(ENV of the image, CMD) of deploy/Dockerfile."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    cmd: list[str] = []
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(part.split("=", 1) for part in shlex.split(line.removeprefix("ENV ")))
        elif line.startswith("CMD "):
            cmd = json.loads(line.removeprefix("CMD "))
    return env, cmd


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's keys (continuation lines joined; a key may appear several times)."""
    text = (DEPLOY / "systemd" / name).read_text().replace("\\\n", " ")
    keys: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "systemd" / "mosprom.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def interpolate(value: str) -> str:
    """Compose's variable substitution with an empty deploy/.env: ${X:-default} → default, ${X} / ${X:?…} → x-X."""
    return re.sub(
        r"\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}",
        lambda m: m.group(2) if m.group(2) is not None else f"x-{m.group(1)}",
        value,
    )


def app_environment() -> dict[str, str]:
    """What every application container sees: the image's ENV, then compose's environment."""
    image_env, _ = dockerfile()
    env = {**image_env, **{k: interpolate(str(v)) for k, v in services()["web1"]["environment"].items()}}
    for name in ("web2", "worker", "scheduler", "migrate"):
        assert services()[name]["environment"] == services()["web1"]["environment"], name
    return env


def app_command(service: str) -> list[str]:
    command = services()[service].get("command") or dockerfile()[1]
    return list(command)


# --- processes and commands ---------------------------------------------------------------------------------------


def test_compose_runs_the_processes_of_the_cluster() -> None:
    names = set(services())
    assert names == {"db-primary", "db-replica", "redis", "migrate", "web1", "web2", "worker", "scheduler", "nginx"}
    # cluster.sh: two web nodes, two workers, exactly one scheduler.
    web = [s for s in names if s.startswith("web")]
    assert len(web) == 2
    assert services()["worker"]["deploy"]["replicas"] == 2
    assert "deploy" not in services()["scheduler"]
    assert "deploy" not in services()["web1"]


def test_web_nodes_run_the_same_gunicorn_everywhere() -> None:
    want = cluster_commands()["web"]
    for service in ("web1", "web2"):
        assert_same_command(f"compose {service}", app_command(service), want)
    assert_same_command("systemd mosprom-web@", shlex.split(unit("mosprom-web@.service")["ExecStart"][0]), want)


def test_workers_and_the_scheduler_run_the_same_commands_everywhere() -> None:
    commands = cluster_commands()
    assert_same_command("compose worker", app_command("worker"), commands["worker"])
    assert_same_command("compose scheduler", app_command("scheduler"), commands["scheduler"])
    worker = unit("mosprom-worker@.service")
    assert_same_command("systemd mosprom-worker@", shlex.split(worker["ExecStart"][0]), commands["worker"])
    scheduler = unit("mosprom-scheduler.service")
    assert_same_command("systemd mosprom-scheduler", shlex.split(scheduler["ExecStart"][0]), commands["scheduler"])
    # A stopped worker finishes the job in hand: the same grace in both.
    assert worker["KillSignal"] == ["SIGTERM"]
    assert services()["worker"]["stop_grace_period"] == f"{worker['TimeoutStopSec'][0]}s"


def test_every_unit_reads_the_environment_file_and_runs_from_the_checkout() -> None:
    for name in ("mosprom-web@.service", "mosprom-worker@.service", "mosprom-scheduler.service"):
        keys = unit(name)
        assert keys["EnvironmentFile"] == ["/etc/mosprom/env"], name
        assert keys["WorkingDirectory"] == ["/srv/mosprom"], name
        assert keys["ExecStart"][0].startswith("/srv/mosprom/.venv/bin/"), name
    assert "/etc/mosprom/env" in (DEPLOY / "systemd" / "mosprom.env.example").read_text().splitlines()[0]


def test_postgres_and_redis_run_with_the_cluster_settings() -> None:
    commands = cluster_commands()
    settings = commands["postgres"]  # ["-c", "wal_level=replica", "-c", …]
    primary = services()["db-primary"]["command"]
    assert primary[0] == "postgres"
    assert primary[1:] == settings, "the primary runs cluster.sh's PostgreSQL settings"
    # The replica: a base backup with recovery settings on first start, then PostgreSQL with the same settings.
    entrypoint = services()["db-replica"]["entrypoint"]
    assert entrypoint[:2] == ["bash", "-c"]
    steps = [shlex.split(step) for step in re.split(r"\|\||&&", entrypoint[2])]
    basebackup = next(step for step in steps if step[0] == "pg_basebackup")
    # Where it connects to and writes differs; how it copies (-R: recovery settings, WAL streamed) does not.
    assert_same_command("compose db-replica", basebackup, commands["replica"], {"-h", "-p", "-U", "-D"})
    assert steps[-1] == ["exec", "postgres", *settings]
    assert services()["redis"]["command"] == commands["redis"]


# --- ports ----------------------------------------------------------------------------------------------------------


def _upstream(conf: str) -> list[str]:
    text = (DEPLOY / "nginx" / conf).read_text()
    block = re.search(r"upstream mosprom_web \{(.*?)\}", text, re.S)
    assert block, conf
    return re.findall(r"^\s*server\s+(\S+)", block.group(1), re.M)


def test_nginx_sends_requests_to_every_web_node() -> None:
    _, cmd = dockerfile()
    _, options = split_command(cmd)
    port = str(options["--bind"]).rsplit(":", 1)[1]
    assert f"EXPOSE {port}" in (DEPLOY / "Dockerfile").read_text()
    assert _upstream("compose.conf") == [f"web1:{port}", f"web2:{port}"]
    # systemd: one mosprom-web@<port> per upstream entry, as the unit's own comment enables them.
    ports = [entry.rsplit(":", 1)[1] for entry in _upstream("mosprom.conf")]
    assert len(ports) == 2
    assert (
        f"systemctl enable --now {' '.join(f'mosprom-web@{p}' for p in ports)}"
        in (DEPLOY / "systemd" / "mosprom-web@.service").read_text()
    )
    assert "--bind 127.0.0.1:%i" in unit("mosprom-web@.service")["ExecStart"][0]


def test_the_documented_cluster_ports_are_those_of_the_script() -> None:
    ports = dict(item.split("=") for item in cluster_commands()["ports"])
    doc = (ROOT / "docs/deploy.md").read_text()
    section = doc.split("## The whole topology on one machine", 1)[1].split("\n## ", 1)[0]
    assert f"http://127.0.0.1:{ports['web1']}" in section
    assert f":{ports['web2']}" in section
    assert f"ports {ports['primary']}, {ports['replica']}" in section
    assert f"({ports['redis']})" in section


def test_static_files_are_served_from_where_collectstatic_puts_them() -> None:
    image_env, _ = dockerfile()
    var = image_env["MOSPROM_VAR_DIR"]
    # The app containers mount the var volume there; nginx mounts it at /srv/mosprom/var (as on a real machine).
    assert f"var:{var}" in services()["web1"]["volumes"]
    assert "var:/srv/mosprom/var:ro" in services()["nginx"]["volumes"]
    assert env_example()["MOSPROM_VAR_DIR"] == "/srv/mosprom/var"
    for conf in ("compose.conf", "mosprom.conf"):
        assert "alias /srv/mosprom/var/staticfiles/;" in (DEPLOY / "nginx" / conf).read_text(), conf


# --- environment --------------------------------------------------------------------------------------------------


def _defaults(names: set[str]) -> dict[str, Any]:
    """The settings' values of `names` when the environment does not set them."""
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("DJANGO_")}
    code = f"import json; from django.conf import settings; print(json.dumps({{n: getattr(settings, n) for n in {sorted(names)!r}}}))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "mosprom.settings", "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_knobs_left_to_the_defaults_have_their_default_in_the_cluster() -> None:
    exported = cluster_env()
    assert set(exported) >= DEFAULTED_KNOBS
    for name, default in _defaults(DEFAULTED_KNOBS).items():
        value = exported[name]
        if isinstance(default, bool):
            assert value == str(default).lower(), name
        else:
            assert float(value) == float(default), name


@pytest.mark.parametrize("where", ["compose", "systemd"])
def test_deploy_sets_every_variable_the_cluster_sets(where: str) -> None:
    exported = set(cluster_env()) - CLUSTER_ONLY - DEFAULTED_KNOBS
    deployed = app_environment() if where == "compose" else env_example()
    if where == "systemd":
        # Real machines have TLS at nginx: the production default (redirect to https) is right there.
        exported -= {"SECURE_SSL_REDIRECT"}
    assert exported - set(deployed) == set(), f"{where} leaves out what cluster.sh sets"
    extra = set(deployed) - set(cluster_env()) - DEPLOY_ONLY - IMAGE_RUNTIME
    assert extra == set(), f"{where} sets what cluster.sh does not"


@pytest.mark.parametrize("where", ["cluster", "compose", "systemd"])
def test_the_engines_are_chosen_the_same_way(where: str) -> None:
    env = {"cluster": cluster_env, "compose": app_environment, "systemd": env_example}[where]()
    assert env["DJANGO_SETTINGS_MODULE"] == "mosprom.settings_production"
    assert env["TASKS_BACKEND"] == "rq"
    urls = {name: urllib.parse.urlsplit(env[name]) for name in ("DATABASE_URL", "REPLICA_DATABASE_URL")}
    urls |= {name: urllib.parse.urlsplit(env[name]) for name in ("REDIS_URL", "CACHE_URL")}
    assert {u.scheme for n, u in urls.items() if n.endswith("DATABASE_URL")} == {"postgres"}
    assert urls["DATABASE_URL"].path == urls["REPLICA_DATABASE_URL"].path == "/mosprom"
    assert urls["DATABASE_URL"].netloc != urls["REPLICA_DATABASE_URL"].netloc
    # One Redis: the queue in db 0, the cache (KPIs, limits, sessions) in db 1.
    assert (urls["REDIS_URL"].scheme, urls["REDIS_URL"].path) == ("redis", "/0")
    assert (urls["CACHE_URL"].scheme, urls["CACHE_URL"].path) == ("redis", "/1")
    assert urls["REDIS_URL"].netloc == urls["CACHE_URL"].netloc
    if where == "compose":
        # Each URL names the compose service that runs that engine.
        assert urls["DATABASE_URL"].hostname == "db-primary"
        assert urls["REPLICA_DATABASE_URL"].hostname == "db-replica"
        assert urls["REDIS_URL"].hostname == "redis"
