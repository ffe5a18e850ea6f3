"""deploy/nginx.conf itself, run by Debian's nginx over TLS in front of a real gunicorn (production
settings, gunicorn.conf.py, the test database): what readers and crawlers get through it.

The test copies the site file with this box's values (ports, certificate, static root) swapped for
its own, by plain string replacement of the values the file marks EDIT, and wraps it in a minimal
nginx.conf whose pid, logs and temporary files live in a temporary directory."""

import gzip
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from axes.models import AccessFailureLog

from portal.roles import SITE_OWNERS
from takedowns import services as takedown_services
from tests.factories import TakedownNoticeFactory, UserFactory
from tests.servers import free_port, production_environment, wait_until_listening

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]
SITE_CONF = PROJECT / "deploy" / "nginx.conf"
# A second loopback address: a reader connecting from it is told apart from nginx (127.0.0.1).
READER_ADDRESS = "127.0.0.2"


@dataclass
class Front:
    https_port: int
    http_port: int
    gunicorn_log: Path
    static_root: Path
    certificate: tuple[Path, Path]

    def ask(self, path: str, *, method: str = "GET", body: bytes | None = None, **headers) -> "Answer":
        context = ssl._create_unverified_context()  # the test's own self-signed certificate
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, timeout=30, context=context, source_address=(READER_ADDRESS, 0)
        )
        connection.request(method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        answer = Answer(response.status, response.getheaders(), response.read())
        connection.close()
        return answer


@dataclass
class Answer:
    status: int
    header_list: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        """Every value of the header, joined as HTTP joins repeated headers."""
        return ", ".join(value for key, value in self.header_list if key.lower() == name.lower())

    @property
    def text(self) -> str:
        raw = gzip.decompress(self.body) if self.header("Content-Encoding") == "gzip" else self.body
        return raw.decode()


def need(binary: str) -> str:
    path = shutil.which(binary) or next(
        (str(Path(d) / binary) for d in ("/usr/sbin", "/sbin") if (Path(d) / binary).exists()), None
    )
    if path is None:
        pytest.fail(f"needs {binary} (apt-get install {binary}; .ci/run installs it)")
    return path


def site_config(https_port: int, http_port: int, upstream_port: int, certificate: Path, key: Path, static: Path):
    """deploy/nginx.conf with this test's values in place of the ones the file marks EDIT."""
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "/etc/letsencrypt/live/example.cn/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/example.cn/privkey.pem": str(key),
        "/srv/portal/staticfiles/": f"{static}/",
    }
    text = SITE_CONF.read_text()
    for original, replacement in replacements.items():
        assert original in text, f"deploy/nginx.conf no longer has {original!r}; update this test"
        text = text.replace(original, replacement)
    return text


