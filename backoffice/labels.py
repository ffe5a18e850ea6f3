"""Chinese names for what the admin shows from code rather than from translatable strings:
permissions (stored in English by Django), apps of third-party packages, yes/no icons."""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst

# Apps whose AppConfig has no Chinese (or no translatable) verbose_name.
APP_NAMES = {
    "axes": "登录限制",
    "captcha": "验证码",
    "django_tasks_database": "后台任务",
    "pghistory": "修订历史（底层）",
}
# Models of third-party apps whose verbose_name is not translatable.
MODEL_NAMES = {
    ("captcha", "captchastore"): "验证码",
    ("pghistory", "context"): "修订上下文",
    ("pghistory", "events"): "修订事件",
    ("pghistory", "middlewareevents"): "请求中的修订事件",
}
ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}
BOOLEAN_ALT = {True: "是", False: "否", None: "未知"}


def app_name(app_label: str) -> str:
    if app_label in APP_NAMES:
        return APP_NAMES[app_label]
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label


def model_name(app_label: str, model: str) -> str:
    if (app_label, model) in MODEL_NAMES:
        return MODEL_NAMES[(app_label, model)]
    try:
        return str(apps.get_model(app_label, model)._meta.verbose_name)
    except LookupError:
        return model


def permission_label(permission: Permission) -> str:
    """E.g. "报告 | 报告 | 修改报告" for Django's "reports | 报告 | Can change 报告"."""
    app_label, model = permission.content_type.app_label, permission.content_type.model
    name = model_name(app_label, model)
    action, _, codename_model = permission.codename.partition("_")
    # The project's own permissions (resend mail, decide notices …) are named in Chinese already.
    what = f"{ACTIONS[action]}{name}" if action in ACTIONS and codename_model == model else permission.name
    return f"{app_name(app_label)} | {capfirst(name)} | {what}"


def boolean_icon(value: bool | None) -> str:
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), BOOLEAN_ALT[value])
