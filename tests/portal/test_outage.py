"""The database stops under a running gunicorn and starts again: meanwhile every page answers 503
with Retry-After and a Chinese page (never 500), and afterwards the same gunicorn serves again.

The database is a throw-away cluster of the test's own (tests/servers.py), never the embedded
server the rest of the suite runs on; the site runs with production settings and persistent
connections, whose broken connections must be replaced by themselves. Its cache is the default, a
table in that same database, so the outage takes the page cache down too."""

import http.client
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import PostgresCluster, free_port, postgres_cluster, production_environment, wait_until_listening

# The suite's session fixtures need the test database, though this test runs on a cluster of its own.
pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]

# Path, method, and the status while the database is up. Each needs the database (the admin's
# login form, for one, does not, and keeps working).
REQUESTS = [
    ("/", "GET", 200),
    ("/search/?q=%E6%8A%A5%E5%91%8A", "GET", 200),  # 报告
    ("/rss/", "GET", 200),
    ("/takedown/", "GET", 200),
    ("/no/such/page/", "GET", 404),
    ("/takedown/", "POST", 403),  # no CSRF cookie
]


@dataclass
class Site:
    cluster: PostgresCluster
    port: int
    server: subprocess.Popen

    def ask(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=b"" if method == "POST" else None)
        response = connection.getresponse()
        answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        connection.close()
        return answer


@pytest.fixture(scope="module")
def site():
    with postgres_cluster() as cluster:
        cluster.create_database("portal")
        env = production_environment(
            cluster.url("portal"), DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_CONN_MAX_AGE="60"
        )
        for command in (["migrate", "--no-input"], ["createcachetable"], ["collectstatic", "--no-input"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "--verbosity", "0"], cwd=PROJECT, env=env, check=True
            )
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"], cwd=PROJECT, env=env
        )
        try:
            if not wait_until_listening(port):
                pytest.fail("gunicorn did not start")
            yield Site(cluster, port, server)
        finally:
            server.terminate()
            server.wait(timeout=20)


def answers_everything_as_usual(site: Site) -> None:
    # Rounds enough for each of the two workers to answer every request.
    for _ in range(2):
        for path, method, status in REQUESTS:
            answer, _, html = site.ask(path, method)
            assert answer == status, (method, path, answer, html[:300])


def test_a_database_outage_is_a_503_and_the_site_recovers_by_itself(site):
    answers_everything_as_usual(site)  # every worker now holds a persistent connection

    site.cluster.stop()
    for _ in range(2):
        for path, method, _ in REQUESTS:
            status, headers, html = site.ask(path, method)
            assert status == 503, (method, path, status, html[:300])
            assert int(headers["retry-after"]) > 0
            assert "暂时无法访问" in html and 'href="/"' in html
            assert "no-store" in headers["cache-control"] and "x-page-cache" not in headers

    site.cluster.start()
    answers_everything_as_usual(site)
    assert site.server.poll() is None  # the same gunicorn, never restarted
