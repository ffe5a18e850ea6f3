"""What a locked-out admin login sees (django-axes calls `lockout_response`, settings.AXES_LOCKOUT_CALLABLE)."""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_message() -> str:
    # The same words whether the username exists or not, so the page tells an attacker nothing.
    limit = settings.AXES_FAILURE_LIMIT
    cooloff = settings.AXES_COOLOFF_TIME
    if cooloff:
        minutes = math.ceil(cooloff.total_seconds() / 60)
        wait = f"请在 {minutes} 分钟后再试（期间每次失败的尝试都会重新计时）"
    else:
        wait = "锁定不会自动解除"
    return (
        f"登录失败次数过多（{limit} 次），为保护账号安全，该用户名和您当前的网络地址已暂时无法登录。"
        f"{wait}；如需提前解除，请联系站长在管理后台的“登录锁定”中解除。"
    )


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    response = render(request, "429.html", {"message": lockout_message()}, status=429)
    if settings.AXES_COOLOFF_TIME:
        response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
