import datetime

import pytest

from reports.models import RegionLevel
from tests.factories import BigRegionFactory, CategoryFactory, RegionFactory, ReportFactory, jishou


@pytest.fixture(autouse=True)
def opendata_settings(settings, tmp_path):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    settings.API_SYNC_SETTLE_SECONDS = 0
    settings.API_RATE_LIMIT = 10_000
    return settings


@pytest.fixture
def places(db):
    """吉首市 (湖南 › 湘西州) in 华中, and 广州市 in 华南; two categories."""
    jishou_city = jishou()
    guangdong = RegionFactory(
        code="44", name="广东省", slug="guangdong", big_region=BigRegionFactory(name="华南", slug="huanan")
    )
    guangzhou = RegionFactory(
        code="4401", name="广州市", type="地级市", level=RegionLevel.PREFECTURE, parent=guangdong, slug="guangzhou"
    )
    return {
        "jishou": jishou_city,
        "xiangxi": jishou_city.parent,
        "hunan": jishou_city.province,
        "guangzhou": guangzhou,
        "baogao": CategoryFactory(),
        "gongbao": CategoryFactory(name="公报", slug="gongbao"),
    }


def make(places, *, where="jishou", category="baogao", date=datetime.date(2023, 3, 1), **kwargs):
    return ReportFactory(region=places[where], category=places[category], date=date, **kwargs)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()
    return [item["id"] for item in response.json()["results"]]


def every_id(client, url: str) -> list[int]:
    """Follows `next` to the end."""
    found = []
    while url:
        response = client.get(url)
        found += ids(response)
        url = response.json()["next"]
    return found
