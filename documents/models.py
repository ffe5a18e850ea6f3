from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.storage import PrivateStorage


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF 文件"
    DOCX = "docx", "Word 文档"
    HTML = "html", "网页"


# What a reader's browser is told each kind is; HTML originals keep their own encoding, named in
# their <meta charset>, so no charset is claimed for them.
CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.HTML: "text/html",
}


class Original(models.Model):
    """The file a report was imported from, offered to its readers as 下载原文."""

    report = models.OneToOneField(
        "reports.Report", verbose_name="报告", on_delete=models.CASCADE, related_name="original"
    )
    file = models.FileField("文件", storage=PrivateStorage(), upload_to="originals/%Y/%m/", max_length=200)
    file_name = models.CharField("原文件名", max_length=120)
    kind = models.CharField("类型", max_length=8, choices=DocumentKind.choices)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    created_at = models.DateTimeField("导入时间", default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "原文"
        constraints = [
            models.CheckConstraint(name="original_size_positive", condition=Q(size__gt=0)),
            models.CheckConstraint(name="original_kind_valid", condition=Q(kind__in=DocumentKind.values)),
            # The same file imported twice would make a second draft of one document.
            models.UniqueConstraint(fields=["sha256"], name="original_unique_content"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]
