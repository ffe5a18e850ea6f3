"""A restore is seen by the very next anonymous reader, across processes: the page is cached by a
gunicorn (tests/portal/test_page_cache.py) and the restore, made in this process through the admin,
invalidates it through reports.services."""

import pytest

from tests.portal.test_page_cache import app_server, cached, fetch  # noqa: F401 (a fixture)

from .conftest import EDITED_BODY, change_form, change_url, restore_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_restored_text_is_on_the_next_anonymous_request(app_server, admin_client, report):  # noqa: F811
    article = report.get_absolute_url()
    assert admin_client.post(change_url(report), change_form(report, body=EDITED_BODY)).status_code == 302
    page = cached(app_server, article)
    assert "改过的写法" in page and "原来的写法" not in page

    assert admin_client.post(restore_url(report, 1)).status_code == 302
    page = fetch(app_server, article)
    assert page.status == 200 and not page.from_cache
    assert "原来的写法" in page.text and "改过的写法" not in page.text
