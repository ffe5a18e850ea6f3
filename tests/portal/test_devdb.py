"""The embedded database starts cleanly after any interruption. Each test breaks a throw-away
data directory (PORTAL_PGDATA, never the suite's own .pgdata) the way a kill, Ctrl-C or a reboot
does, then runs a command that needs the database in a new process, as manage.py would."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

# The suite's session fixtures need the test database, though these tests use a cluster of their own.
pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
CONNECT = """
import psycopg2
from portal.devdb import database_settings
settings = database_settings("portal")
psycopg2.connect(host=settings["HOST"], user="postgres", dbname="portal").close()
print("connected")
"""


def command(pgdata: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {"PORTAL_PGDATA": str(pgdata)}
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def starts_cleanly(pgdata: Path) -> None:
    result = command(pgdata, "-c", CONNECT)
    assert result.returncode == 0 and "connected" in result.stdout, result.stderr[-3000:]


def stopped(pgdata: Path) -> None:
    result = command(pgdata, "-m", "portal.devdb", "stop")
    assert result.returncode == 0, result.stderr[-3000:]


def postmasters(pgdata: Path) -> list[int]:
    return [
        process.pid
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres" and str(pgdata) in (process.info["cmdline"] or [])
    ]


def ended_pids(count: int) -> list[int]:
    pids = []
    for _ in range(count):
        process = subprocess.Popen(["true"])
        process.wait()
        pids.append(process.pid)
    return pids


@pytest.fixture(scope="module")
def pgdata():
    parent = Path(tempfile.mkdtemp(prefix="portal-devdb-"))
    data = parent / "pgdata"
    starts_cleanly(data)
    yield data
    command(data, "-m", "portal.devdb", "stop")
    shutil.rmtree(parent, ignore_errors=True)


@pytest.mark.parametrize("contents", ["", "[4702, 204", "{}", "not json"])
def test_a_truncated_or_corrupt_pid_list_is_repaired(pgdata, contents):
    (pgdata / ".handle_pids.json").write_text(contents)
    starts_cleanly(pgdata)
    assert isinstance(json.loads((pgdata / ".handle_pids.json").read_text()), list)


def test_the_pid_list_does_not_keep_processes_that_ended(pgdata):
    gone = ended_pids(3)
    (pgdata / ".handle_pids.json").write_text(json.dumps(gone))
    for _ in range(3):
        starts_cleanly(pgdata)
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == []


def test_a_postmaster_pid_naming_another_process_after_a_reboot(pgdata):
    recorded = (pgdata / "postmaster.pid").read_text().splitlines()
    stopped(pgdata)
    # After a reboot the old pid may belong to anything: here, a process that is not PostgreSQL.
    other = subprocess.Popen(["sleep", "120"])
    try:
        (pgdata / "postmaster.pid").write_text("\n".join([str(other.pid), *recorded[1:]]) + "\n")
        starts_cleanly(pgdata)
        assert other.poll() is None  # left alone
    finally:
        other.kill()
        other.wait()


def test_a_truncated_postmaster_pid(pgdata):
    stopped(pgdata)
    (pgdata / "postmaster.pid").write_text("12345\n")
    starts_cleanly(pgdata)


def test_a_server_left_running_without_its_postmaster_pid(pgdata):
    assert len(postmasters(pgdata)) == 1
    (pgdata / "postmaster.pid").write_text("")
    starts_cleanly(pgdata)
    assert len(postmasters(pgdata)) == 1  # the orphan was stopped, not joined by a second server
