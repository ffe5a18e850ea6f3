from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from portal.captcha import OneTimeCaptchaField

from .addresses import AddressError, resolve_addresses
from .models import CounterNotice, TakedownNotice
from .uploads import sniff_content_type


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Up to TAKEDOWN_MAX_ATTACHMENTS PDF/JPEG/PNG files, each checked by its content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > settings.TAKEDOWN_MAX_ATTACHMENTS:
            raise ValidationError(f"最多上传 {settings.TAKEDOWN_MAX_ATTACHMENTS} 个文件。", code="too_many")
        errors = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                sniff_content_type(upload)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return uploads


class SingleEvidenceFileField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            sniff_content_type(upload)
        return upload


def _model_field(model, name: str, **overrides):
    field = model._meta.get_field(name).formfield(**overrides)
    field.error_messages["required"] = f"请填写{field.label}。"
    if getattr(field, "choices", None):
        # Django 6.1's blank option, "- Select an option -", has no Chinese translation yet.
        field.choices = [(value, "请选择") if value == "" else (value, label) for value, label in field.choices]
    return field


def _notice_field(name: str, **overrides):
    return _model_field(TakedownNotice, name, **overrides)


FILES_NOT_KEPT = "出于安全原因，表单出错时已选择的文件不会保留，请重新选择。"


class FieldsetsMixin:
    FIELDSETS: list[tuple[str, list[str]]] = []

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def fieldsets(self):
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.FIELDSETS]


class NoticeForm(FieldsetsMixin, forms.Form):
    """The rights holder's notice (条例 Art. 14)."""

    FIELDSETS = [
        ("权利人", ["claimant_name", "claimant_organisation", "id_type", "id_number", "address", "phone", "email"]),
        ("代理人（权利人本人提交时不填）", ["filed_by_agent", "agent_name", "authorisation"]),
        ("要求删除的内容", ["addresses", "work_title", "right_claimed", "legal_basis"]),
        ("构成侵权的初步证明", ["evidence_text", "attachments"]),
        ("承诺", ["declaration", "captcha"]),
    ]

    claimant_name = _notice_field("claimant_name")
    claimant_organisation = _notice_field("claimant_organisation", help_text="以单位名义投诉时填写；将公开显示。")
    id_type = _notice_field("id_type")
    id_number = _notice_field("id_number")
    address = _notice_field("address")
    phone = _notice_field("phone")
    email = _notice_field("email", help_text="受理编号和处理结果会发送到这个邮箱。")
    filed_by_agent = _notice_field("filed_by_agent", label="我是代理人，受权利人委托提交")
    agent_name = _notice_field("agent_name", help_text="代理人提交时必填。")
    authorisation = SingleEvidenceFileField(
        label="授权委托书", required=False, help_text="代理人提交时必填；PDF、JPEG 或 PNG，不超过 5 MB。"
    )
    addresses = forms.CharField(
        label="要求删除的本站网址",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "/baogao/huazhong/5618.html"}),
        max_length=5000,
        help_text=(
            "每行一个，可以是完整网址或 /baogao/huazhong/5618.html 这样的路径；评论请填写带 #comment-编号 的地址。"
        ),
        error_messages={"required": "请至少填写一个本站网址。"},
    )
    work_title = _notice_field("work_title", help_text="被侵权作品的名称。")
    right_claimed = _notice_field("right_claimed")
    legal_basis = _notice_field("legal_basis", help_text="一般选择《信息网络传播权保护条例》。")
    evidence_text = _notice_field(
        "evidence_text",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text="例如：著作权登记证书编号、首次发表的时间和出处、本站内容与作品的对应关系。",
    )
    attachments = EvidenceFilesField(
        label="证明材料附件",
        required=False,
        help_text="最多 5 个文件，PDF、JPEG 或 PNG，每个不超过 5 MB。",
    )
    declaration = forms.BooleanField(
        label="我承诺本通知内容真实；如通知错误导致他人损失，我愿承担法律责任。",
        error_messages={"required": "请勾选承诺，确认通知内容真实。"},
    )
    captcha = OneTimeCaptchaField(fallback_url="/takedown/", help_text="看不清可以点“换一张”。")

    def __init__(self, *args, hosts: list[str], captcha_client: str | None = None, **kwargs):
        """`captcha_client`: whom the captcha counts against (portal.captcha.client_of), so that
        reloading the form shows the same unanswered captcha instead of drawing another."""
        super().__init__(*args, **kwargs)
        self.hosts = hosts
        self.resolved_items = []
        self.fields["captcha"].widget.client = captcha_client

    def clean_addresses(self):
        text = self.cleaned_data["addresses"]
        try:
            self.resolved_items = resolve_addresses(text, hosts=self.hosts)
        except AddressError as error:
            raise ValidationError(str(error), code="bad_address") from None
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("filed_by_agent"):
            if not cleaned.get("agent_name"):
                self.add_error("agent_name", "代理人提交时请填写代理人姓名或名称。")
            if not cleaned.get("authorisation") and "authorisation" not in self.errors:
                self.add_error("authorisation", "代理人提交时须上传权利人签署的授权委托书。")
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("addresses")
        data.pop("captcha", None)
        data["items"] = self.resolved_items
        return data


class CounterNoticeForm(FieldsetsMixin, forms.Form):
    """The content provider's counter-notice (条例 Art. 16)."""

    FIELDSETS = [
        ("内容提供者", ["name", "id_type", "id_number", "address", "phone", "email"]),
        ("不构成侵权的初步证明", ["statement", "attachments"]),
        ("承诺", ["declaration"]),
    ]

    name = _model_field(CounterNotice, "name")
    id_type = _model_field(CounterNotice, "id_type")
    id_number = _model_field(CounterNotice, "id_number")
    address = _model_field(CounterNotice, "address")
    phone = _model_field(CounterNotice, "phone")
    email = _model_field(CounterNotice, "email")
    statement = _model_field(
        CounterNotice,
        "statement",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="说明该内容为何不构成侵权，例如您本人享有著作权、已获授权，或属于合理使用、政府公开文件等。",
    )
    attachments = EvidenceFilesField(
        label="证明材料附件", required=False, help_text="最多 5 个文件，PDF、JPEG 或 PNG，每个不超过 5 MB。"
    )
    declaration = forms.BooleanField(
        label="我承诺本说明内容真实，并对说明的真实性承担法律责任。",
        error_messages={"required": "请勾选承诺，确认说明内容真实。"},
    )
