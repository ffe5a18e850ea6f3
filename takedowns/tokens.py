"""The link a content provider uses to file a counter-notice: signed, bound to one receipt, expiring."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

# Kept from when the app lived in portal/: links already mailed to claimants must stay valid.
SALT = "portal.takedowns.counter-notice"


def counter_token(receipt: str) -> str:
    signed = signing.TimestampSigner(salt=SALT).sign(receipt)
    return signed.removeprefix(f"{receipt}:")


def counter_token_is_valid(receipt: str, token: str) -> bool:
    if not token or len(token) > 100:
        return False
    max_age = datetime.timedelta(days=settings.TAKEDOWN_COUNTER_LINK_DAYS)
    try:
        return signing.TimestampSigner(salt=SALT).unsign(f"{receipt}:{token}", max_age=max_age) == receipt
    except signing.BadSignature:
        return False


def counter_url(receipt: str, *, absolute: bool = True) -> str:
    path = reverse("takedowns:counter_notice", kwargs={"receipt": receipt}) + f"?token={counter_token(receipt)}"
    return settings.TAKEDOWN_SITE_URL.rstrip("/") + path if absolute else path
