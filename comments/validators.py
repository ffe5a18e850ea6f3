import unicodedata

from django.core.exceptions import ValidationError

# Line breaks and tabs are the only control characters a reader types.
ALLOWED_CONTROLS = frozenset("\n\r\t")


def is_invalid_character(char: str) -> bool:
    """Control characters (NUL among them), lone surrogates, and U+FFFD, which is what Django
    decodes invalid UTF-8 to. Everything else in Unicode, emoji included, is welcome."""
    category = unicodedata.category(char)
    return (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cs" or char == "\ufffd"


def validate_plain_text(value: str) -> None:
    if any(is_invalid_character(char) for char in value):
        raise ValidationError("内容中含有无效字符（控制字符或错误编码），请删除后重试。", code="invalid_characters")


def strip_invalid_characters(value: str) -> str:
    """The text as typed minus what validate_plain_text rejects, to show back in the form."""
    return "".join(char for char in value if not is_invalid_character(char))
