"""/healthz and /readyz, what the process manager and the load balancer ask (portal/health.py)."""

import http.client
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from portal import health
from reports.models import Category
from tests.servers import (
    free_port,
    postgres_cluster,
    production_environment,
    redis_cache,
    redis_server,
    wait_until_listening,
)

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _migrations_not_yet_seen(monkeypatch):
    # The check remembers a success for the life of the process; each test starts without it.
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_ok_for_any_host_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):  # not even the page cache, a table of the database by default
        response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_readyz_reports_each_check_and_is_never_cached(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": {"ok": True}, "migrations": {"ok": True}, "cache": {"ok": True}},
        "replicas": {},  # none configured; tests/portal/test_replicas.py reports a real one
    }
    assert "no-store" in response["Cache-Control"] and "Retry-After" not in response
    assert "X-Page-Cache" not in client.get("/readyz")


def test_readyz_is_503_while_a_migration_is_unapplied(client):
    """As when new code starts before `migrate` has run: its newest migration is not applied."""
    app, name = max(MigrationLoader(connection).graph.leaf_nodes("comments"))
    MigrationRecorder(connection).record_unapplied(app, name)  # undone with the test's transaction
    response = client.get("/readyz")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    checks = response.json()["checks"]
    assert checks["migrations"]["ok"] is False and f"{app}.{name}" in checks["migrations"]["error"]
    assert checks["database"] == {"ok": True} and checks["cache"] == {"ok": True}


def test_readyz_is_503_while_the_cache_is_down_and_healthz_stays_200(client):
    server = redis_server()
    url = server.__enter__()
    with override_settings(CACHES={"default": redis_cache(url)}):
        assert client.get("/readyz").status_code == 200
        server.__exit__(None, None, None)  # Redis stops
        response = client.get("/readyz")
        assert response.status_code == 503 and int(response["Retry-After"]) > 0
        checks = response.json()["checks"]
        assert checks["cache"] == {"ok": False, "error": "ConnectionError"}  # no address of the cache
        assert checks["database"] == {"ok": True} and checks["migrations"] == {"ok": True}
        assert client.get("/healthz").status_code == 200


def test_probe_paths_are_kept_from_crawlers_and_categories(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /healthz" in lines and "Disallow: /readyz" in lines
    for slug in ("healthz", "readyz"):
        with pytest.raises(ValidationError):
            Category(name="新栏目", slug=slug).full_clean()


def probe(port: int, path: str) -> tuple[int, dict[str, str], str]:
    """As a load balancer asks: plain HTTP, the app server's own address as the host."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": f"10.0.0.7:{port}"})
    response = connection.getresponse()
    answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    connection.close()
    return answer


def test_a_new_box_is_ready_once_migrated_and_not_while_its_database_is_down():
    """gunicorn with production settings (HTTPS redirect on) on a database of its own: started before
    `migrate` it is alive but not ready; migrated, ready; the database stopped, alive but not ready."""
    with postgres_cluster() as cluster:
        cluster.create_database("portal")
        env = production_environment(
            cluster.url("portal"), DJANGO_ALLOWED_HOSTS="example.cn", DJANGO_SITE_URL="https://example.cn"
        )
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
        server = subprocess.Popen(command, cwd=PROJECT, env=env)
        try:
            assert wait_until_listening(port), "gunicorn did not start"
            assert probe(port, "/healthz")[::2] == (200, "ok")
            status, headers, body = probe(port, "/readyz")
            assert status == 503 and int(headers["retry-after"]) > 0
            checks = json.loads(body)["checks"]
            assert checks["database"] == {"ok": True} and checks["migrations"]["ok"] is False

            for step in (["migrate", "--no-input"], ["createcachetable"]):
                subprocess.run([sys.executable, "manage.py", *step, "-v", "0"], cwd=PROJECT, env=env, check=True)
            status, headers, body = probe(port, "/readyz")
            assert status == 200 and json.loads(body)["ready"] is True, body
            assert "no-store" in headers["cache-control"]

            cluster.stop()
            status, headers, body = probe(port, "/readyz")
            assert status == 503 and int(headers["retry-after"]) > 0
            checks = json.loads(body)["checks"]
            assert checks["database"]["ok"] is False and checks["cache"]["ok"] is False
            assert probe(port, "/healthz")[::2] == (200, "ok")

            cluster.start()
            assert probe(port, "/readyz")[0] == 200  # the same gunicorn, by itself
        finally:
            server.terminate()
            server.wait(timeout=20)
