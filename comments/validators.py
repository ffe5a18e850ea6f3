"""What comment text may contain, written once for the form, the service and the model.

Two kinds of characters are kept out. Invalid ones (control characters, lone surrogates, U+FFFD)
cannot be stored or shown: a post with them is refused. Invisible ones draw nothing but change
what readers see: zero-width spaces and joiners, bidi controls such as U+202E RIGHT-TO-LEFT
OVERRIDE, and letters that render blank. They are removed from what a reader posts (text copied
from chat apps carries them innocently); the model refuses them, so nothing else stores them.
"""

import functools
import unicodedata

from django.core.exceptions import ValidationError

# Line breaks and tabs are the only control characters a reader types.
ALLOWED_CONTROLS = frozenset("\n\r\t")
# Format characters (Cf: zero-width space, joiners, bidi controls, soft hyphen, BOM, tags …), line
# and paragraph separators, and these, which Unicode files as letters, marks or symbols although
# they draw nothing: Hangul fillers, the combining grapheme joiner, Khmer inherent vowels and the
# blank Braille pattern.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u2800")
ZERO_WIDTH_JOINER = "\u200d"
EMOJI_PRESENTATION = "\ufe0f"
BLACK_FLAG = "\U0001f3f4"
TAGS = frozenset(map(chr, range(0xE0020, 0xE0080)))
CANCEL_TAG = "\U000e007f"

DEFAULT_NICKNAME = "网友"
# Names that would pass a reader off as anonymous (the default) or as the site's own staff; the
# site's name is added from its settings.
RESERVED_NICKNAMES = (DEFAULT_NICKNAME, "编辑", "站长", "管理员", "本站")

INVALID_MESSAGE = "内容中含有无效字符（控制字符或错误编码），请删除后重试。"
INVISIBLE_MESSAGE = "内容中含有不可见字符（零宽字符、文字方向控制符等），请删除后重试。"


# What a reader types between lines and words: the only characters `str.isprintable` (which runs in
# C) refuses that are neither invalid nor invisible, except other spaces (U+3000 …).
_TYPED_WHITESPACE = str.maketrans("", "", "\n\r\t")


def _is_plain(value: str) -> bool:
    """Nothing invalid or invisible in it, as most text is: each character is printable (no
    control, format, separator, surrogate or unassigned one), none is a blank letter or U+FFFD.
    False means "look closer", character by character."""
    return (
        value.translate(_TYPED_WHITESPACE).isprintable()
        and BLANK_CHARACTERS.isdisjoint(value)
        and "\ufffd" not in value
    )


def is_invalid_character(char: str) -> bool:
    """Control characters (NUL among them), lone surrogates, and U+FFFD, which is what Django
    decodes invalid UTF-8 to. Everything else in Unicode, emoji included, is welcome."""
    category = unicodedata.category(char)
    return (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cs" or char == "\ufffd"


def is_invisible_character(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE_CATEGORIES or char in BLANK_CHARACTERS


def _is_emoji_glue(value: str, index: int) -> bool:
    """The format characters that emoji are built with, where they build one: a zero-width joiner
    between two pictographs (👨‍👩‍👧, 👩🏽‍💻, 🏳️‍🌈), and the tag characters of a subdivision flag
    (🏴 followed by tags and CANCEL TAG, as in the flag of Scotland). Anywhere else they are invisible."""
    char = value[index]
    if char == ZERO_WIDTH_JOINER:
        before, after = value[index - 1 : index], value[index + 1 : index + 2]
        return (
            bool(before and after)
            and (unicodedata.category(before) in ("So", "Sk") or before == EMOJI_PRESENTATION)
            and unicodedata.category(after) == "So"
        )
    if char in TAGS:
        start = index
        while start > 0 and value[start - 1] in TAGS:
            start -= 1
        end = index
        while end + 1 < len(value) and value[end + 1] in TAGS:
            end += 1
        return start > 0 and value[start - 1] == BLACK_FLAG and value[end] == CANCEL_TAG
    return False


def without_invisible_characters(value: str) -> str:
    if _is_plain(value):
        return value
    return "".join(
        char for index, char in enumerate(value) if not is_invisible_character(char) or _is_emoji_glue(value, index)
    )


def validate_storable(value: str) -> None:
    """What the form refuses outright; invisible characters it removes instead."""
    if not _is_plain(value) and any(is_invalid_character(char) for char in value):
        raise ValidationError(INVALID_MESSAGE, code="invalid_characters")


def validate_plain_text(value: str) -> None:
    """The model's rule: neither invalid nor invisible characters."""
    validate_storable(value)
    if without_invisible_characters(value) != value:
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


def strip_invalid_characters(value: str) -> str:
    """The text as typed minus what validate_plain_text rejects, to show back in the form."""
    return without_invisible_characters("".join(char for char in value if not is_invalid_character(char)))


def nickname_key(value: str) -> str:
    """What a name looks like, for comparing names: compatibility forms folded (ＡＢ = AB), case
    folded, invisible characters and every space removed."""
    folded = unicodedata.normalize("NFKC", without_invisible_characters(value)).casefold()
    return "".join(without_invisible_characters(folded).split())


def validate_nickname(value: str, *, site_name: str) -> None:
    """A typed nickname must not read as the default or as the site's staff."""
    key = nickname_key(value)
    if key == nickname_key(DEFAULT_NICKNAME):
        raise ValidationError(f"不填昵称即显示为“{DEFAULT_NICKNAME}”，请留空或换一个昵称。", code="reserved")
    if key in _reserved_keys(site_name):
        raise ValidationError("这个昵称为本站保留，请换一个。", code="reserved")


@functools.lru_cache(maxsize=8)
def _reserved_keys(site_name: str) -> frozenset[str]:
    return frozenset(nickname_key(name) for name in (*RESERVED_NICKNAMES, site_name) if name)
