"""Contact and ID data as staff see them who work a notice without needing to reach the person
(editors): enough to tell two people apart, not enough to identify or contact them."""

from collections.abc import Callable

HIDDEN = "*"
ADDRESS_HIDDEN = "＊＊＊"


def _keep_ends(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    return value[:head] + HIDDEN * hidden + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    """110101199001011234 → 1101**********1234; shorter documents keep a quarter at each end."""
    value = value.strip()
    keep = min(4, len(value) // 4)
    return _keep_ends(value, keep, keep)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; an 8-digit local number keeps its last 4 only."""
    value = value.strip()
    head = 3 if len(value) >= 11 else 0
    tail = 4 if len(value) >= 8 else len(value) // 3
    return _keep_ends(value, head, tail)


def mask_email(value: str) -> str:
    """alice@example.cn → a***@example.cn: the provider stays visible, the mailbox does not."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return HIDDEN * 3 if value else ""
    return f"{local[0]}{HIDDEN * 3}@{domain}"


def mask_address(value: str) -> str:
    """北京市东城区某某路1号 → 北京市东城＊＊＊: at most the first half, never the street."""
    value = value.strip()
    if not value:
        return ""
    return value[: min(6, len(value) // 2)] + ADDRESS_HIDDEN


# The personal fields of notices and counter-notices (same names on both models) and their masks.
MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "address": mask_address,
    "phone": mask_phone,
    "email": mask_email,
}
