"""With the shared cache (Redis) down the API still answers, uncached and without a rate limit,
rather than failing: the limit protects the database, a missing cache must not take the API down."""

import pytest
from django.test import override_settings

from tests.servers import redis_cache, redis_server

from .conftest import ids, make

pytestmark = pytest.mark.django_db


def test_the_api_answers_and_counts_nothing_while_redis_is_down(client, places, settings, caplog):
    report = make(places)
    settings.API_RATE_LIMIT = 2
    settings.API_RATE_WINDOW_SECONDS = 3600  # a fixed window: the test must not straddle two
    server = redis_server()
    url = server.__enter__()
    with override_settings(CACHES={"default": redis_cache(url)}):
        statuses = [client.get("/api/v1/reports/", {"limit": n}).status_code for n in (1, 2, 3)]
        assert statuses == [200, 200, 429]  # Redis counts while it is up

        server.__exit__(None, None, None)  # Redis stops
        for n in (4, 5, 6):
            response = client.get("/api/v1/reports/", {"limit": n})
            assert ids(response) == [report.pk] and "X-Page-Cache" not in response
    assert "not counted against its rate limit" in caplog.text
