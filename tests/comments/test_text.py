"""Text that cannot spoof: invisible characters never reach readers, names cannot pass for the
default or for staff, and what readers wrote is shown isolated from the page's own text."""

import sys

import pytest
from django.core.exceptions import ValidationError

from comments import services, validators
from comments.models import Comment
from portal.models import SiteConfiguration
from tests.comments.conftest import fetch_form, post, post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c"]
BLANK = ["\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u034f", "\u2028", "\u2029", "\U000e0041"]
INVISIBLE = ZERO_WIDTH + BIDI + BLANK


def html_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("body", ["".join(INVISIBLE), "\u200b" * 20, "\u3164\u2800 \u3164", "\u202e \n\u200b"])
def test_a_comment_of_invisible_characters_only_is_refused(client, report, body):
    response = post_comment(client, report, body=body, nickname="李四")
    html = html_of(response)
    assert response.status_code == 400
    assert "评论内容只有看不见的字符（如零宽空格），请输入文字后再提交。" in html
    assert 'value="李四"' in html  # what the reader typed is kept
    assert not Comment.objects.exists()


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_are_removed_from_what_is_stored(client, report, post_moderation, char):
    post_comment(client, report, body=f"公交{char}线路{char}要延伸", nickname=f"{char}张{char}三")
    comment = Comment.objects.get()
    assert (comment.body, comment.nickname) == ("公交线路要延伸", "张三")


def test_a_right_to_left_override_cannot_reverse_what_readers_see(client, report, post_moderation):
    # "txt.exe" written backwards behind U+202E would read as "exe.txt" to readers.
    post_comment(client, report, body="下载附件 \u202etxt.exe 查看", nickname="\u202e长站")
    article = html_of(client.get(report.get_absolute_url()))
    assert "\u202e" not in article
    assert "下载附件 txt.exe 查看" in article


def test_refused_text_is_shown_back_without_invisible_characters(client, report):
    data = fetch_form(client, report)
    response = post(client, report, {**data, "captcha_1": "WRONG", "body": "正文\u200b里有\u202e零宽字符"})
    html = html_of(response)
    assert response.status_code == 400
    assert "正文里有零宽字符" in html and "\u200b" not in html and "\u202e" not in html


@pytest.mark.parametrize(
    "nickname",
    [
        "网友",
        "网\u200b友",  # looks exactly like the default
        "网 友",
        " 网\u3000友 ",
        "站长",
        "站\u2060长",
        "管理员",
        "编辑",
        "编\u3164辑",
        "本站",
        "博县网",  # the site's name
        "博 县 网",
    ],
)
def test_nicknames_that_pass_for_the_default_or_for_staff_are_refused(client, report, nickname):
    response = post_comment(client, report, nickname=nickname, body="我的看法是这样的。")
    html = html_of(response)
    assert response.status_code == 400
    assert "请留空或换一个昵称" in html or "这个昵称为本站保留，请换一个。" in html
    assert "我的看法是这样的。" in html
    assert not Comment.objects.exists()


def test_the_site_name_from_its_settings_is_reserved(client, report):
    SiteConfiguration.objects.update_or_create(pk=1, defaults={"site_name": "ＡＢＣ政务网"})
    response = post_comment(client, report, nickname="abc政务网")
    assert response.status_code == 400 and "这个昵称为本站保留" in html_of(response)
    assert post_comment(client, report, nickname="博县网").status_code == 302  # the old name is free again


def test_a_nickname_of_invisible_characters_only_is_refused(client, report):
    response = post_comment(client, report, nickname="\u200b\u3164")
    assert response.status_code == 400
    assert "昵称只有看不见的字符" in html_of(response)
    assert not Comment.objects.exists()


def test_names_that_merely_contain_a_reserved_word_are_fine(client, report):
    assert post_comment(client, report, nickname="网友小王").status_code == 302
    assert Comment.objects.get().nickname == "网友小王"


def test_emoji_keep_the_joiners_they_are_built_with(client, report, post_moderation):
    emoji = (
        "👨\u200d👩\u200d👧 👩🏽\u200d💻 🏳\ufe0f\u200d🌈 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    )
    post_comment(client, report, body=f"表情{emoji}", nickname="读者\u200d😀")
    comment = Comment.objects.get()
    assert comment.body == f"表情{emoji}"
    assert comment.nickname == "读者😀"  # a joiner after a letter builds nothing


def test_the_service_applies_the_same_rules(report):
    with pytest.raises(services.CommentRejected, match="请留空或换一个昵称"):
        services.comment_create(report=report, body="正文", nickname="网\u200b友", ip="203.0.113.9")
    with pytest.raises(services.CommentRejected):
        services.comment_create(report=report, body="\u200b\u202e", ip="203.0.113.9")
    comment = services.comment_create(report=report, body="正\u200b文", nickname="\u202e读者", ip="203.0.113.9")
    assert (comment.body, comment.nickname) == ("正文", "读者")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("field", ["nickname", "body"])
def test_the_model_refuses_invisible_characters(report, field):
    comment = Comment(report=report, nickname="读者", body="正文")
    setattr(comment, field, "看\u202e不见")
    with pytest.raises(ValidationError, match="不可见字符"):
        comment.full_clean()


def test_comment_text_is_isolated_from_the_page(client, report):
    # Stored before these rules (or by hand): shown isolated, so it cannot reorder the text around it.
    Comment.objects.all().delete()
    CommentFactory(report=report, nickname="مرحبا\u202e", body="\u202eعربي\nsecond line")
    for url in (report.get_absolute_url(), f"/comments/{report.pk}/"):
        html = html_of(client.get(url))
        assert '<bdi class="comment-author">مرحبا\u202e</bdi>' in html
        assert '<p class="comment-text" dir="auto">\u202eعربي<br>second line</p>' in html


def test_the_reply_line_isolates_the_parent(client, report):
    parent = CommentFactory(report=report, nickname="\u202e读者", body="\u202e原评论")
    html = html_of(client.get(f"/comments/{report.pk}/?parent={parent.pk}"))
    assert (
        "回复 <strong><bdi data-reply-nickname>\u202e读者</bdi></strong>：<bdi data-reply-text>\u202e原评论</bdi>"
        in html
    )


def test_the_quick_look_at_plain_text_lets_no_invisible_or_invalid_character_through():
    """Most text is checked in one C call (validators._is_plain) instead of character by character;
    every character that call passes must be one the character-by-character rules pass."""
    passed_wrongly = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if validators._is_plain(chr(code))
        and (validators.is_invisible_character(chr(code)) or validators.is_invalid_character(chr(code)))
    ]
    assert passed_wrongly == []
    assert validators._is_plain("第一行\r\n第二行\t👍 ok")
    assert not validators._is_plain("全角\u3000空格")  # a closer look, which keeps it
    assert validators.without_invisible_characters("全角\u3000空格") == "全角\u3000空格"
