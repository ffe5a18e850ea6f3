"""Writes of the documents app: a draft report made from a file, and the file kept as its original."""

import datetime
import hashlib
import uuid
from contextlib import suppress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from reports import services as report_services
from reports.models import Category, Region, Report, ReportStatus

from . import extraction, proposals, selectors
from .extraction import DocumentError, file_label
from .models import DocumentKind, Original


@dataclass(frozen=True)
class ImportDefaults:
    """What the importer says of every file, used where a document does not say it itself."""

    category: Category | None = None
    region: Region | None = None
    date: datetime.date | None = None


def document_import(
    *,
    name: str,
    content: bytes,
    defaults: ImportDefaults | None = None,
    vocabulary: proposals.Vocabulary | None = None,
) -> Report:
    """A draft report from a PDF, DOCX or HTML file, with the file attached as its original.

    Title, date, region and category are proposed from the document (defaults fill in what it does
    not say); the editor confirms them before publishing. DocumentError, with a message naming the
    file, for a file that cannot be read, says too little, or was imported before; nothing is
    stored then."""
    defaults = defaults or ImportDefaults()
    label = file_label(name)
    extracted = extraction.extract(name, content)
    vocabulary = vocabulary or selectors.vocabulary()
    proposal = proposals.propose(
        extracted.paragraphs,
        file_name=label,
        vocabulary=vocabulary,
        declared_title=extracted.declared_title,
        hints=extracted.hints,
    )
    region_id = proposal.region_id or (defaults.region.pk if defaults.region else None)
    category_id = proposal.category_id or (defaults.category.pk if defaults.category else None)
    date = proposal.date or defaults.date
    missing = [what for what, value in (("地区", region_id), ("栏目", category_id), ("日期", date)) if value is None]
    if missing:
        raise DocumentError(
            f"文件“{label}”：无法从文件中识别{'、'.join(missing)}，请在导入时指定{'、'.join(missing)}后重新导入。"
        )
    if not proposal.paragraphs:
        raise DocumentError(f"文件“{label}”中除标题外没有正文文字。")
    sha256 = hashlib.sha256(content).hexdigest()
    if (earlier := selectors.imported_from(sha256=sha256)) is not None:
        raise DocumentError(f"文件“{label}”已导入过：报告“{earlier.report.title}”（编号 {earlier.report_id}）。")
    region = (
        defaults.region if defaults.region and defaults.region.pk == region_id else Region.objects.get(pk=region_id)
    )
    category = Category.objects.get(pk=category_id)
    if (same := selectors.same_document(region=region, category=category, date=date, title=proposal.title)) is not None:
        raise DocumentError(
            f"文件“{label}”：{region.name}{date:%Y-%m-%d}的“{same.title}”已存在（编号 {same.pk}），未重复导入。"
        )
    try:
        with transaction.atomic():
            report = report_services.report_create(
                title=proposal.title,
                region=region,
                category=category,
                date=date,
                body="\n".join(proposal.paragraphs),
                status=ReportStatus.DRAFT,
            )
            original_attach(report=report, name=label, content=content)
    except ValidationError as error:
        problems = "；".join(message for messages in error.message_dict.values() for message in messages)
        raise DocumentError(f"文件“{label}”无法导入：{problems}") from None
    except IntegrityError:
        raise DocumentError(f"文件“{label}”：同一份报告刚刚已被导入，未重复导入。") from None
    except OSError:
        raise DocumentError(
            f"文件“{label}”未能保存到服务器（磁盘已满或不可写），没有导入。请稍后再试或联系站长。"
        ) from None
    return report


@transaction.atomic
def original_attach(*, report: Report, name: str, content: bytes) -> Original:
    """Keep `content` as the report's original (replacing any earlier one), checked by its content
    like an import, and make the report's article show it."""
    label = file_label(name)
    kind = extraction.sniff_kind(label, content[:8192], len(content))
    previous = Original.objects.filter(report=report).first()  # not report.original: it may be stale
    extension = {DocumentKind.PDF: "pdf", DocumentKind.DOCX: "docx", DocumentKind.HTML: "html"}[kind]
    original = Original(
        report=report,
        file_name=label,
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    original.full_clean(exclude=["file", "report"], validate_unique=False, validate_constraints=False)
    # A random stored name: the uploader's name never reaches the file system.
    original.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    stored = original.file.name
    try:
        if previous is not None:
            previous.delete()
        original.save(force_insert=True)
    except BaseException:
        original.file.storage.delete(stored)
        raise
    report_services.report_attachment_changed(report=report)
    return original


@transaction.atomic
def original_remove(*, original: Original) -> None:
    """The report stays; its article loses the 下载原文 link, and the file goes once that is committed."""
    report = original.report
    original.delete()
    report_services.report_attachment_changed(report=report)


def original_file_remove_when_committed(*, original: Original) -> None:
    """An original's row is gone (removed, replaced, or deleted with its report): its file goes
    once that is committed, and stays if the deletion is rolled back."""
    name = original.file.name
    storage = original.file.storage

    def remove() -> None:
        with suppress(OSError):
            storage.delete(name)

    transaction.on_commit(remove)
