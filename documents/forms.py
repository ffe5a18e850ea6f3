from django import forms
from django.conf import settings

from reports.models import Category, Region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads, handed on as they are: each is checked by the import, which names the file
    in its message (Django's own check of an empty file would refuse the whole form, unnamed)."""

    widget = MultipleFileInput

    def to_python(self, data):
        return data

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class DocumentImportForm(forms.Form):
    files = MultipleFileField(
        label="文件",
        error_messages={"required": "请选择要导入的文件。"},
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.html,.htm"}),
    )
    category = forms.ModelChoiceField(
        Category.objects.all(),
        label="栏目",
        required=False,
        empty_label="按文件内容判断",
        help_text="标题中没有“报告”“公报”“规划”等字样时使用。",
    )
    region = forms.CharField(
        label="地区",
        required=False,
        max_length=64,
        help_text="行政区划代码或名称，如 433101 或 吉首市；文件中找不到地区时使用。",
    )
    date = forms.DateField(
        label="文件日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="文件中找不到日期时使用。",
        error_messages={"invalid": "请输入有效的日期，如 2023-02-14。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.DOCUMENTS_MAX_FILE_BYTES / (1024 * 1024)
        self.fields["files"].help_text = (
            f"PDF、Word（.docx）或保存的网页（.html），可一次选择多个，每个不超过 {limit:g} MB。"
            "每个文件成为一篇草稿，标题、日期、地区和栏目从文件中识别，发布前请核对。"
        )

    def clean_region(self) -> Region | None:
        value = self.cleaned_data["region"].strip()
        if not value:
            return None
        lookup = {"code": value} if value.isascii() and value.isdigit() else {"name": value}
        matches = list(Region.objects.filter(**lookup).select_related("province")[:2])
        if not matches:
            raise forms.ValidationError(
                "找不到地区“%(value)s”，请输入行政区划代码或完整名称。", params={"value": value}
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                "有多个地区叫“%(value)s”（如%(first)s和%(second)s的），请输入行政区划代码。",
                params={"value": value, "first": matches[0].province.name, "second": matches[1].province.name},
            )
        return matches[0]
