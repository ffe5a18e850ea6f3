import os

import environ
import pytest

from portal.roles import EDITORS, SITE_OWNERS
from tests.factories import CategoryFactory, ReportFactory, UserFactory, jishou
from tests.servers import redis_server


@pytest.fixture
def region(db):
    return jishou()


@pytest.fixture
def category(db):
    return CategoryFactory()


@pytest.fixture
def report(db, region, category):
    return ReportFactory(region=region, category=category)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def site_owner(db):
    return UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])


@pytest.fixture
def editor(db):
    return UserFactory(username="bianji", is_staff=True, groups=[EDITORS])


@pytest.fixture(scope="session")
def migration_data(django_db_setup, django_db_blocker) -> str:
    """What the migrations put in the test database (categories, big regions, groups, settings rows),
    serialised once before any test can flush it."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _restore_migration_data(request, migration_data):
    """Transactional tests (live_server, concurrency) flush every table when they end; put the
    migration data back before each of them. Django's own serialized_rollback cannot be relied on
    here: once Playwright runs its event loop in this thread, the database connection the test
    sees is a fresh one that never held the serialised contents, and the flush re-creates content
    types and permissions under new ids. Those are replaced by the serialised ones, the rest is
    saved over whatever is there."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if transactional:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        request.getfixturevalue("transactional_db")
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(migration_data)


@pytest.fixture(autouse=True)
def _empty_cache(django_db_setup, django_db_blocker):
    """Each test starts with an empty cache: cached pages and lookups must not leak between tests'
    data. The default cache is a table of the test database."""
    from django.core.cache import cache
    from django.db import connection

    from portal import client

    with django_db_blocker.unblock():
        cache.clear()
        # The day's salt too, which each process keeps for a while after reading it from the cache:
        # kept across the clear, it would change under a test (a new salt once it is read again).
        client._salt_read.clear()
        # Opened here, possibly in a browser test's event-loop context, where the test database's
        # teardown would not see it and could not drop the database; the test reopens its own.
        if not connection.in_atomic_block:
            connection.close()


@pytest.fixture(scope="session", autouse=True)
def cache_url():
    """The cache the suite runs with, as a URL for the servers tests start: the default (a table
    of the test database), or, with TEST_CACHE=redis, a Redis server started here on a loopback
    port (Debian's redis-server or valkey-server, which .ci/run installs)."""
    if os.environ.get("TEST_CACHE") != "redis":
        yield os.environ.get("DJANGO_CACHE_URL", "")
        return
    from django.conf import settings
    from django.test import override_settings

    with redis_server() as url:
        # As the settings read DJANGO_CACHE_URL, so that the servers tests start use the same keys.
        redis = {
            **environ.Env.cache_url_config(url),
            "BACKEND": "portal.redis_cache.RedisCache",
            "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
        with override_settings(CACHES={"default": redis}):
            yield url
