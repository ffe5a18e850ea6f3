"""Project-local embedded PostgreSQL (pgserver) for development and tests.

Used only when DATABASE_URL is unset. The cluster lives in ``.pgdata/`` (git-ignored; another
directory with PORTAL_PGDATA) and keeps running between commands, so ``manage.py`` works at any
time; ``python -m portal.devdb stop`` stops it.

Every start first repairs what an interrupted command (Ctrl-C, kill, a reboot) can leave behind,
which pgserver would otherwise trip over: its list of attached processes (``.handle_pids.json``)
truncated, corrupt or full of processes that are gone; a ``postmaster.pid`` that names no server
of this directory (after a reboot its pid may belong to any other process); a server still running
whose ``postmaster.pid`` was lost.
"""

import atexit
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"
PID_LIST = ".handle_pids.json"  # pgserver's name
POSTMASTER_LINES = 8  # a complete postmaster.pid (PostgreSQL 10 and later)
READY_SECONDS = 120  # crash recovery of a large cluster takes a while
STOP_SECONDS = 15


def data_dir() -> Path:
    # Read when needed, not at import: the settings read .env into the environment after importing this.
    return Path(os.environ.get("PORTAL_PGDATA") or DEFAULT_DATA_DIR).resolve()


def _pgserver():
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI) and falls back to /tmp.
        warnings.simplefilter("ignore")
        import pgserver  # dev/test dependency only

    return pgserver


def _server():
    pgserver = _pgserver()
    pgdata = data_dir()
    # pgserver's own lock, which every process starting or attaching to a cluster holds.
    with pgserver.PostgresServer._lock:
        repair(pgdata)
    try:
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except subprocess.TimeoutExpired:
        # pg_ctl gives up after 10 s; a server replaying its log after a crash gets there later.
        broken = pgserver.PostgresServer._instances.pop(pgdata, None)
        if broken is not None:
            atexit.unregister(broken._cleanup)
        _wait_until_ready(pgdata)
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    _detach(server)
    return server


def _detach(server) -> None:
    """The server outlives every command (cleanup_mode=None), so pgserver's list of attached
    processes serves no purpose here; it is what an interrupted exit leaves half-written. Take
    this process off it now, so that nothing is written at exit."""
    atexit.unregister(server._cleanup)
    with server._lock:
        _write_pid_list(server.pgdata, [pid for pid in _read_pid_list(server.pgdata) if pid != os.getpid()])


def _read_pid_list(data_dir: Path) -> list[int]:
    """The list as pgserver keeps it, less anything that is not a process id."""
    try:
        values = json.loads((data_dir / PID_LIST).read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(values, list):
        return []
    return [value for value in values if type(value) is int]


def _write_pid_list(data_dir: Path, pids: list[int]) -> None:
    # Written whole and renamed into place: an interruption leaves the old list or the new one.
    path = data_dir / PID_LIST
    partial = path.with_name(f"{PID_LIST}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(pids))
    os.replace(partial, path)


def _postmaster_lines(data_dir: Path) -> list[str] | None:
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines


def _processes_of(data_dir: Path) -> list:
    """The server processes working in `data_dir`: the postmaster and its backends (PostgreSQL
    changes into its data directory; backends rewrite their command line, not their directory)."""
    import psutil

    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] != "postgres":
            continue
        with contextlib.suppress(psutil.Error):
            cmdline = process.info["cmdline"] or []
            in_cmdline = any(a == "-D" and b == str(data_dir) for a, b in itertools.pairwise(cmdline))
            if in_cmdline or Path(process.cwd()).resolve() == data_dir:
                found.append(process)
    return found


def _recorded_server(data_dir: Path, processes: list) -> tuple[int, str] | None:
    """The pid and status postmaster.pid names, if that pid is really this directory's server."""
    lines = _postmaster_lines(data_dir)
    if not lines or len(lines) < POSTMASTER_LINES:
        return None
    try:
        pid = int(lines[0])
    except ValueError:
        return None
    if pid not in {process.pid for process in processes} or Path(lines[1].strip()).resolve() != data_dir:
        return None
    return pid, lines[7].strip()


def _wait_until_ready(data_dir: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        recorded = _recorded_server(data_dir, _processes_of(data_dir))
        if recorded is None or recorded[1] == "ready":
            return
        time.sleep(0.5)


def _stop_processes(processes: list) -> None:
    import psutil

    for process in processes:
        with contextlib.suppress(psutil.Error):
            # SIGINT is PostgreSQL's fast shutdown for the postmaster; a backend ends on SIGTERM.
            postmaster = "-D" in (process.cmdline() or [])
            process.send_signal(signal.SIGINT if postmaster else signal.SIGTERM)
    _, alive = psutil.wait_procs(processes, timeout=STOP_SECONDS)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=STOP_SECONDS)


def repair(data_dir: Path) -> None:
    """Make `data_dir` startable again after any interruption. Call with pgserver's lock held."""
    if not (data_dir / "PG_VERSION").exists():
        return  # nothing there yet: pgserver makes a new cluster
    # Rewritten every time: it may be truncated, corrupt, or name processes that are gone.
    _write_pid_list(data_dir, [pid for pid in _read_pid_list(data_dir) if _pid_alive(pid)])

    processes = _processes_of(data_dir)
    recorded = _recorded_server(data_dir, processes)
    if recorded is not None:
        if recorded[1] != "ready":
            _wait_until_ready(data_dir)
        return
    if processes:
        # A server, or backends of a crashed one, that postmaster.pid does not describe: nothing
        # could connect to them or stop them, and a second server on the same files would corrupt
        # them.
        _stop_processes(processes)
    socket_dir = _socket_dir(data_dir)
    for stale in [data_dir / "postmaster.pid", *data_dir.glob(".s.PGSQL.*.lock")]:
        stale.unlink(missing_ok=True)
    if socket_dir is not None and socket_dir != data_dir:
        for stale in socket_dir.glob(".s.PGSQL.*"):
            stale.unlink(missing_ok=True)


def _socket_dir(data_dir: Path) -> Path | None:
    lines = _postmaster_lines(data_dir) or []
    return Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else None


def _pid_alive(pid: int) -> bool:
    import psutil

    return pid > 0 and psutil.pid_exists(pid)


def database_settings(name: str) -> dict:
    """Start the embedded server if needed, make sure database ``name`` exists, return Django settings."""
    import psycopg2

    server = _server()
    socket_dir = server.get_postmaster_info().socket_dir
    connection = psycopg2.connect(host=str(socket_dir), user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": str(socket_dir),
    }


def stop() -> None:
    pgserver = _pgserver()
    pgdata = data_dir()
    with pgserver.PostgresServer._lock:
        repair(pgdata)
        if not (pgdata / "postmaster.pid").exists():
            print("embedded PostgreSQL is not running")
            return
        # pgserver runs the cluster as the system user "pgserver" when we are root.
        user = "pgserver" if os.geteuid() == 0 else None
        pgserver.pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
    print("embedded PostgreSQL stopped")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        settings = database_settings("portal")
        print(f"embedded PostgreSQL running, socket in {settings['HOST']}")
    elif command == "stop":
        stop()
    else:
        sys.exit("usage: python -m portal.devdb [start|stop]")
