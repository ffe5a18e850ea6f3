"""Who a change is recorded for: pghistory's context, as metadata on the history rows written
while it is active. A change made outside any (housekeeping, the shell) is shown as the system's."""

import pghistory
from django.contrib.auth.models import AbstractBaseUser

SYSTEM = "系统"


def recorded_as_user(user: AbstractBaseUser, **details) -> pghistory.context:
    return pghistory.context(user=user.pk, username=user.get_username(), **details)


def recorded_as_command(name: str) -> pghistory.context:
    return pghistory.context(command=name)


def actor_label(metadata: dict | None) -> str:
    """Who made a change, for people: the staff member's user name, or the system (and the
    command that ran)."""
    metadata = metadata or {}
    if metadata.get("username"):
        return metadata["username"]
    if metadata.get("command"):
        return f"{SYSTEM}（{metadata['command']} 命令）"
    return SYSTEM
