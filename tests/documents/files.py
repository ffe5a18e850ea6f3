"""Documents made by the tests themselves: PDF with a real Chinese text layer (reportlab and its
built-in Adobe-GB1 font STSong-Light), DOCX (python-docx) and saved government pages (HTML)."""

import io
import zipfile

import docx
from docx.enum.text import WD_BREAK
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# The first bytes of Word 97–2003 (.doc) and other old Office files.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TITLE = "(湖南省)吉首市人民政府工作报告(2023年2月14日)"
PARAGRAPHS = [
    "——2023年2月14日在吉首市第十六届人民代表大会第二次会议上",
    "各位代表：",
    "现在，我代表市人民政府，向大会报告政府工作，请予审议，并请市政协委员和其他列席人员提出意见。",
    "一、2022年工作回顾",
    "过去的一年，全市地区生产总值增长5.2%，一般公共预算收入完成12.3亿元，同比增长8.1%；城乡居民人均可支配收入分别增长5.5%和7.2%，“十四五”规划各项目标任务稳步推进。",
    "我们坚持稳中求进工作总基调，统筹发展和安全，（一）产业发展提质增效，（二）城乡面貌持续改善，全年新增城镇就业5120人。",
    "二、2023年工作安排",
    "今年是全面贯彻落实党的二十大精神的开局之年，做好政府工作意义重大。预期目标是：地区生产总值增长6.5%左右，一般公共预算收入增长5%。",
]


def _wrap(paragraph: str, width: float) -> list[str]:
    """Lines of at most `width` ems (an ASCII character is half an em), as a word processor breaks them."""
    lines, line, used = [], "", 0.0
    for ch in paragraph:
        size = 0.5 if ch.isascii() else 1.0
        if used + size > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += size
    return [*lines, line] if line else lines


def pdf_bytes(
    paragraphs: list[str] = PARAGRAPHS,
    *,
    title: str = TITLE,
    header: str = "吉首市人民政府文件",
    width: int = 30,
    lines_per_page: int = 8,
    indent: str = "position",
) -> bytes:
    """A PDF whose paragraphs are broken into lines of `width` ems, justified like a word
    processor's, flowing over pages, each page with a running header and a page number ("- 2 -").
    A paragraph's first line is indented by two ems of position (as Word exports it) or by two typed
    full-width spaces (indent="spaces")."""
    size = 12
    lines = [(title, "title")]
    for paragraph in paragraphs:
        text = "　　" + paragraph if indent == "spaces" else paragraph
        room = width if indent == "spaces" else width - 2
        first, *rest = _wrap(text, room)
        lines.append((first, "first"))
        lines += [(line, "last" if index == len(rest) - 1 else "full") for index, line in enumerate(rest)]
        if not rest:
            lines[-1] = (first, "first-last")
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number, page in enumerate(pages, start=1):
        pdf.setFont(FONT, 9)
        pdf.drawCentredString(300, 810, header)
        y = 770
        for line, role in page:
            if role == "title":
                pdf.setFont(FONT, size)
                pdf.drawCentredString(300, y, line)
            else:
                left = 60 + (2 * size if indent == "position" and role.startswith("first") else 0)
                text = pdf.beginText(left, y)
                text.setFont(FONT, size)
                if role in ("full", "first"):  # justified: spread to the right margin
                    natural = pdfmetrics.stringWidth(line, FONT, size)
                    text.setCharSpace((60 + width * size - left - natural) / max(len(line) - 1, 1))
                text.textOut(line)
                pdf.drawText(text)
            y -= 22
        pdf.setFont(FONT, 9)
        pdf.drawCentredString(300, 30, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf_bytes() -> bytes:
    """A PDF with only a picture of a page: no text layer."""
    picture = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(picture)
    for y in range(60, 760, 30):
        draw.rectangle([60, y, 540, y + 12], fill="black")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawImage(ImageReader(picture), 0, 0, width=595, height=842)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes(paragraphs: list[str] = PARAGRAPHS, *, title: str = TITLE, table: bool = False) -> bytes:
    """A Word file: a running header and a page-number footer, the title, and paragraphs of which the
    fifth carries a manual line break in the middle (as pasted text often does), as do those with
    a newline, where it is."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "吉首市人民政府文件"
    section.footer.paragraphs[0].text = "第 1 页"
    document.add_paragraph(title)
    for index, paragraph in enumerate(paragraphs):
        if index == 4 and "\n" not in paragraph:
            middle = len(paragraph) // 2
            paragraph = f"{paragraph[:middle]}\n{paragraph[middle:]}"
        first, *rest = paragraph.split("\n")
        run = document.add_paragraph().add_run(first)
        for line in rest:  # a manual line break (Shift+Enter) inside the paragraph
            run.add_break(WD_BREAK.LINE)
            run.add_text(line)
        document.add_paragraph("")  # empty paragraphs used as spacing
    if table:
        grid = document.add_table(rows=2, cols=2)
        for row, cells in zip(grid.rows, [("指标", "增长"), ("地区生产总值", "5.2%")], strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_bytes(
    paragraphs: list[str] = PARAGRAPHS,
    *,
    heading: str = "吉首市人民政府工作报告",
    site: str = "吉首市人民政府",
    encoding: str = "utf-8",
    published: str = "2023-02-14 09:30",
) -> bytes:
    """A saved government page: menus, breadcrumbs, the article with its 发布时间 line, related
    links and a footer; the paragraphs in <p> elements."""
    related = "".join(f'<li><a href="/zwgk/{n}.html">{site}关于第{n}号文件的通知</a></li>' for n in range(12))
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{encoding}">
<title>{heading}_{site}</title></head><body>
<div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/hdjl/">互动交流</a></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府工作报告</div>
<div class="article"><h1>{heading}</h1>
<div class="info">发布时间：{published} 来源：{site}办公室 浏览次数：1024</div>
<div class="content">{body}</div></div>
<div class="related"><h3>相关文件</h3><ul>{related}</ul></div>
<div class="footer">主办：{site}办公室 版权所有 湘ICP备12345678号</div>
</body></html>"""
    return page.encode(encoding)


def truncated(content: bytes) -> bytes:
    """The first third of a file, as an interrupted download leaves it."""
    return content[: len(content) // 3]


def exe_bytes() -> bytes:
    """The start of a Windows program (MZ header and PE signature)."""
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    header[0x80:0x84] = b"PE\x00\x00"
    return bytes(header) + b"\x90" * 2048


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是 Word 文件")
    return buffer.getvalue()
