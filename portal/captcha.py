"""The site's captcha, shared by every public form (comments, takedown notices).

django-simple-captcha draws the image and keeps the store; this module adds what it lacks:

* `challenge` draws characters with `secrets` (the shipped generators use the global `random`,
  which the image view re-seeds with the key) from an alphabet without look-alikes;
* `OneTimeCaptchaField` checks and consumes the answer in one `DELETE … RETURNING`, so an answer
  is good for exactly one post even when several arrive at the same moment;
* `OneTimeCaptchaWidget` renders the image with Chinese alt text and a "换一张" link that works
  with JavaScript (static/js/captcha.js asks the refresh view for a new key) and without it
  (the link reloads the form page). Told `drawn_by_script`, it renders without a key or image,
  for a cached page's form that its script fills in (`for_script`, of a key drawn on request).

Every rendering of the widget may create a store row, so render it only on pages that are not
cached. A widget told its client (`OneTimeCaptchaWidget.client`, see `client_of`) shows the client's
unanswered captcha again instead, and each client keeps only its newest CAPTCHA_PER_CLIENT
(`draw`): reloading a form, or "换一张" a thousand times, leaves a handful of rows.
"""

import datetime
import functools
import re
import secrets

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .client import client_digest, client_ip
from .db import PreparedStatement
from .models import CaptchaClient

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


# One statement: the client's newest captcha that still leaves time to answer it, or else a new one,
# owned by the client, whose oldest beyond the allowance are deleted (with their owner rows: the
# foreign key cascades). The DELETE sees the rows from before the statement, so it keeps
# `keep` - 1 of them besides the new one. Prepared once per connection: planning the four parts
# cost PostgreSQL 0.5 ms of every form, twice what running them does.
# Parameters: $1 reuse, $2 client, $3 time to answer, $4 challenge, $5 response, $6 key,
# $7 lifetime, $8 keep.
@functools.cache
def _draw_statement() -> PreparedStatement:
    store = CaptchaStore._meta.db_table
    owners = CaptchaClient._meta.db_table
    return PreparedStatement(
        "captcha_draw",
        f"""
        WITH reusable AS (
            SELECT store.hashkey FROM {store} store JOIN {owners} owner ON owner.captcha_id = store.id
            WHERE $1 AND owner.client = $2 AND store.expiration > now() + $3
            ORDER BY store.id DESC LIMIT 1
        ), drawn AS (
            INSERT INTO {store} (challenge, response, hashkey, expiration)
            SELECT $4, $5, $6, now() + $7
            WHERE NOT EXISTS (SELECT FROM reusable)
            RETURNING id, hashkey
        ), owned AS (
            INSERT INTO {owners} (captcha_id, client) SELECT id, $2 FROM drawn
        ), pruned AS (
            DELETE FROM {store} WHERE EXISTS (SELECT FROM drawn) AND id IN (
                SELECT captcha_id FROM {owners} WHERE client = $2 ORDER BY captcha_id DESC OFFSET $8 - 1
            )
        )
        SELECT hashkey FROM reusable UNION ALL SELECT hashkey FROM drawn
        """,
        ("boolean", "varchar", "interval", "varchar", "varchar", "varchar", "interval", "integer"),
    )


def client_of(request: HttpRequest) -> str | None:
    """Whom the captchas drawn for this request count against: the client address, as a digest."""
    address = client_ip(request)
    return client_digest(address) if address else None


def draw(*, client: str | None, reuse: bool = True) -> str:
    """The key of a captcha for `client`: its unanswered one if `reuse` and one is left with at least
    half its lifetime, or else a new one. Without a client, always a new one."""
    if client is None:
        return CaptchaStore.generate_key()
    text, answer = challenge()
    lifetime = datetime.timedelta(minutes=int(captcha_settings.CAPTCHA_TIMEOUT))
    params = (reuse, client, lifetime / 2, text, answer, secrets.token_hex(20), lifetime, settings.CAPTCHA_PER_CLIENT)
    with connection.cursor() as cursor:
        _draw_statement().execute(cursor, params)
        return cursor.fetchone()[0]


def for_script(key: str) -> dict[str, str]:
    """What a page's script needs to show captcha `key` (static/js/captcha.js): the key, and where
    the browser fetches its image at normal and double density."""
    return {
        "key": key,
        "image_url": captcha_image_url(key),
        "image_2x_url": reverse("captcha-image-2x", kwargs={"key": key}),
    }


def consume(*, key: str, answer: str) -> bool:
    """Delete the store row for `key` if `answer` is right and it has not expired; True if this call did.

    One statement, so two requests with the same answer cannot both succeed: PostgreSQL lets the
    second DELETE wait on the row lock and then finds nothing to delete.
    """
    with connection.cursor() as cursor:
        _consume_statement().execute(cursor, (key, answer.lower()))
        return cursor.fetchone() is not None


@functools.cache
def _consume_statement() -> PreparedStatement:
    # Every comment and notice runs it: planning it cost PostgreSQL more than running it.
    return PreparedStatement(
        "captcha_consume",
        f"DELETE FROM {CaptchaStore._meta.db_table} WHERE hashkey = $1 AND response = $2 AND expiration > now()"
        " RETURNING id",
        ("varchar", "varchar"),
    )


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

    # One box to type in (the key is hidden): labelled by a <label> for it, not a <fieldset> legend
    # that would leave the box itself unnamed.
    use_fieldset = False

    def __init__(self, attrs=None, fallback_url: str = ""):
        self.fallback_url = fallback_url
        self.client: str | None = None  # see client_of; a form sets it for the request it answers
        self.drawn_by_script = False  # no captcha drawn: the page's script puts one in
        super().__init__(attrs)

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        self._key = "" if self.drawn_by_script else draw(client=self.client)
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)

    def refresh_url(self):
        return reverse("captcha_refresh")

    def render(self, name, value, attrs=None, renderer=None):
        self.fetch_captcha_store(name, value, attrs, self.generator)
        final_attrs = self.build_attrs(self.attrs, attrs)
        input_id = final_attrs.get("id", f"id_{name}")
        images = (
            format_html('src="{image_url}" srcset="{image_2x_url} 2x" ', **for_script(self._key)) if self._key else ""
        )
        return format_html(
            '<span class="captcha" data-captcha>'
            '<input type="hidden" name="{name}_0" value="{key}" autocomplete="off" data-captcha-key>'
            '<input type="text" name="{name}_1" id="{input_id}_1" class="captcha-answer" required maxlength="8" '
            'autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false" data-captcha-answer>'
            '<img {images}alt="验证码图片：请输入图中的{length}个字符（不区分大小写）" '
            'class="captcha-image" data-captcha-image>'
            '<a href="{fallback}" class="captcha-refresh" data-captcha-refresh="{refresh}" '
            'title="看不清？换一张">换一张</a>'
            "</span>",
            name=name,
            key=self._key,
            input_id=input_id,
            images=images,
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
