import re

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from comments.models import ModerationMode
from tests.factories import update_comment_settings


@pytest.fixture(autouse=True)
def no_fill_delay(settings):
    """Tests post right after fetching the form; the minimum-time defence has its own test."""
    settings.COMMENTS_MIN_FILL_SECONDS = 0


@pytest.fixture
def post_moderation(db):
    update_comment_settings(moderation_mode=ModerationMode.POST)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the form"
    return match.group(1)


def fetch_tokens(client, report, **extra):
    """What the article's script asks for when a reader starts to comment."""
    url = reverse("comments:tokens", kwargs={"report_id": report.pk})
    return client.get(url, headers={"X-Requested-With": "XMLHttpRequest"}, **extra)


TYPED = {"nickname": "张三", "body": "建议把公交线路延伸到新区。", "email": "", "website": ""}


def solved(key: str) -> dict:
    """The captcha answered as a reader reads the image."""
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response.upper()}


def fetch_form(client, report, *, parent=None) -> dict:
    """Start a comment as the JavaScript does (the tokens for the article's form), filled in."""
    response = fetch_tokens(client, report)
    assert response.status_code == 200, response.content[:500]
    tokens = response.json()
    data = {"csrfmiddlewaretoken": tokens["csrf_token"], "stamp": tokens["stamp"], **solved(tokens["captcha"]["key"])}
    return data | TYPED | ({"parent": parent.pk} if parent else {})


def form_data(html: str, **typed) -> dict:
    """The form of a page (the comment page, or a form shown again), filled in."""
    data = {"stamp": hidden(html, "stamp"), **solved(hidden(html, "captcha_0")), **TYPED}
    parent = re.search(r'name="parent" value="(\d+)"', html)
    if parent:
        data["parent"] = parent.group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if csrf:
        data["csrfmiddlewaretoken"] = csrf.group(1)
    return {**data, **typed}


def post(client, report, data: dict, *, fragment=False, **extra):
    url = reverse("comments:page", kwargs={"report_id": report.pk})
    headers = {"X-Requested-With": "XMLHttpRequest"} if fragment else {}
    return client.post(url, data, headers=headers, **extra)


def post_comment(client, report, *, parent=None, fragment=False, **typed):
    return post(client, report, {**fetch_form(client, report, parent=parent), **typed}, fragment=fragment)
