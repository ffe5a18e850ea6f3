import pytest
from django.conf import settings
from django.test import Client

from portal import views

pytestmark = pytest.mark.django_db


def test_404_is_a_chinese_page_with_a_way_back(client):
    response = client.get("/no/such/page/here/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'href="/"' in html and "导航菜单" in html


def test_500_page_renders_without_the_database(rf):
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出了点问题" in response.content.decode() and 'href="/"' in response.content.decode()


@pytest.mark.parametrize(
    "view,status,text", [(views.bad_request, 400, "请求有误"), (views.permission_denied, 403, "无权访问")]
)
def test_4xx_pages(rf, view, status, text):
    response = view(rf.get("/"), exception=Exception())
    assert response.status_code == status and text in response.content.decode()


def test_missing_csrf_token_is_a_chinese_403(report):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "请刷新页面后重试" in response.content.decode()


def test_oversized_query_strings_are_handled(client, report):
    assert client.get("/baogao/", {"page": "1" * 100_000}).status_code == 200


@pytest.fixture
def lenient_client():
    """A client that gets the error page a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


def assert_chinese_error_page(response, status: int, text: str) -> None:
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    assert text in html and 'href="/"' in html and "导航菜单" in html


@pytest.mark.parametrize("path", ["/", "/no/such/page/", "/search/?q=报告"])
def test_a_host_that_is_not_ours_gets_the_400_page(lenient_client, report, path):
    response = lenient_client.get(path, HTTP_HOST="evil.example")
    assert_chinese_error_page(response, 400, "不属于本站")


def test_a_form_posted_with_a_host_that_is_not_ours_gets_the_400_page(lenient_client, report):
    response = lenient_client.post("/takedown/", {"claimant_name": "张三"}, HTTP_HOST="evil.example")
    assert_chinese_error_page(response, 400, "不属于本站")


def too_many_fields(path: str) -> str:
    query = "&".join(f"f{number}=1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    return f"{path}{'&' if '?' in path else '?'}{query}"


@pytest.mark.parametrize(
    "page,status,text",
    [
        ("home", 400, "参数太多"),
        ("category", 400, "参数太多"),
        ("region", 400, "参数太多"),
        ("search", 400, "参数太多"),
        ("missing", 404, "页面不存在"),
        ("article", 200, "导航菜单"),  # reads no parameters, so has nothing to refuse
    ],
)
def test_too_many_query_parameters_get_the_400_page(lenient_client, report, page, status, text):
    path = {
        "home": "/",
        "category": report.category.get_absolute_url(),
        "region": report.region.get_absolute_url(),
        "search": "/search/?q=报告",
        "article": report.get_absolute_url(),
        "missing": "/no/such/page/",
    }[page]
    response = lenient_client.get(too_many_fields(path))
    assert_chinese_error_page(response, status, text)


def test_an_address_in_broken_encoding_is_answered_in_chinese(lenient_client, report):
    response = lenient_client.get("/%FF%FE/", QUERY_STRING="q=%FF%FE%C3")
    assert_chinese_error_page(response, 404, "页面不存在")
    assert lenient_client.get("/search/", QUERY_STRING="q=%FF%FE%C3").status_code == 200


def test_error_pages_have_no_canonical_address(client, report):
    html = client.get("/no/such/page/").content.decode()
    assert 'rel="canonical"' not in html and 'name="robots" content="noindex"' in html


def test_a_database_error_is_a_503_with_retry_after(rf):
    from django.db import OperationalError

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = views.server_error(rf.get("/"))
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "暂时无法访问" in html and "no-store" in response["Cache-Control"]
    assert "<style" not in html and "standalone.css" in html  # styled without inline CSS (CSP)
