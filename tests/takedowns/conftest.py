import pytest

from tests.factories import TakedownNoticeFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def notice(report):
    return TakedownNoticeFactory(report=report)
