"""A Redis that goes down takes neither reading nor editing with it: pages are rendered without the
page cache, lookups are computed, and writes go through (their invalidation is logged)."""

import pytest
from django.test import override_settings

from reports import services
from tests.servers import redis_cache, redis_server

pytestmark = pytest.mark.django_db


def test_pages_and_writes_go_on_while_the_cache_is_down(client, report, caplog):
    server = redis_server()
    url = server.__enter__()
    with override_settings(CACHES={"default": redis_cache(url)}):
        article = report.get_absolute_url()
        client.get(article)
        assert client.get(article)["X-Page-Cache"] == "hit"

        server.__exit__(None, None, None)  # Redis stops
        response = client.get(article)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert report.title in response.content.decode()

        report.title = "缓存宕机时改的标题"
        services.report_save(report=report)
        assert "缓存宕机时改的标题" in client.get(article).content.decode()
        assert client.get(report.category.get_absolute_url()).status_code == 200
    assert "not invalidated" in caplog.text and "rendered without the page cache" in caplog.text
