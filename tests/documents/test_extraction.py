"""Text read out of PDF, Word and HTML files, paragraph by paragraph, and the files refused."""

import re

import pytest

from documents.extraction import DocumentError, extract

from . import files

# No rows are read; the mark lets the suite's session fixtures (migration data) run against the test database.
pytestmark = pytest.mark.django_db

# Every paragraph as the author wrote it, title first; full-width punctuation and digits as typed.
EXPECTED = [files.TITLE, *files.PARAGRAPHS]


@pytest.mark.parametrize(
    "options",
    [
        {},  # Word's export: first lines indented by position, lines justified
        {"indent": "spaces"},  # first lines indented with typed full-width spaces
        {"width": 17, "lines_per_page": 4},  # narrow columns, paragraphs broken over many pages
    ],
)
def test_a_pdf_gives_its_paragraphs_without_page_numbers_or_running_headers(options):
    content = files.pdf_bytes(**options)
    extracted = extract("吉首市政府工作报告.pdf", content)
    assert extracted.kind == "pdf"
    assert extracted.paragraphs == EXPECTED
    assert not any("吉首市人民政府文件" in p or p.startswith("-") for p in extracted.paragraphs)


def test_full_width_punctuation_is_kept():
    paragraphs = extract("a.pdf", files.pdf_bytes()).paragraphs
    text = "".join(paragraphs)
    for mark in "，。：；“”（）——":
        assert mark in text
    assert "," not in text.replace("5,", "") and ";" not in text


def test_a_word_file_gives_its_paragraphs_without_header_footer_or_manual_line_breaks():
    extracted = extract("报告.docx", files.docx_bytes(table=True))
    assert extracted.kind == "docx"
    assert extracted.paragraphs == [*EXPECTED, "指标　增长", "地区生产总值　5.2%"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_saved_government_page_gives_its_main_text_only(encoding):
    extracted = extract("page.html", files.html_bytes(encoding=encoding))
    assert extracted.kind == "html"
    assert extracted.declared_title == "吉首市人民政府工作报告"
    assert extracted.paragraphs == files.PARAGRAPHS  # no menu, breadcrumbs, 发布时间, related links or footer


@pytest.mark.parametrize(
    ("name", "make", "message"),  # each message names the file
    [
        ("扫描件.pdf", files.scanned_pdf_bytes, "文件“扫描件.pdf”中没有可提取的文字（可能是扫描件或图片）"),
        ("半截.pdf", lambda: files.truncated(files.pdf_bytes()), "文件“半截.pdf”已损坏或不完整"),
        ("半截.docx", lambda: files.truncated(files.docx_bytes()), "文件“半截.docx”已损坏或不是有效的 Word"),
        ("setup.pdf", files.exe_bytes, "文件“setup.pdf”的内容是 EXE 格式，不是 PDF、Word（.docx）或网页"),
        ("压缩包.docx", files.zip_bytes, "文件“压缩包.docx”的内容是 ZIP 格式"),
        ("空.pdf", lambda: b"", "文件“空.pdf”是空文件"),
        ("说明.html", lambda: "只是一段文字，没有网页标记。".encode(), "文件“说明.html”不是 PDF、Word（.docx）或网页"),
        (
            "旧版.doc",
            lambda: files.OLE2 + bytes(4096),
            "文件“旧版.doc”是旧版 Word（.doc）格式，请在 Word 中另存为 .docx",
        ),
        ("空网页.html", lambda: b"<html><body><div></div></body></html>", "文件“空网页.html”中没有找到正文文字"),
    ],
)
def test_files_that_give_no_text_are_refused_with_a_message_naming_them(name, make, message):
    with pytest.raises(DocumentError) as refused:
        extract(name, make())
    assert message in str(refused.value)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 1024 * 1024
    with pytest.raises(DocumentError, match=re.escape("文件“大.pdf”超过 1 MB")):
        extract("大.pdf", files.pdf_bytes() + bytes(1024 * 1024))


def test_text_repeated_in_the_body_is_not_taken_for_a_running_header():
    """Reports repeat sentences; only a line at the same place on half the pages is page furniture."""
    paragraphs = ["各位代表：", files.PARAGRAPHS[2]] * 6  # a short line on every page, at varying places
    assert extract("a.pdf", files.pdf_bytes(paragraphs, lines_per_page=5)).paragraphs == [files.TITLE, *paragraphs]


def test_a_manual_line_break_before_an_enumeration_inside_a_sentence_is_not_a_new_paragraph():
    inside = "我们统筹发展和安全；\n（一）产业发展提质增效，\n（二）城乡面貌持续改善。"
    after = "全年目标全面完成。\n（二）城乡面貌持续改善。"
    content = files.docx_bytes([inside, "各位代表：", "第三段。", "第四段。", after], title="吉首市人民政府工作报告")
    assert extract("a.docx", content).paragraphs == [
        "吉首市人民政府工作报告",
        "我们统筹发展和安全；（一）产业发展提质增效，（二）城乡面貌持续改善。",
        "各位代表：",
        "第三段。",
        "第四段。",
        "全年目标全面完成。",
        "（二）城乡面貌持续改善。",
    ]
