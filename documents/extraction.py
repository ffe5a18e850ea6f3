"""Reading the text out of an uploaded PDF, DOCX or HTML file.

The kind is told by the file's content, never its name or the browser's claim (as for takedown
evidence). Every way a file can fail to give text ends in DocumentError with a Chinese message that
names the file; the extractors' own exceptions never leave this module.

Libraries, chosen by measuring on Chinese documents:
pypdfium2 (PDFium) reads both embedded CFF/CID fonts and unembedded Adobe-GB1 fonts correctly,
python-docx reads Word's paragraphs in order, trafilatura finds the main text of a saved
government page (keeping <br>-separated paragraphs and GBK encodings) without its menus,
breadcrumbs, related links and footer.
"""

import io
import logging
import os
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
from django.conf import settings

from . import cleaning
from .models import DocumentKind

if TYPE_CHECKING:
    import pypdfium2

# The extractors are imported where they are used, not here: admin imports this module, and
# together they would add about 55 MB to every web worker that never reads a document.

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 8192
# Word 97–2003 (.doc) and the other old Office files are OLE2 compound files.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<meta", b"<title", b"<p>", b"<div")


class DocumentError(Exception):
    """A file that cannot become a report; the message is for the editor, in Chinese."""


@dataclass(frozen=True)
class Extracted:
    kind: str
    paragraphs: list[str]
    # What the document says its title is (an HTML page's or a Word file's own), before any guessing.
    declared_title: str = ""
    # Text outside the paragraphs that may tell the date (an HTML page's 发布时间 line).
    hints: tuple[str, ...] = ()


def file_label(name: str) -> str:
    """The uploader's file name, without folders or control characters, for messages and downloads."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-120:] or "未命名文件"


def check_size(name: str, size: int) -> None:
    """DocumentError for an empty file or one over the limit; called before a large upload is read."""
    limit = settings.DOCUMENTS_MAX_FILE_BYTES
    if size == 0:
        raise DocumentError(f"文件“{file_label(name)}”是空文件。")
    if size > limit:
        raise DocumentError(f"文件“{file_label(name)}”超过 {limit / (1024 * 1024):g} MB，无法导入。")


def sniff_kind(name: str, head: bytes, size: int) -> str:
    """The document's kind from its size and first bytes, or DocumentError."""
    label = file_label(name)
    check_size(name, size)
    if head.startswith(OLE2_SIGNATURE):
        raise DocumentError(f"文件“{label}”是旧版 Word（.doc）格式，请在 Word 中另存为 .docx 后再导入。")
    guess = filetype.guess(head)
    if guess is not None:
        match guess.extension:
            case "pdf":
                return DocumentKind.PDF
            case "docx":
                return DocumentKind.DOCX
            case "doc":
                raise DocumentError(f"文件“{label}”是旧版 Word（.doc）格式，请在 Word 中另存为 .docx 后再导入。")
            case _:
                raise DocumentError(
                    f"文件“{label}”的内容是 {guess.extension.upper()} 格式，不是 PDF、Word（.docx）或网页（HTML）"
                    "文件（按文件内容判断，而非扩展名）。"
                )
    lowered = head[:_SNIFF_BYTES].lower()
    if b"\x00" not in lowered and any(marker in lowered for marker in _HTML_MARKERS):
        return DocumentKind.HTML
    raise DocumentError(f"文件“{label}”不是 PDF、Word（.docx）或网页（HTML）文件（按文件内容判断，而非扩展名）。")


def extract(name: str, content: bytes) -> Extracted:
    """The kind and the cleaned paragraphs of a document, or DocumentError."""
    kind = sniff_kind(name, content[:_SNIFF_BYTES], len(content))
    label = file_label(name)
    reader = {DocumentKind.PDF: _pdf, DocumentKind.DOCX: _docx, DocumentKind.HTML: _html}[kind]
    try:
        paragraphs, declared_title, hints = reader(content)
    except DocumentError as error:
        raise DocumentError(f"文件“{label}”{error}") from None
    except Exception:
        # A damaged file can make any of three parsers fail in its own way; the editor needs to
        # know which file, the log keeps the details.
        logger.warning("could not read %s (%s)", label, kind, exc_info=True)
        raise DocumentError(f"文件“{label}”已损坏或不完整，无法读取。请用原程序打开确认后重新保存再导入。") from None
    if not paragraphs:
        if kind == DocumentKind.PDF:
            raise DocumentError(
                f"文件“{label}”中没有可提取的文字（可能是扫描件或图片），请先进行文字识别（OCR）后再导入。"
            )
        raise DocumentError(f"文件“{label}”中没有找到正文文字。")
    return Extracted(kind=kind, paragraphs=paragraphs, declared_title=declared_title, hints=tuple(hints))


def _pdf(content: bytes) -> tuple[list[str], str, list[str]]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise DocumentError("有密码保护，请先取消密码再导入。") from None
        raise
    try:
        pages = [_pdf_lines(document[index]) for index in range(len(document))]
    finally:
        document.close()
    return cleaning.pdf_paragraphs(pages), "", []


def _pdf_lines(page: "pypdfium2.PdfPage") -> list[cleaning.Line]:
    """The page's text as printed lines, top to bottom: PDFium's text rectangles (runs of
    characters of one font) gathered by the height they sit at."""
    text_page = page.get_textpage()
    try:
        runs = []
        for index in range(text_page.count_rects()):
            left, bottom, right, top = text_page.get_rect(index)
            runs.append((top, bottom, left, right, text_page.get_text_bounded(left, bottom, right, top)))
    finally:
        text_page.close()
        page.close()
    runs.sort(key=lambda run: (-run[0], run[2]))
    lines: list[list] = []
    for top, bottom, left, right, text in runs:
        height = top - bottom
        if lines and abs(lines[-1][0] - top) < 0.5 * max(height, 1):
            lines[-1][3].append((left, right, text))
        else:
            lines.append([top, bottom, height, [(left, right, text)]])
    result = []
    for _, _, height, parts in lines:
        parts.sort()
        text = "".join(part[2] for part in parts).replace("\r", "").replace("\n", "")
        result.append(cleaning.Line(text=text, left=parts[0][0], right=parts[-1][1], size=height))
    return result


def _docx(content: bytes) -> tuple[list[str], str, list[str]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise DocumentError("已损坏或不是有效的 Word（.docx）文件。") from None
    blocks: list[str] = []
    # Paragraphs and tables in document order; headers and footers (running titles, page
    # numbers) live in other parts of the package and are never read.
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                blocks.append("　".join(cell for cell in cells if cell))
        else:
            blocks.append(block.text)
    title = (document.core_properties.title or "").strip()
    return cleaning.docx_paragraphs(blocks), title, []


def _html(content: bytes) -> tuple[list[str], str, list[str]]:
    import trafilatura

    text = trafilatura.extract(
        content, favor_precision=True, include_comments=False, include_tables=True, include_images=False
    )
    paragraphs, furniture = cleaning.html_paragraphs(text or "")
    metadata = trafilatura.extract_metadata(content)
    title = (metadata.title or "").strip() if metadata is not None else ""
    if metadata is not None and metadata.date:
        furniture.append(metadata.date)  # the page's own date (meta tags, URL), after its 发布时间 line
    return paragraphs, title, furniture
