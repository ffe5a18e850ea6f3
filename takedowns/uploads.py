"""Evidence files: checked by their content (never by name or the browser's claim) and stored privately."""

import os
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff_content_type(upload: UploadedFile) -> str:
    """The file's real type from its first bytes; ValidationError unless PDF, JPEG or PNG within the size limit."""
    limit = settings.TAKEDOWN_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            "文件“%(name)s”超过 %(limit)s，请压缩后再上传。",
            code="too_big",
            params={"name": display_name(upload), "limit": f"{limit / (1024 * 1024):g} MB"},
        )
    if upload.size == 0:
        raise ValidationError("文件“%(name)s”是空文件。", code="empty", params={"name": display_name(upload)})
    upload.seek(0)
    head = upload.read(261)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            "文件“%(name)s”不是 PDF、JPEG 或 PNG 格式（按文件内容判断，而非扩展名）。",
            code="bad_type",
            params={"name": display_name(upload)},
        )
    return kind.mime


def display_name(upload: UploadedFile) -> str:
    """The uploader's file name, made safe to store and show."""
    name = os.path.basename((upload.name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-100:] or "未命名文件"


def storage_name(content_type: str) -> str:
    """A random stored name: the uploader's name never reaches the file system."""
    return f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
