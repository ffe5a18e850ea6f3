"""deploy/'s systemd units and environment file: what systemd itself says of them, and that they
fit together with the rest of the deployment (nginx's upstream, gunicorn.conf.py, the commands, the
settings' variables)."""

import configparser
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"
CHECKOUT = "/srv/portal/app"  # where the units expect the repository
ENV_FILE = "/etc/portal/portal.env"
SERVICES = ["portal-gunicorn.service", "portal-worker.service", "portal-housekeeping.service"]
LONG_RUNNING = ["portal-gunicorn.service", "portal-worker.service"]
# Variables of development and the tests only.
NOT_FOR_PRODUCTION = {"PORTAL_DB_NAME", "TEST_DATABASE_NAME", "PORTAL_PGDATA", "TEST_CACHE", "PORT"}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text())
    return parser


def environment_file() -> dict[str, str]:
    """The active KEY=value lines, as systemd reads them."""
    values = {}
    for line in (DEPLOY / "portal.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value.removeprefix('"').removesuffix('"')
    return values


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("needs systemd-analyze (apt-get install systemd; .ci/run installs it)")
    # This checkout stands in for /srv/portal/app, so that systemd finds the programs it would run.
    for path in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]:
        text = path.read_text().replace(CHECKOUT, str(PROJECT))
        (tmp_path / path.name).write_text(text.replace(ENV_FILE, str(DEPLOY / "portal.env.example")))
    units = sorted(str(path) for path in tmp_path.iterdir())
    assert len(units) == 4
    result = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True)
    # Unknown keys and bad values are only warnings, with exit status 0: any output is a failure.
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), result.stderr


def test_services_share_user_checkout_environment_and_hardening():
    for name in SERVICES:
        service = unit(name)["Service"]
        assert service["User"] == service["Group"] == "portal", name
        assert service["WorkingDirectory"] == CHECKOUT, name
        assert service["EnvironmentFile"] == ENV_FILE, name
        assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in service["Environment"], name
        assert service["NoNewPrivileges"] == "true" and service["PrivateTmp"] == "true", name
        assert service["ProtectSystem"] == "strict", name
        # The only places the site writes to: the uploaded evidence, and (housekeeping) the bulk downloads.
        writable = [environment_file()["DJANGO_PRIVATE_MEDIA_ROOT"]]
        if name == "portal-housekeeping.service":
            writable.append(environment_file()["DJANGO_OPENDATA_ROOT"])
        assert service["ReadWritePaths"] == " ".join(writable), name
        program = shlex.split(service["ExecStart"])[0]
        assert program.startswith(f"{CHECKOUT}/.venv/bin/"), name
    for name in LONG_RUNNING:
        assert unit(name)["Service"]["Restart"] == "always", name
        assert unit(name)["Install"]["WantedBy"] == "multi-user.target", name


def test_gunicorn_runs_the_repository_config_where_nginx_sends_requests():
    command = shlex.split(unit("portal-gunicorn.service")["Service"]["ExecStart"])
    assert command[0] == f"{CHECKOUT}/.venv/bin/gunicorn"
    config = command[command.index("--config") + 1]
    assert config.startswith(f"{CHECKOUT}/") and (PROJECT / config.removeprefix(f"{CHECKOUT}/")).is_file()
    bind = command[command.index("--bind") + 1]
    upstream = re.search(r"upstream portal_gunicorn \{\s*server ([^;\s]+);", (DEPLOY / "nginx.conf").read_text())
    assert upstream and upstream.group(1) == bind


def test_worker_and_housekeeping_run_the_sites_commands_hourly():
    commands = get_commands()
    worker = shlex.split(unit("portal-worker.service")["Service"]["ExecStart"])
    assert worker[1:] == ["manage.py", "db_worker", "--no-reload"] and "db_worker" in commands
    housekeeping = unit("portal-housekeeping.service")["Service"]
    assert shlex.split(housekeeping["ExecStart"])[1:] == ["manage.py", "housekeeping"] and "housekeeping" in commands
    assert housekeeping["Type"] == "oneshot"
    timer = unit("portal-housekeeping.timer")
    assert timer["Timer"]["OnCalendar"] == "hourly" and timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "portal-housekeeping.service" and (DEPLOY / timer["Timer"]["Unit"]).is_file()
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_environment_file_names_every_production_variable():
    sources = [*(PROJECT / "portal" / "settings").glob("*.py"), PROJECT / "gunicorn.conf.py"]
    read = set()
    for source in sources:
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", source.read_text()))
        read |= set(re.findall(r"environ\.get\(\"([A-Z0-9_]+)\"", source.read_text()))
    readme = (PROJECT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", readme, flags=re.M))
    documented |= {name for row in re.findall(r"^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)+) \|", readme, flags=re.M)
                   for name in re.findall(r"`([A-Z0-9_]+)`", row)}  # fmt: skip
    example = (DEPLOY / "portal.env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z0-9_]+)=", example, flags=re.M))
    missing = (read | documented) - NOT_FOR_PRODUCTION - named
    assert not missing, f"add to deploy/portal.env.example: {sorted(missing)}"
    assert "DJANGO_SECRET_KEY" in read and "GUNICORN_WORKERS" in read and "DJANGO_CACHE_URL" in documented


def test_the_environment_file_is_a_production_configuration_that_passes_the_deploy_checks(tmp_path):
    env = {"PATH": os.environ["PATH"], **environment_file()}
    env |= {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
