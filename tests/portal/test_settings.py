"""Production settings: secure by `check --deploy`, and refusing to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "example.cn",
    "DATABASE_URL": "postgres://portal:secret@127.0.0.1:5432/portal",
    "DJANGO_SITE_URL": "https://example.cn",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SITE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    result = manage("check", env={k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_the_production_application_freezes_what_it_loaded():
    """A worker's modules, settings and URL patterns are never garbage: the full collections that a
    search's allocations set off no longer walk them (portal/wsgi.py)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", "import gc, portal.wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT,
        env=clean | PRODUCTION,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 50_000
