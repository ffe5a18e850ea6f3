"""The site's captcha, shared by every public form (comments, takedown notices).

django-simple-captcha draws the image and keeps the store; this module adds what it lacks:

* `challenge` draws characters with `secrets` (the shipped generators use the global `random`,
  which the image view re-seeds with the key) from an alphabet without look-alikes;
* `OneTimeCaptchaField` checks and consumes the answer in one `DELETE … RETURNING`, so an answer
  is good for exactly one post even when several arrive at the same moment;
* `OneTimeCaptchaWidget` renders the image with Chinese alt text and a "换一张" link that works
  with JavaScript (static/js/captcha.js asks the refresh view for a new key) and without it
  (the link reloads the form page).

Every rendering of the widget creates a store row, so render it only on pages that are not cached.
"""

import re
import secrets

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils.html import format_html

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: what is left reads unambiguously in the distorted image.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
KEY_PATTERN = re.compile(r"[0-9a-f]{40}")

MESSAGES = {
    "required": "请输入验证码。",
    "invalid": "验证码错误，请输入新图片中的字符。",
    "expired": "验证码已过期，请换一张。",
}


def challenge() -> tuple[str, str]:
    """CAPTCHA_CHALLENGE_FUNCT: (text drawn in the image, expected answer)."""
    text = "".join(secrets.choice(ALPHABET) for _ in range(captcha_settings.CAPTCHA_LENGTH))
    return text, text.lower()


def consume(*, key: str, answer: str) -> bool:
    """Delete the store row for `key` if `answer` is right and it has not expired; True if this call did.

    One statement, so two requests with the same answer cannot both succeed: PostgreSQL lets the
    second DELETE wait on the row lock and then finds nothing to delete.
    """
    table = connection.ops.quote_name(CaptchaStore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE hashkey = %s AND response = %s AND expiration > now() RETURNING id",
            [key, answer.lower()],
        )
        return cursor.fetchone() is not None


def burn(*, key: str) -> bool | None:
    """After a failed answer: delete the key anyway (one guess per image) and tell whether it had
    expired (True), was live (False) or did not exist (None: forged, already used or cleaned)."""
    table = connection.ops.quote_name(CaptchaStore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE hashkey = %s RETURNING expiration <= now()", [key])
        row = cursor.fetchone()
    return None if row is None else row[0]


class OneTimeCaptchaWidget(CaptchaTextInput):
    """Image, "换一张" and the answer box. `fallback_url` is where the link leads without JavaScript
    (by default the current page, reloaded)."""

    def __init__(self, attrs=None, fallback_url: str = ""):
        self.fallback_url = fallback_url
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        self.fetch_captcha_store(name, value, attrs, self.generator)
        final_attrs = self.build_attrs(self.attrs, attrs)
        input_id = final_attrs.get("id", f"id_{name}")
        image = self.image_url()
        return format_html(
            '<span class="captcha" data-captcha>'
            '<input type="hidden" name="{name}_0" value="{key}" autocomplete="off" data-captcha-key>'
            '<input type="text" name="{name}_1" id="{input_id}_1" class="captcha-answer" required maxlength="8" '
            'autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false" data-captcha-answer>'
            '<img src="{image}" srcset="{image_2x} 2x" alt="验证码图片：请输入图中的{length}个字符（不区分大小写）" '
            'class="captcha-image" data-captcha-image>'
            '<a href="{fallback}" class="captcha-refresh" data-captcha-refresh="{refresh}" '
            'title="看不清？换一张">换一张</a>'
            "</span>",
            name=name,
            key=self._key,
            input_id=input_id,
            image=image,
            image_2x=reverse("captcha-image-2x", kwargs={"key": self._key}),
            length=captcha_settings.CAPTCHA_LENGTH,
            fallback=self.fallback_url,
            refresh=self.refresh_url(),
        )


class OneTimeCaptchaField(CaptchaField):
    """A CaptchaField whose answer is checked and consumed atomically (see `consume`).

    Whatever the outcome, the key is gone afterwards; a form shown again renders a fresh captcha.
    """

    default_error_messages = MESSAGES

    def __init__(self, *args, fallback_url: str = "", **kwargs):
        kwargs.setdefault("widget", OneTimeCaptchaWidget(fallback_url=fallback_url))
        kwargs.setdefault("label", "验证码")
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, **MESSAGES}

    def clean(self, value):
        key, answer = ([*(value or []), "", ""])[:2]
        key, answer = (key or "").strip(), (answer or "").strip().lower()
        if not KEY_PATTERN.fullmatch(key):
            raise ValidationError(self.error_messages["expired"], code="expired")
        if not answer:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(answer) <= 32 and "\x00" not in answer and consume(key=key, answer=answer):
            return f"{key},{answer}"
        if burn(key=key) is False:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        raise ValidationError(self.error_messages["expired"], code="expired")
