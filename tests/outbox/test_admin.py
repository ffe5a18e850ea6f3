import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from outbox import services
from outbox.models import EmailStatus, OutgoingEmail
from portal.roles import EDITORS, SITE_OWNERS
from tests.mailworker import deliver_queued_mail, let_the_backoff_pass

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:outbox_outgoingemail_changelist")


@pytest.fixture
def failed_email(settings, mail_server_down):
    """A receipt that could not be delivered in two attempts."""
    settings.MAIL_MAX_ATTEMPTS = 2
    email = services.email_queue(to="claimant@example.com", subject="版权投诉已受理（TD-2026-000001）", body="正文")
    deliver_queued_mail()
    let_the_backoff_pass()
    deliver_queued_mail()
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    return email


def test_only_site_owners_see_and_resend_mail():
    owners = set(Group.objects.get(name=SITE_OWNERS).permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    assert {"view_outgoingemail", "resend_outgoingemail"} <= owners
    assert not {p for p in editors if "outgoingemail" in p}


@pytest.mark.parametrize("query", ["", "?q=claimant", "?status__exact=failed"])
def test_site_owners_see_failed_mail_and_why(client, site_owner, failed_email, query):
    client.force_login(site_owner)
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "claimant@example.com" in html and "发送失败" in html and "ConnectionRefusedError" in html
    detail = client.get(reverse("admin:outbox_outgoingemail_change", args=[failed_email.pk]))
    assert detail.status_code == 200 and "正文" in detail.content.decode()


def test_editors_do_not_see_mail(client, editor, failed_email):
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 403
    assert "outbox-panel" not in client.get(reverse("admin:index")).content.decode()


def test_the_admin_index_tells_site_owners_that_mail_failed(client, site_owner, failed_email):
    client.force_login(site_owner)
    html = client.get(reverse("admin:index")).content.decode()
    assert "outbox-panel" in html and "1 封邮件多次尝试后发送失败" in html


def test_a_site_owner_sends_failed_mail_again_once_the_server_is_fixed(client, settings, site_owner, failed_email):
    sent = services.email_queue(to="other@example.com", subject="已送达", body="正文")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}  # fixed
    deliver_queued_mail()
    assert [m.to for m in mail.outbox] == [["other@example.com"]]
    client.force_login(site_owner)

    response = client.post(
        CHANGELIST, {"action": "resend", "_selected_action": [failed_email.pk, sent.pk]}, follow=True
    )
    assert "已重新排队发送 1 封邮件" in response.content.decode()
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.QUEUED and failed_email.attempts == 0
    assert deliver_queued_mail() == 1
    assert [m.to for m in mail.outbox] == [["other@example.com"], ["claimant@example.com"]]
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.SENT


def test_editors_cannot_resend(editor, failed_email):
    with pytest.raises(PermissionDenied) as refused:
        services.emails_resend(emails=OutgoingEmail.objects.all(), actor=editor)
    assert "只有站长" in str(refused.value)
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.FAILED
