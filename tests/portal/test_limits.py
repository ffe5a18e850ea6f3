"""Bodies over the limit of their address are refused before anything reads them: a real gunicorn
(with the repository's gunicorn.conf.py) on a loopback port, spoken to over raw sockets so that a
body can be declared and never sent, or sent only in part."""

import os
import re
import select
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from takedowns.models import TakedownNotice
from tests.servers import free_port, wait_until_listening

# Transactional: the server commits what it is asked (a captcha per form), and the flush afterwards
# keeps that from the tests that run next.
pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]
MEGABYTE = 1024 * 1024
# Long enough for any answer given without reading the body; far shorter than gunicorn's timeout,
# which is when a worker waiting for a body that never comes would give up.
PROMPTLY = 5


@pytest.fixture(scope="module")
def app_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn on the test database; its TMPDIR is where Django would spool uploaded files."""
    from django.db import connection

    db = connection.settings_dict
    spool = tmp_path_factory.mktemp("spool")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "TMPDIR": str(spool),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"], cwd=PROJECT, env=env
    )
    if not wait_until_listening(port):
        server.kill()
        pytest.fail("gunicorn did not start")
    form_token(port)  # the worker's first page loads its code and templates
    yield port, spool
    server.terminate()
    server.wait(timeout=20)


def read_answer(sock: socket.socket, *, within: float) -> tuple[int, str]:
    """Status and body of the answer, which must start arriving within `within` seconds."""
    sock.settimeout(within)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            if not data:
                pytest.fail(f"no answer within {within} s: the server is waiting for the body")
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode(errors="replace")


def form_token(port: int) -> tuple[str, str]:
    """The CSRF cookie and form token of the takedown form, as a browser would have them."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /takedown/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    text = raw.decode(errors="replace")
    cookie = re.search(r"Set-Cookie: csrftoken=([^;]+)", text).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    return cookie, token


def post_head(path: str, length: int, cookie: str, content_type: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nCookie: csrftoken={cookie}\r\n\r\n"
    ).encode()


def multipart(token: str, file_bytes: int) -> tuple[str, bytes, bytes]:
    """A takedown form with one PDF of `file_bytes`: content type, the body before the file's
    content, and the rest."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="claimant_name"\r\n\r\n张三\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="evidence.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    tail = b"0" * file_bytes + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", head, tail


def spooled(spool: Path) -> list[str]:
    return [path.name for path in spool.iterdir() if path.name.endswith(".upload")]


@pytest.mark.parametrize("path", ["/takedown/", "/search/", "/admin/login/"])
def test_a_huge_declared_body_that_never_comes_is_refused_at_once(app_server, path):
    port, _ = app_server
    cookie, _ = form_token(port)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=PROMPTLY) as sock:
        sock.sendall(post_head(path, 200 * MEGABYTE, cookie, "multipart/form-data; boundary=x"))
        status, body = read_answer(sock, within=PROMPTLY)
    assert status == 413
    assert "提交的内容过大" in body and 'href="/"' in body
    assert time.monotonic() - started < PROMPTLY


def test_an_oversized_upload_to_the_takedown_form_is_refused_before_it_is_read(app_server):
    port, spool = app_server
    cookie, token = form_token(port)
    content_type, head, tail = multipart(token, 40 * MEGABYTE)
    assert len(head) + len(tail) > settings.REQUEST_BODY_LIMITS["takedowns"]
    with socket.create_connection(("127.0.0.1", port), timeout=PROMPTLY) as sock:
        sock.sendall(post_head("/takedown/", len(head) + len(tail), cookie, content_type) + head)
        # The file, as a browser sends it, until the answer comes: a server that reads the form
        # spools the file to its TMPDIR and answers only once the last byte is in.
        sent = 0
        while sent < 8 * MEGABYTE and not select.select([sock], [], [], 0.01)[0]:
            try:
                sent += sock.send(tail[sent : sent + 64 * 1024])
            except (BrokenPipeError, ConnectionResetError):
                break
        readable, _, _ = select.select([sock], [], [], PROMPTLY)
        assert readable, f"no answer after {sent:,} bytes of the file: the server is reading the upload"
        assert spooled(spool) == []
        status, body = read_answer(sock, within=PROMPTLY)
    assert status == 413
    assert "提交的内容过大" in body and "31 MB" in body
    assert not TakedownNotice.objects.exists()
    assert spooled(spool) == []


def test_a_body_within_its_address_limit_reaches_the_form(app_server):
    """The takedown form takes attachments larger than other addresses accept."""
    port, _ = app_server
    cookie, token = form_token(port)
    content_type, head, tail = multipart(token, 2 * MEGABYTE)
    body = head + tail
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    with socket.create_connection(("127.0.0.1", port), timeout=PROMPTLY) as sock:
        sock.sendall(post_head("/takedown/", len(body), cookie, content_type) + body)
        status, html = read_answer(sock, within=20)
    assert status == 400  # the form's own answer: required fields are missing
    assert "提交的内容过大" not in html and "权利人姓名或名称" in html
    with socket.create_connection(("127.0.0.1", port), timeout=PROMPTLY) as sock:
        sock.sendall(post_head("/search/", len(body), cookie, content_type) + body)
        status, _ = read_answer(sock, within=20)
    assert status == 413
