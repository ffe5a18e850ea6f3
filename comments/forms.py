import time

from django import forms
from django.conf import settings
from django.core import signing

from portal.captcha import OneTimeCaptchaField
from portal.forms import PUBLIC_FORM_RENDERER
from portal.reversing import cached_reverse
from portal.selectors import site_configuration

from .models import FlagReason
from .validators import (
    DEFAULT_NICKNAME,
    strip_invalid_characters,
    validate_nickname,
    validate_storable,
    without_invisible_characters,
)

FORM_STAMP_SALT = "comments.form-stamp"


def form_stamp(report_id: int) -> str:
    """Signed (report, time the form was served): lets the post prove it is not an instant replay."""
    return signing.dumps({"report": report_id, "at": int(time.time())}, salt=FORM_STAMP_SALT, compress=True)


class CommentForm(forms.Form):
    default_renderer = PUBLIC_FORM_RENDERER

    nickname = forms.CharField(
        label="昵称",
        max_length=30,
        required=False,
        validators=[validate_storable],
        widget=forms.TextInput(attrs={"placeholder": DEFAULT_NICKNAME, "autocomplete": "nickname", "dir": "auto"}),
    )
    body = forms.CharField(
        label="评论内容",
        max_length=settings.COMMENTS_MAX_LENGTH,
        strip=False,
        validators=[validate_storable],
        error_messages={
            "required": "请填写评论内容。",
            "max_length": "评论最多 %(limit_value)d 字（现在 %(show_value)d 字）。",
        },
        widget=forms.Textarea(
            attrs={"rows": 5, "data-counter": "", "placeholder": "文明发言，理性讨论", "dir": "auto"}
        ),
    )
    email = forms.EmailField(
        label="邮箱",
        required=False,
        max_length=254,
        error_messages={"invalid": "请输入有效的邮箱地址，或者留空。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Readers never see this field (hidden by CSS, skipped by keyboard and screen readers); bots fill it.
    website = forms.CharField(
        label="网站（请留空）",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    stamp = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "表单已失效，请重新提交。"})
    captcha = OneTimeCaptchaField()

    def __init__(self, *args, report, captcha_client: str | None = None, **kwargs):
        """`captcha_client`: whom the captcha counts against (portal.captcha.client_of).

        Without a report, the form for a page's script to fill in (see `for_script`)."""
        super().__init__(*args, **kwargs)
        self.report = report
        self.captcha_client = captcha_client
        captcha = self.fields["captcha"].widget
        captcha.client = captcha_client
        if report is None:
            captcha.drawn_by_script = True
            return
        captcha.fallback_url = cached_reverse("comments:page", report_id=report.pk)
        if not self.is_bound:  # a post brings its own; redisplay() signs a new one
            self.fields["stamp"].initial = form_stamp(report.pk)

    @classmethod
    def for_script(cls) -> "CommentForm":
        """The form a cached article carries for its script (static/js/comments.js): nothing in it
        belongs to a report or a reader. The script puts in what does: the report's address, and the
        captcha, stamp and CSRF token of `comments.views.comment_form_tokens`."""
        return cls(report=None)

    @property
    def is_for_script(self) -> bool:
        return self.report is None

    def redisplay(self) -> "CommentForm":
        """After a failed post, the form to show again: what the reader typed (minus characters that
        cannot be stored or shown), the errors if it was validated, a fresh stamp; the captcha
        widget always draws a new image."""
        if not self.is_bound:
            return self
        data = self.data.copy()
        for name in ("nickname", "body", "email"):
            data[name] = strip_invalid_characters(data.get(name, ""))
        data["stamp"] = form_stamp(self.report.pk)
        if self._errors is None:
            # Not validated (the post was refused before that): show the text, no field errors.
            return CommentForm(
                report=self.report,
                captcha_client=self.captcha_client,
                initial={k: data.get(k) for k in ("nickname", "body", "email", "parent")},
            )
        self.data = data
        return self

    def clean_body(self):
        typed = self.cleaned_data["body"]
        body = without_invisible_characters(typed)
        if not body.strip():
            if typed.strip():
                raise forms.ValidationError(
                    "评论内容只有看不见的字符（如零宽空格），请输入文字后再提交。", code="invisible_only"
                )
            raise forms.ValidationError(self.fields["body"].error_messages["required"], code="required")
        return body

    def clean_nickname(self):
        typed = self.cleaned_data["nickname"]
        nickname = without_invisible_characters(typed).strip()
        if typed and not nickname:
            raise forms.ValidationError("昵称只有看不见的字符（如零宽空格），请输入文字或留空。", code="invisible_only")
        if nickname:
            validate_nickname(nickname, site_name=site_configuration().site_name)
        return nickname

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("提交未通过校验，请刷新页面后重试。", code="honeypot")
        return ""

    def clean_stamp(self):
        stamp = self.cleaned_data["stamp"]
        try:
            payload = signing.loads(stamp, salt=FORM_STAMP_SALT, max_age=settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600)
        except signing.SignatureExpired:
            raise forms.ValidationError("表单已过期，请重新提交。", code="stale") from None
        except signing.BadSignature:
            raise forms.ValidationError("表单已失效，请重新提交。", code="forged") from None
        if payload.get("report") != self.report.pk:
            raise forms.ValidationError("表单已失效，请重新提交。", code="forged")
        if time.time() - payload.get("at", 0) < settings.COMMENTS_MIN_FILL_SECONDS:
            raise forms.ValidationError("提交太快了，请稍等几秒再提交。", code="too_fast")
        return stamp


class CommentFlagForm(forms.Form):
    """A reader's report (举报) of a comment: a reason from the list and, for "other", a few words."""

    default_renderer = PUBLIC_FORM_RENDERER

    reason = forms.ChoiceField(
        label="举报原因",
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择举报原因。", "invalid_choice": "请从列表中选择举报原因。"},
    )
    detail = forms.CharField(
        label="补充说明（选填）",
        max_length=500,
        required=False,
        validators=[validate_storable],
        error_messages={"max_length": "补充说明最多 %(limit_value)d 字（现在 %(show_value)d 字）。"},
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def clean_detail(self):
        return without_invisible_characters(self.cleaned_data["detail"]).strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == FlagReason.OTHER and not cleaned.get("detail"):
            self.add_error("detail", "选择“其他”时，请写明举报原因。")
        return cleaned

    def redisplay(self) -> "CommentFlagForm":
        """After a refused post: what the reader typed, minus characters that cannot be shown."""
        if self.is_bound:
            data = self.data.copy()
            data["detail"] = strip_invalid_characters(data.get("detail", ""))
            self.data = data
        return self
