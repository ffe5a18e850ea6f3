"""Admin login throttling (django-axes): wrong passwords lock the username and the address."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.models import LoginLockout
from portal.roles import EDITORS, SITE_OWNERS
from tests.factories import UserFactory
from tests.portal.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
LOCKED = "登录失败次数过多"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    return 5


@pytest.fixture
def staff(db):
    return UserFactory(username="bianji", is_staff=True, groups=[EDITORS])


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def lock_out(client: Client, username: str, limit: int) -> list[int]:
    return [log_in(client, username, f"wrong-{n}").status_code for n in range(limit)]


def test_thirty_wrong_passwords_lock_the_login_and_the_right_one_is_refused(client, staff, limit):
    statuses = [log_in(client, "bianji", f"guess-{n}").status_code for n in range(30)]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert statuses[limit - 1 :] == [429] * (30 - limit + 1)

    response = log_in(client, "bianji", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "30 分钟后再试" in html and "登录锁定" in html
    assert "返回首页" in html  # the site's own error page, not a bare text
    assert response["Retry-After"] == "1800"
    assert not logged_in(client)

    # Recorded: every failure (those after the limit marked as locked out), and the lockout itself.
    assert AccessFailureLog.objects.filter(username="bianji").count() == 31
    assert AccessFailureLog.objects.filter(username="bianji", locked_out=True).count() == 31 - limit + 1
    assert AccessAttempt.objects.get(username="bianji").failures_since_start == 31


def test_the_same_username_from_another_address_is_locked(client, staff, limit):
    lock_out(client, "bianji", limit)
    elsewhere = Client(REMOTE_ADDR="203.0.113.2")
    response = log_in(elsewhere, "bianji", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(elsewhere)


def test_another_username_from_the_same_address_is_locked(client, staff, limit):
    UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    lock_out(client, "no-such-user", limit)  # the address is locked even for names that do not exist
    response = log_in(client, "zhanzhang", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)


def test_others_still_log_in(client, staff, limit):
    UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    lock_out(client, "bianji", limit)
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert log_in(other, "zhanzhang", PASSWORD).status_code == 302
    assert logged_in(other)


def test_fewer_failures_than_the_limit_do_not_lock(client, staff, limit):
    lock_out(client, "bianji", limit - 1)
    assert log_in(client, "bianji", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, staff, limit, settings):
    lock_out(client, "bianji", limit)
    assert log_in(client, "bianji", PASSWORD).status_code == 429
    # Instead of waiting half an hour: the failures happened longer ago than the cool-off time.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31))
    assert log_in(client, "bianji", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_address_comes_from_the_trusted_proxy_header(staff, limit, settings):
    """Behind the proxy every request comes from 10.0.0.1: the lock must follow the client the proxy
    names (the last address of the header), not the proxy, nor what the client wrote before it."""
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    UserFactory(username="shenhe", is_staff=True, groups=[EDITORS])
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    lock_out(attacker, "shenhe", limit)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}

    spoofing = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert log_in(spoofing, "bianji", PASSWORD).status_code == 429
    reader = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert log_in(reader, "zhanzhang", PASSWORD).status_code == 302


def unlock(client: Client, username: str):
    ids = [str(pk) for pk in LoginLockout.objects.filter(username=username).values_list("pk", flat=True)]
    changelist = reverse("admin:portal_loginlockout_changelist")
    return client.post(changelist, {"action": "unlock", "_selected_action": ids}, follow=True)


def test_a_site_owner_unlocks_in_admin(client, staff, limit):
    lock_out(client, "bianji", limit)
    lock_out(Client(REMOTE_ADDR="203.0.113.2"), "bianji", 2)
    owner = Client(REMOTE_ADDR="198.51.100.30")
    owner.force_login(UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS]))
    index = owner.get(reverse("admin:index")).content.decode()
    assert "登录锁定" in index and "登录失败记录" in index
    page = owner.get(reverse("admin:portal_loginlockout_changelist"), {"q": "bianji"}).content.decode()
    assert "bianji" in page and "解除锁定" in page and "已锁定" in page and "还可尝试 3 次" in page

    response = unlock(owner, "bianji")
    assert response.status_code == 200 and "已解除锁定" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert AccessFailureLog.objects.filter(username="bianji").count() == limit + 2  # the record stays
    assert log_in(client, "bianji", PASSWORD).status_code == 302
    assert logged_in(client)


def test_editors_cannot_see_or_lift_lockouts(client, staff, limit):
    lock_out(client, "bianji", limit)
    editor = Client(REMOTE_ADDR="198.51.100.31")
    editor.force_login(UserFactory(username="shenhe", is_staff=True, groups=[EDITORS]))
    assert "登录锁定" not in editor.get(reverse("admin:index")).content.decode()
    for name in ("loginlockout", "loginfailure", "loginrecord"):
        assert editor.get(reverse(f"admin:portal_{name}_changelist")).status_code == 403
    assert unlock(editor, "bianji").status_code == 403
    assert AccessAttempt.objects.filter(username="bianji").exists()
    assert log_in(client, "bianji", PASSWORD).status_code == 429


def test_site_owners_alone_hold_the_lockout_permissions():
    owners = set(Group.objects.get(name=SITE_OWNERS).permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    wanted = {"view_loginlockout", "delete_loginlockout", "view_loginfailure", "view_loginrecord"}
    assert wanted <= owners
    assert not {p for p in editors if p.startswith(("view_login", "delete_login", "view_access"))}


def test_limit_and_cool_off_come_from_the_environment():
    code = "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    configured = {**PRODUCTION, "DJANGO_LOGIN_FAILURE_LIMIT": "3", "DJANGO_LOGIN_COOLOFF_MINUTES": "90"}
    assert manage("shell", "--verbosity", "0", "-c", code, env=configured).stdout.split() == ["3", "1:30:00"]
    forever = {**PRODUCTION, "DJANGO_LOGIN_COOLOFF_MINUTES": "0"}
    assert manage("shell", "--verbosity", "0", "-c", code, env=forever).stdout.split() == ["5", "None"]
