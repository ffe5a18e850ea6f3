import pytest

from tests.factories import CategoryFactory, ReportFactory, UserFactory, jishou


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
