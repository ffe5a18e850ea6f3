"""The admin is Chinese throughout. Each staff role (editor, site owner, and a superuser, who sees
every model) walks every admin page it can reach by following links from the index: changelists
and each filter choice, searches, add and change forms, history and delete confirmations, the pages
of custom admin views; it also submits each add form empty (the error messages) and runs each action
on a row (confirmation pages and result messages). No visible text may contain an English word
(three or more Latin letters) except the abbreviations in ALLOWED and the test's own data (slugs,
user names, addresses). The words only a browser shows (calendar, clock, time-zone note) are
checked by tests/browser/test_admin_chinese.py."""

import datetime
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from reports import services
from reports.models import BigRegion, Category, Region
from tests.factories import CommentFactory, TakedownNoticeFactory, UserFactory

pytestmark = pytest.mark.django_db

# Abbreviations a Chinese reader of this admin knows as they are.
ALLOWED = {"ID", "IP", "URL", "CSV", "ICP", "RSS", "SMTP", "HTTP", "HTTPS", "PDF", "UTC", "JSON", "HTML", "DOCX"}
ALLOWED |= {"GET", "POST", "LDAP", "SHA256", "Control", "Command", "Mac"}  # methods, protocols, key names
ALLOWED |= {"Word"}  # the file type as editors know it (Word 文档)
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Data, not interface: addresses, e-mail addresses, dotted paths (task names), file names.
DATA_TOKEN = re.compile(r"\S*[@/\\._:=]\S*|\S*\d\S*")
# Attributes whose text people see (or hear: screen readers read aria-label).
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
BUTTON_TYPES = {"submit", "button", "reset"}
# Query parameters that only sort, page or keep state: the page's words are those already seen.
SAME_WORDS = {"o", "p", "_changelist_filters", "_popup", "_to_field", "all", "_facets"}
NOT_PAGES = ("/admin/logout/", "/admin/jsi18n/", "/admin/autocomplete/")


class VisibleText(HTMLParser):
    """The text people see on a page, and the admin links on it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "pre"):  # <pre>: program output (task results)
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in VISIBLE_ATTRIBUTES & attrs.keys():
            self.texts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in BUTTON_TYPES and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "pre"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def english_words(html: str, data: set[str]) -> dict[str, str]:
    """Each English word of the page's visible text, with the text it is in."""
    parser = VisibleText()
    parser.feed(html)
    found = {}
    for text in parser.texts:
        for token in text.split():
            if token in data or DATA_TOKEN.fullmatch(token):
                continue
            for word in ENGLISH_WORD.findall(token):
                if word not in ALLOWED and word not in data:
                    found.setdefault(word, text[:120])
    return found


def admin_links(html: str, base: str) -> Iterator[str]:
    parser = VisibleText()
    parser.feed(html)
    for href in parser.links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#"):
            continue
        path = parts.path if parts.path.startswith("/") else (base if not parts.path else base + parts.path)
        if not path.startswith("/admin/") or path.startswith(NOT_PAGES):
            continue
        query = [(key, value) for key, value in parse_qsl(parts.query) if key not in SAME_WORDS]
        yield path + (f"?{urlencode(query)}" if query else "")


def page_kind(url: str) -> str:
    """Filter choices of one filter show the same words: one of them stands for all."""
    parts = urlsplit(url)
    return parts.path + "?" + ",".join(sorted(key for key, _ in parse_qsl(parts.query)))


def walk(client: Client, data: set[str]) -> tuple[dict[str, dict[str, str]], set[str]]:
    """Every admin page reachable by links from the index; each filter once (from an unfiltered
    list, so combinations are not multiplied). Returns the English words per page, and the pages."""
    seen, kinds, queue, problems = {"/admin/"}, set(), ["/admin/"], {}
    while queue:
        url = queue.pop()
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        if words := english_words(html, data):
            problems[url] = words
        if "?" in url:
            continue
        for link in admin_links(html, urlsplit(url).path):
            if link not in seen and page_kind(link) not in kinds:
                seen.add(link)
                kinds.add(page_kind(link))
                queue.append(link)
    return problems, seen


def forms_and_actions(client: Client, data: set[str], pages: set[str]) -> dict[str, dict[str, str]]:
    """Each add form submitted empty, and each action of each changelist run on its first row."""
    problems = {}
    for url in sorted(pages):
        if url.endswith("/add/"):
            response = client.post(url, {})
            if response.status_code == 200 and (words := english_words(response.content.decode(), data)):
                problems[f"POST {url}"] = words
        if re.fullmatch(r"/admin/\w+/\w+/", url):
            html = client.get(url).content.decode()
            rows = re.findall(r'name="_selected_action" value="([^"]+)"', html)
            actions = re.findall(r'<option value="(\w+)">', html.split('name="action"', 1)[-1].split("</select>", 1)[0])
            for action in actions if rows else []:
                response = client.post(url, {"action": action, "_selected_action": rows[:1]}, follow=True)
                if words := english_words(response.content.decode(), data):
                    problems[f"{action} on {url}"] = words
    return problems


@pytest.fixture
def content(report, region, category, editor, site_owner):
    """One row of everything the admin lists: reports in each state, a comment, a takedown notice
    (with its events, items and queued mail, so also task results), a failed login and a lockout."""
    services.report_create(
        title="定时发布的报告",
        region=region,
        category=category,
        date=datetime.date(2026, 3, 1),
        body="正文。",
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    CommentFactory(report=report)
    TakedownNoticeFactory(report=report)
    for _ in range(2):  # a wrong password, then a lockout of the address
        Client().post(
            "/admin/login/",
            {"username": "nobody", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Mozilla/5.0",
            HTTP_ACCEPT="text/html",
        )
    UserFactory(username="root", is_staff=True, is_superuser=True)
    return report


def data_words() -> set[str]:
    """The test's data that is written in Latin letters: slugs, user names, e-mail addresses."""
    words = {*BigRegion.objects.values_list("slug", flat=True), *Category.objects.values_list("slug", flat=True)}
    words |= set(Region.objects.values_list("slug", flat=True))
    words |= set(get_user_model().objects.values_list("username", flat=True)) | {"nobody", "factory"}
    # What django-axes stores for a login without a User-Agent header (the test client's force_login).
    words.add("<unknown>")
    return words


@pytest.mark.parametrize("username", ["bianji", "zhanzhang", "root"])
def test_every_admin_page_a_role_can_reach_is_chinese(content, settings, username, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    data = data_words()

    problems, pages = walk(client, data)
    problems |= forms_and_actions(client, data, pages)

    assert len(pages) > 20
    by_word = {}
    for url, words in problems.items():
        for word, text in words.items():
            by_word.setdefault(word, f"{text!r} on {url}")
    assert by_word == {}
