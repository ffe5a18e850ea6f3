"""The Content-Disposition of a download whose name is Chinese (RFC 6266 with RFC 5987's filename*)."""

import os
import re
from urllib.parse import quote


def ascii_fallback(name: str, *, default_stem: str) -> str:
    """The name in pinyin and ASCII letters, for the browsers that ignore filename*."""
    # Here, not at the top: pypinyin's tables take about 50 MB, for downloads only.
    from pypinyin import lazy_pinyin

    stem, extension = os.path.splitext(name)
    letters = "-".join(lazy_pinyin(stem, errors=lambda chars: chars))  # non-Chinese runs stay whole
    stem = re.sub(r"[^A-Za-z0-9]+", "-", letters).strip("-").lower()[:120].rstrip("-")
    extension = re.sub(r"[^A-Za-z0-9.]", "", extension)[:10]
    return f"{stem or default_stem}{extension}"


def attachment_header(name: str, *, default_stem: str) -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded UTF-8>`: every current
    browser takes filename*, and the plain filename keeps older ones off the raw bytes."""
    fallback = ascii_fallback(name, default_stem=default_stem)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
