"""Read replicas with a real streaming replica: a primary and a hot standby made with pg_basebackup
from the binaries the embedded server ships, and gunicorn with production settings in front of both.

Which server answered a read is read from each server's own statement log (log_statement=all):
an article's report is read by the prepared statement report_article, lists and search by plain
SELECTs on reports_report. The clusters are the test's own, never the embedded server the rest of
the suite runs on."""

import http.client
import json
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.servers import PostgresCluster, free_port, production_environment, wait_until_listening

# The suite's session fixtures need the test database, though this test runs on clusters of its own.
pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
MAX_LAG_SECONDS = 2
CHECK_SECONDS = 1
# Pages whose data changed within this long are read from the primary (portal.replicas.read_alias).
RECENT_CHANGE_SECONDS = MAX_LAG_SECONDS + CHECK_SECONDS + 0.5

SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from comments.models import ModerationMode
from tests.factories import CategoryFactory, ReportFactory, UserFactory, jishou, update_comment_settings

update_comment_settings(moderation_mode=ModerationMode.POST, min_interval_seconds=0)
category = CategoryFactory()
reports = [ReportFactory(region=jishou(), category=category, title=f"吉首市政府工作报告{n}") for n in range(3)]
staff = UserFactory(username="owner", is_staff=True, is_superuser=True)
session = SessionStore()
session.update({
    "_auth_user_id": str(staff.pk),
    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
    "_auth_user_hash": staff.get_session_auth_hash(),
})
session.create()
print(reports[0].pk, reports[0].get_absolute_url(), category.get_absolute_url(), session.session_key)
"""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    html: str
    cookies: SimpleCookie = field(default_factory=SimpleCookie)


@dataclass
class Site:
    primary: PostgresCluster
    replica: PostgresCluster
    port: int
    server_log: Path
    report_id: int
    article: str
    category: str
    staff_session: str

    def ask(self, path: str, method: str = "GET", *, cookies: dict | None = None, form: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        cookies_set = SimpleCookie()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookies_set.load(value)
        answer = Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read().decode(),
            cookies_set,
        )
        connection.close()
        return answer

    def post_comment(self, body: str) -> Answer:
        """Comment as a reader does: the form with its captcha (answered from the primary's
        store), then the post."""
        form = self.ask(f"/comments/{self.report_id}/")  # the comment page
        assert form.status == 200, form.html[:300]
        fields = dict(re.findall(r'name="(captcha_0|stamp|csrfmiddlewaretoken)" value="([^"]*)"', form.html))
        answer = self.primary.sql(f"SELECT response FROM captcha_captchastore WHERE hashkey = '{fields['captcha_0']}'")
        data = fields | {"captcha_1": answer.upper(), "nickname": "张三", "body": body, "email": "", "website": ""}
        csrf = form.cookies["csrftoken"].value
        return self.ask(f"/comments/{self.report_id}/", "POST", cookies={"csrftoken": csrf}, form=data)


class Reads:
    """What each server was asked between two moments, from its statement log."""

    def __init__(self, site: Site):
        self.logs = {"primary": site.primary.log, "replica": site.replica.log}
        self.start = {name: log.stat().st_size for name, log in self.logs.items()}

    def since(self, name: str) -> str:
        with self.logs[name].open(errors="replace") as log:
            log.seek(self.start[name])
            return log.read()


def unique(path: str) -> str:
    """The same page under an address the page cache has not seen, so it is built from the database."""
    return f"{path}{'&' if '?' in path else '?'}fresh={secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    primary = PostgresCluster(settings={"log_statement": "all"})
    replica = None
    server = None
    try:
        primary.start()
        primary.create_database("portal")
        replica = PostgresCluster(replica_of=primary, settings={"log_statement": "all"})
        replica.start()
        env = production_environment(
            primary.url("portal"),
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_CONN_MAX_AGE="60",
            DATABASE_REPLICA_URLS=replica.url("portal"),
            DJANGO_REPLICA_MAX_LAG_SECONDS=str(MAX_LAG_SECONDS),
            DJANGO_REPLICA_CHECK_SECONDS=str(CHECK_SECONDS),
            COMMENTS_MIN_FILL_SECONDS="0",
        )
        for command in (["migrate", "--no-input"], ["createcachetable"], ["collectstatic", "--no-input"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "--verbosity", "0"], cwd=PROJECT, env=env, check=True
            )
        created = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=PROJECT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        report_id, article, category, session = created.stdout.split()[-4:]
        port = free_port()
        server_log = tmp_path_factory.mktemp("gunicorn") / "stderr"
        with server_log.open("w") as stderr:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                cwd=PROJECT,
                env=env,
                stderr=stderr,
            )
        if not wait_until_listening(port):
            pytest.fail("gunicorn did not start")
        time.sleep(RECENT_CHANGE_SECONDS)  # the reports just created are no longer "just changed"
        yield Site(primary, replica, port, server_log, int(report_id), article, category, session)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if replica is not None:
            replica.remove()
        primary.remove()


def test_anonymous_reads_are_served_by_the_replica(site):
    reads = Reads(site)
    article = site.ask(unique(site.article))
    listing = site.ask(unique(site.category))
    search = site.ask(unique("/search/?q=%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A"))  # 工作报告

    assert article.status == 200 and "吉首市政府工作报告0" in article.html
    assert listing.status == 200 and "吉首市政府工作报告2" in listing.html
    assert search.status == 200 and f'href="{site.article}"' in search.html
    assert "report_article" in reads.since("replica")
    assert reads.since("replica").count("reports_report") >= 2  # the list and the search
    primary_reads = [line for line in reads.since("primary").splitlines() if "reports_" in line]
    assert not primary_reads, primary_reads

    ready = site.ask("/readyz")
    assert ready.status == 200 and json.loads(ready.html)["replicas"] == {"replica1": {"ok": True}}


def test_staff_admin_and_writes_are_served_by_the_primary(site):
    staff = {"sessionid": site.staff_session}
    reads = Reads(site)
    article = site.ask(unique(site.article), cookies=staff)
    admin = site.ask("/admin/reports/report/", cookies=staff)

    assert article.status == 200 and admin.status == 200 and "吉首市政府工作报告1" in admin.html
    assert "report_article" in reads.since("primary") and "reports_report" in reads.since("primary")
    assert "reports_report" not in reads.since("replica") and "report_article" not in reads.since("replica")

    reads = Reads(site)
    posted = site.post_comment("我们这边的公交线路也该延伸了。")
    assert posted.status == 302, posted.html[:500]
    assert "INSERT INTO" in reads.since("primary") and "comments_comment" in reads.since("primary")


def test_a_reader_who_just_commented_sees_the_comment_while_the_replica_lags(site):
    site.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        posted = site.post_comment("刚发的评论，马上就要看到。")
        assert posted.status == 302, posted.html[:500]
        assert "pin_primary" in posted.cookies

        pinned = {"pin_primary": posted.cookies["pin_primary"].value}
        reads = Reads(site)
        article = site.ask(site.article, cookies=pinned)
        assert article.status == 200 and "刚发的评论，马上就要看到。" in article.html
        assert "x-page-cache" not in article.headers  # past the page cache
        assert "report_article" in reads.since("primary")
        # The replica has not replayed it: only the primary could have shown it.
        assert site.replica.sql("SELECT count(*) FROM comments_comment WHERE body LIKE '刚发的评论%'") == "0"

        # Another reader's page, built and cached now, is built from the primary's rows too.
        other = site.ask(site.article)
        assert other.status == 200 and "刚发的评论，马上就要看到。" in other.html
    finally:
        site.replica.sql("SELECT pg_wal_replay_resume()")


def test_the_pin_sends_a_reader_to_the_primary_until_it_expires(site):
    posted = site.post_comment("第二条评论。")
    assert posted.status == 302, posted.html[:500]
    assert int(posted.cookies["pin_primary"]["max-age"]) == 10
    time.sleep(RECENT_CHANGE_SECONDS)  # the comment's page is no longer "just changed"

    reads = Reads(site)
    pinned = site.ask(unique(site.article), cookies={"pin_primary": posted.cookies["pin_primary"].value})
    assert pinned.status == 200
    assert "report_article" in reads.since("primary") and "report_article" not in reads.since("replica")

    # A forged pin carries no signature: the reader stays on the replica.
    reads = Reads(site)
    forged = site.ask(unique(site.article), cookies={"pin_primary": "1"})
    assert forged.status == 200
    assert "report_article" in reads.since("replica") and "report_article" not in reads.since("primary")

    # The view counter's beacon is a POST that pins nobody.
    beacon = site.ask(f"/api/views/{site.report_id}/", "POST", form={})
    assert beacon.status == 200 and "pin_primary" not in beacon.cookies


def test_a_lagging_replica_is_skipped_with_a_log_line(site):
    site.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        site.primary.sql(f"UPDATE reports_report SET title = '吉首市政府工作报告（修订）' WHERE id = {site.report_id}")
        time.sleep(MAX_LAG_SECONDS + CHECK_SECONDS + 0.5)
        reads = Reads(site)
        article = site.ask(unique(site.article))
        assert article.status == 200 and "吉首市政府工作报告（修订）" in article.html
        assert "report_article" in reads.since("primary") and "report_article" not in reads.since("replica")
        assert "read replica replica1 lags more than 2 s behind" in site.server_log.read_text()
    finally:
        site.replica.sql("SELECT pg_wal_replay_resume()")

    time.sleep(CHECK_SECONDS + 0.5)
    reads = Reads(site)
    assert site.ask(unique(site.article)).status == 200
    assert "report_article" in reads.since("replica")


def test_stopping_the_replica_mid_run_loses_no_request(site):
    time.sleep(RECENT_CHANGE_SECONDS)
    statuses: list[tuple[int, str]] = []
    paths = [site.article, site.category, "/search/?q=%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A"]

    def read_on() -> None:
        for n in range(60):
            answer = site.ask(unique(paths[n % len(paths)]))
            statuses.append((answer.status, answer.html[:200]))

    reads = Reads(site)
    reader = threading.Thread(target=read_on)
    reader.start()
    while len(statuses) < 10:
        time.sleep(0.01)
    site.replica.stop()
    reader.join()
    try:
        assert "report_article" in reads.since("replica")  # before the stop
        assert [status for status, _ in statuses] == [200] * 60, [s for s in statuses if s[0] != 200]
        stopped = Reads(site)
        assert site.ask(unique(site.article)).status == 200
        assert "report_article" in stopped.since("primary")
        assert re.search("read replica replica1 (unavailable|failed during)", site.server_log.read_text())
        # The load balancer keeps sending readers: the primary serves; the replica is reported down.
        time.sleep(CHECK_SECONDS + 0.5)
        ready = site.ask("/readyz")
        assert ready.status == 200 and json.loads(ready.html)["replicas"] == {"replica1": {"ok": False}}
    finally:
        site.replica.start()