def main_config(directory: Path, site: Path) -> str:
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # nginx run as root gives its workers to "nobody", who cannot read the test's temporary files.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {directory / "access.log"};
{temp}
    include {site};
}}
"""


@contextmanager
def nginx_running(directory: Path, *, upstream_port: int, certificate: tuple[Path, Path], static: Path):
    """deploy/nginx.conf served by nginx until the block ends; yields its HTTPS and HTTP ports."""
    nginx = need("nginx")
    directory.mkdir(exist_ok=True)
    https_port, http_port = free_port(), free_port()
    site = directory / "site.conf"
    site.write_text(site_config(https_port, http_port, upstream_port, *certificate, static))
    main = directory / "nginx.conf"
    main.write_text(main_config(directory, site))
    checked = subprocess.run([nginx, "-t", "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([nginx, "-c", str(main), "-g", "daemon off;"])
    try:
        if not wait_until_listening(https_port):
            pytest.fail("nginx did not start")
        yield https_port, http_port
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def front(django_db_setup, django_db_blocker, cache_url, tmp_path_factory):
    from django.db import connection

    openssl = need("openssl")
    directory = tmp_path_factory.mktemp("nginx")
    certificate, key = directory / "cert.pem", directory / "key.pem"
    self_signed = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run([openssl, *self_signed, "-keyout", key, "-out", certificate], check=True, capture_output=True)

    db = connection.settings_dict
    upstream_port = free_port()
    static = directory / "static"
    env = production_environment(
        f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        DJANGO_SITE_URL="https://127.0.0.1",
        DJANGO_TRUSTED_PROXY_HEADER="X-Forwarded-For",
        DJANGO_STATIC_ROOT=str(static),
        GUNICORN_WORKERS="2",
    )
    if cache_url:
        env["DJANGO_CACHE_URL"] = cache_url
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=PROJECT, env=env, check=True
    )
    gunicorn_log = directory / "gunicorn-access.log"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{upstream_port}"]
    gunicorn = subprocess.Popen([*command, "--access-logfile", str(gunicorn_log)], cwd=PROJECT, env=env)
    try:
        if not wait_until_listening(upstream_port):
            pytest.fail("gunicorn did not start")
        with nginx_running(
            directory / "front", upstream_port=upstream_port, certificate=(certificate, key), static=static
        ) as (https_port, http_port):
            yield Front(https_port, http_port, gunicorn_log, static, (certificate, key))
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)


def test_the_config_serves_http2_to_clients_that_offer_it(front):
    context = ssl._create_unverified_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", front.https_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"


def plain_http(front: Front, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", front.http_port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_plain_http_is_redirected_to_https_but_health_probes_are_answered(front):
    response = plain_http(front, "/baogao/?page=2")
    assert response.status == 301 and response.getheader("Location") == "https://127.0.0.1/baogao/?page=2"
    assert (plain_http(front, "/healthz").status, plain_http(front, "/healthz").body) == (200, b"ok")
    ready = plain_http(front, "/readyz")
    assert ready.status == 200 and json.loads(ready.body)["ready"] is True
    assert "no-store" in ready.getheader("Cache-Control")


def test_articles_are_compressed_and_revalidate_through_the_front(front, report):
    page = front.ask(report.get_absolute_url(), Accept_Encoding="gzip")
    assert page.status == 200 and page.header("Content-Encoding") == "gzip"
    assert report.title in page.text
    assert front.ask(report.get_absolute_url(), If_None_Match=page.header("ETag")).status == 304


def test_a_restricted_report_answers_451_with_its_link_header(front, report):
    site_owner = UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    takedown_services.notice_uphold(notice=TakedownNoticeFactory(report=report), actor=site_owner)
    answer = front.ask(report.get_absolute_url(), Accept_Encoding="gzip")
    assert answer.status == 451
    assert answer.header("Link") == '<https://127.0.0.1/takedown/transparency/>; rel="blocked-by"'
    assert "根据权利人提交的版权侵权通知被屏蔽" in answer.text  # the site's own page, not nginx's


def test_hashed_static_files_are_cached_for_good_and_served_compressed(front):
    manifest = json.loads((front.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    answer = front.ask(f"/static/{hashed}", Accept_Encoding="gzip")
    assert answer.status == 200 and answer.header("Content-Encoding") == "gzip"
    assert "immutable" in answer.header("Cache-Control") and "max-age=315360000" in answer.header("Cache-Control")
    assert answer.header("Expires").endswith("2037 23:55:55 GMT")
    assert f"/static/{hashed}" not in front.gunicorn_log.read_text()  # from disk, not from a worker
    unhashed = front.ask("/static/css/site.css")
    assert unhashed.status == 200 and "immutable" not in unhashed.header("Cache-Control")


def test_the_client_address_is_the_readers_not_nginx_nor_what_the_client_claims(front, django_user_model):
    """A failed admin login is logged with the client address (portal.client.client_ip)."""
    login = front.ask("/admin/login/")
    cookie = next(v.split(";")[0] for k, v in login.header_list if k.lower() == "set-cookie" and "csrftoken" in v)
    token = login.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = f"csrfmiddlewaretoken={token}&username=nobody&password=wrong&next=/admin/".encode()
    answer = front.ask(
        "/admin/login/",
        method="POST",
        body=body,
        Content_Type="application/x-www-form-urlencoded",
        Cookie=cookie,
        Origin="https://127.0.0.1",  # as from the standard port: nginx passes Host without one
        X_Forwarded_For="203.0.113.9",  # written by the client: never trusted
    )
    assert answer.status == 200 and "请输入" in answer.text  # the login form again, with its error
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == [READER_ADDRESS]


def test_an_oversized_upload_is_refused_by_nginx_before_gunicorn(front):
    connection = http.client.HTTPSConnection(
        "127.0.0.1", front.https_port, timeout=30, context=ssl._create_unverified_context()
    )
    connection.putrequest("POST", "/takedown/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(40 * 1024 * 1024))
    connection.endheaders()  # the 40 MB never follow: nginx answers on the header alone
    response = connection.getresponse()
    assert response.status == 413 and "提交的内容过大" in response.read().decode()  # nginx's page, in Chinese
    connection.close()
    assert "POST /takedown/" not in front.gunicorn_log.read_text()


def test_an_app_server_that_is_down_gets_a_chinese_page_not_nginxs(front, tmp_path):
    closed_port = free_port()
    with nginx_running(
        tmp_path / "front", upstream_port=closed_port, certificate=front.certificate, static=front.static_root
    ) as (https_port, _):
        answer = Front(https_port, 0, front.gunicorn_log, front.static_root, front.certificate).ask("/")
    assert answer.status == 502 and "暂时无法访问" in answer.text and 'href="/"' in answer.text
