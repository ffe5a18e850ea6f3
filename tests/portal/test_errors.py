import pytest
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
