import datetime

import pytest
from captcha.models import CaptchaStore
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_housekeeping_removes_expired_captchas_and_forgets_old_addresses(report, settings, capsys):
    settings.COMMENTS_ANONYMISE_AFTER_DAYS = 30
    expired = CaptchaStore.objects.create(challenge="ABCD", response="abcd")
    CaptchaStore.objects.filter(pk=expired.pk).update(expiration=timezone.now() - datetime.timedelta(minutes=1))
    live = CaptchaStore.objects.create(challenge="EFGH", response="efgh")
    old = CommentFactory(report=report, ip="203.0.113.1", user_agent="Old/1.0")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    recent = CommentFactory(report=report, ip="203.0.113.2", user_agent="New/1.0")

    call_command("housekeeping")

    assert list(CaptchaStore.objects.values_list("pk", flat=True)) == [live.pk]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip, old.user_agent) == (None, "")
    assert (recent.ip, recent.user_agent) == ("203.0.113.2", "New/1.0")
    assert old.body and old.status == "approved"  # the comment itself stays
    assert "1 comment(s) older than 30 days" in capsys.readouterr().out
