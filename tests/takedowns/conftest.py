import pytest

from portal.roles import EDITORS, SITE_OWNERS
from tests.factories import TakedownNoticeFactory, UserFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def site_owner(db):
    return UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])


@pytest.fixture
def editor(db):
    return UserFactory(username="bianji", is_staff=True, groups=[EDITORS])


@pytest.fixture
def notice(report):
    return TakedownNoticeFactory(report=report)
