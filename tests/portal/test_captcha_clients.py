"""Captcha rows per client are bounded: reloading a form shows the client's unanswered captcha
again, and "换一张" keeps only the client's newest CAPTCHA_PER_CLIENT."""

import datetime
import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import CaptchaClient
from tests.comments.conftest import fetch_form, fetch_tokens, hidden, post

pytestmark = pytest.mark.django_db

XHR = {"X-Requested-With": "XMLHttpRequest"}


@pytest.fixture(autouse=True)
def no_fill_delay(settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0


def captcha_key(response) -> str:
    """The captcha of the comment form's tokens, or of a page's form."""
    assert response.status_code == 200
    if response["Content-Type"] == "application/json":
        return response.json()["captcha"]["key"]
    return hidden(response.content.decode(), "captcha_0")


@pytest.mark.parametrize(("page", "loads"), [("comments:tokens", 100), ("comments:page", 20)])
def test_a_hundred_loads_of_the_comment_form_make_one_captcha(report, page, loads):
    reader = Client(REMOTE_ADDR="203.0.113.5", headers=XHR)
    url = reverse(page, kwargs={"report_id": report.pk})
    keys = {captcha_key(reader.get(url)) for _ in range(loads)}
    assert len(keys) == 1
    assert CaptchaStore.objects.count() == 1
    assert "no-store" in reader.get(url)["Cache-Control"]  # never cached: each reader draws their own


def test_each_reader_gets_a_captcha_of_their_own(report):
    url = reverse("comments:tokens", kwargs={"report_id": report.pk})
    keys = {captcha_key(Client(REMOTE_ADDR=f"203.0.113.{n}", headers=XHR).get(url)) for n in range(1, 6)}
    assert len(keys) == 5 and CaptchaStore.objects.count() == 5


def test_readers_behind_the_trusted_proxy_get_their_own(report, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    url = reverse("comments:tokens", kwargs={"report_id": report.pk})
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = captcha_key(proxy.get(url, headers={"X-Forwarded-For": "198.51.100.1", **XHR}))
    second = captcha_key(proxy.get(url, headers={"X-Forwarded-For": "198.51.100.2", **XHR}))
    again = captcha_key(proxy.get(url, headers={"X-Forwarded-For": "198.51.100.1", **XHR}))
    assert first != second and again == first


def test_hundreds_of_refreshes_keep_the_newest_few(report, settings):
    reader = Client(REMOTE_ADDR="203.0.113.5")
    keys = []
    for _ in range(300):
        response = reader.get("/captcha/refresh/", headers=XHR)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        data = response.json()
        assert data["image_url"] == f"/captcha/image/{data['key']}/"
        assert data["image_2x_url"] == f"/captcha/image/{data['key']}@2/"
        keys.append(data["key"])
    assert len(set(keys)) == 300  # "换一张" always draws a new one
    kept = set(CaptchaStore.objects.values_list("hashkey", flat=True))
    assert kept == set(keys[-settings.CAPTCHA_PER_CLIENT :])
    assert CaptchaClient.objects.count() == settings.CAPTCHA_PER_CLIENT  # the owner rows went with them
    # The form shows the newest, and its answer works.
    form = fetch_form(reader, report)
    assert form["captcha_0"] == keys[-1]
    assert post(reader, report, form).status_code == 302


def test_refresh_answers_only_the_script(client):
    assert client.get("/captcha/refresh/").status_code == 404
    assert not CaptchaStore.objects.exists()


def test_a_captcha_about_to_expire_is_not_shown_again(report):
    reader = Client(REMOTE_ADDR="203.0.113.5", headers=XHR)
    url = reverse("comments:tokens", kwargs={"report_id": report.pk})
    first = captcha_key(reader.get(url))
    CaptchaStore.objects.update(expiration=timezone.now() + datetime.timedelta(minutes=4))
    assert captcha_key(reader.get(url)) != first


def test_an_answered_captcha_is_not_shown_again(report):
    reader = Client(REMOTE_ADDR="203.0.113.5")
    form = fetch_form(reader, report)
    assert post(reader, report, form).status_code == 302
    assert not CaptchaClient.objects.exists()  # answered: gone with its owner row
    assert fetch_form(reader, report)["captcha_0"] != form["captcha_0"]


def test_a_wrong_answer_shows_a_new_captcha_and_keeps_the_text(report):
    reader = Client(REMOTE_ADDR="203.0.113.5")
    form = fetch_form(reader, report)
    response = post(reader, report, form | {"captcha_1": "WRONG", "body": "我的评论"}, fragment=True)
    assert response.status_code == 400
    again = response.content.decode()
    assert "我的评论" in again
    assert hidden(again, "captcha_0") != form["captcha_0"]
    assert CaptchaStore.objects.count() == 1


def test_no_address_is_stored_with_the_captcha(report):
    fetch_tokens(Client(REMOTE_ADDR="203.0.113.77"), report)
    owner = CaptchaClient.objects.get()
    assert "203.0.113.77" not in owner.client and re.fullmatch(r"[0-9a-f]{40}", owner.client)


def test_reloading_the_takedown_form_makes_one_captcha():
    claimant = Client(REMOTE_ADDR="203.0.113.9")
    keys = {captcha_key(claimant.get(reverse("takedowns:notice"))) for _ in range(20)}
    assert len(keys) == 1 and CaptchaStore.objects.count() == 1
