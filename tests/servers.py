"""Servers that tests and benchmarks start for themselves on loopback ports."""

import email
import email.message
import email.policy
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def production_environment(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a gunicorn under portal.settings.production on loopback, on the given
    database and with the settings' default cache (the suite's own cache is not passed on)."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_CACHE_URL"}
    return environment | {
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        **overrides,
    }


def redis_cache(url: str) -> dict:
    """CACHES["default"] for the site's Redis backend at `url`, under the suite's key prefix."""
    from django.conf import settings

    return {
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, *, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away Redis (or Valkey) without persistence; yields its URL."""
    binary = shutil.which("redis-server") or shutil.which("valkey-server")
    if binary is None:
        raise RuntimeError("needs redis-server or valkey-server (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        if not wait_until_listening(port):
            raise RuntimeError(f"{binary} did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


class PostgresCluster:
    """A throw-away PostgreSQL cluster of its own, built with the binaries pgserver ships, listening
    on a loopback port; stop() and start() take it down and bring it back under the same address."""

    def __init__(self, *, replica_of: "PostgresCluster | None" = None, settings: dict[str, str] | None = None) -> None:
        """A new cluster; with `replica_of` (running), a streaming replica of it (pg_basebackup -R).
        `settings` are passed to the server at every start, e.g. {"log_statement": "all"}."""
        import importlib.util
        import os
        import tempfile
        from pathlib import Path

        # Found, not imported: importing pgserver warns when XDG_RUNTIME_DIR is unset.
        self.bin = Path(importlib.util.find_spec("pgserver").origin).parent / "pginstall" / "bin"
        self.data = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.port = free_port()
        self.settings = settings or {}
        # PostgreSQL refuses to run as root; pgserver runs its clusters as the user "pgserver" then.
        self.user = "pgserver" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.data, self.user, self.user)
        if replica_of is None:
            # initdb's defaults already allow streaming: wal_level=replica, max_wal_senders=10, and
            # replication connections from loopback trusted.
            self._run("initdb", "-D", str(self.data), "--auth=trust", "--encoding=utf8", "-U", "postgres")
        else:
            source = ("-h", "127.0.0.1", "-p", str(replica_of.port), "-U", "postgres")
            # -R writes primary_conninfo and standby.signal: it starts as a hot standby.
            self._run("pg_basebackup", *source, "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast")

    def url(self, database: str = "portal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, binary: str, *args: str) -> None:
        subprocess.run([str(self.bin / binary), *args], check=True, capture_output=True, user=self.user, timeout=120)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data}"
        options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.data / "log"), "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    @property
    def log(self) -> Path:
        return self.data / "log"

    def sql(self, statement: str, database: str = "portal") -> str:
        """Run one statement with psql; its output, unaligned."""
        command = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        command += ["-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout.strip()

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A running throw-away cluster, never the embedded server the tests themselves use."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


class SMTPInbox:
    """What a test SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int, inbox: SMTPInbox) -> Iterator[SMTPInbox]:
    """A real SMTP server (aiosmtpd) on a loopback port until the block ends; started again on the
    same port, it plays a mail server that was down and is back."""
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
