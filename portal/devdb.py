"""Project-local embedded PostgreSQL (pgserver) for development and tests.

Used only when DATABASE_URL is unset. The cluster lives in ``.pgdata/`` (git-ignored) and keeps
running between commands, so ``manage.py`` works at any time; ``python -m portal.devdb stop``
stops it.
"""

import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"


def _server():
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI) and falls back to /tmp.
        warnings.simplefilter("ignore")
        import pgserver  # dev/test dependency only

    return pgserver.get_server(DATA_DIR, cleanup_mode=None)


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
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def stop() -> None:
    import os

    import pgserver

    if not (DATA_DIR / "postmaster.pid").exists():
        print("embedded PostgreSQL is not running")
        return
    # pgserver runs the cluster as the system user "pgserver" when we are root.
    user = "pgserver" if os.geteuid() == 0 else None
    pgserver.pg_ctl(["-w", "stop"], pgdata=DATA_DIR, user=user)
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
