import datetime
import threading

import pytest
from captcha.models import CaptchaStore
from django import forms
from django.db import connection
from django.utils import timezone

from portal.captcha import ALPHABET, OneTimeCaptchaField, challenge


class CaptchaForm(forms.Form):
    captcha = OneTimeCaptchaField(fallback_url="/comments/1/")


def new_captcha() -> CaptchaStore:
    """Render the form once, as a reader's page would, and return the store row it created."""
    html = str(CaptchaForm()["captcha"])
    store = CaptchaStore.objects.latest("id")
    assert store.hashkey in html
    return store


def post(key: str, answer: str) -> CaptchaForm:
    form = CaptchaForm(data={"captcha_0": key, "captcha_1": answer})
    form.is_valid()
    return form


def test_challenge_uses_the_unambiguous_alphabet_and_expects_lowercase():
    texts = {challenge()[0] for _ in range(200)}
    assert len(texts) > 190  # drawn at random, not from a seeded sequence
    for text in texts:
        assert len(text) == 4 and set(text) <= set(ALPHABET)
    text, answer = challenge()
    assert answer == text.lower()


@pytest.mark.django_db
def test_widget_shows_image_with_chinese_alt_and_refresh_link():
    html = str(CaptchaForm()["captcha"])
    assert 'alt="验证码图片' in html
    assert ">换一张</a>" in html
    assert 'href="/comments/1/"' in html  # without JavaScript the link reloads the form page
    assert 'data-captcha-refresh="/captcha/refresh/"' in html


@pytest.mark.django_db
def test_store_expires_after_ten_minutes():
    store = new_captcha()
    remaining = store.expiration - timezone.now()
    assert datetime.timedelta(minutes=9) < remaining <= datetime.timedelta(minutes=10)


@pytest.mark.django_db
def test_right_answer_passes_once_case_insensitively():
    store = new_captcha()
    assert post(store.hashkey, store.response.upper()).is_valid()
    second = post(store.hashkey, store.response)
    assert second.errors["captcha"] == ["验证码已过期，请换一张。"]


@pytest.mark.django_db
def test_wrong_answer_fails_and_burns_the_key():
    store = new_captcha()
    assert post(store.hashkey, "xxxx").errors["captcha"] == ["验证码错误，请输入新图片中的字符。"]
    assert not CaptchaStore.objects.filter(hashkey=store.hashkey).exists()


@pytest.mark.django_db
def test_expired_answer_is_refused():
    store = new_captcha()
    CaptchaStore.objects.filter(pk=store.pk).update(expiration=timezone.now() - datetime.timedelta(seconds=1))
    assert post(store.hashkey, store.response).errors["captcha"] == ["验证码已过期，请换一张。"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "nope", "0" * 40, "'; DROP TABLE captcha_captchastore; --", "a\x00b"])
def test_missing_or_forged_keys_are_refused(key):
    store = new_captcha()
    assert not post(key, store.response).is_valid()
    assert CaptchaStore.objects.filter(pk=store.pk).exists()


@pytest.mark.django_db
def test_empty_answer_asks_for_one():
    store = new_captcha()
    assert post(store.hashkey, " ").errors["captcha"] == ["请输入验证码。"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_right_answers_succeed_exactly_once():
    store = new_captcha()
    results, barrier = [], threading.Barrier(6)

    def attempt():
        try:
            barrier.wait()
            results.append(post(store.hashkey, store.response).is_valid())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
