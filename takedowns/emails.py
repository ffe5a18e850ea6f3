"""Mail to the people a notice concerns. Called from services inside the transaction of the change
each message reports: the message is rendered now, as of that change, and queued in the outbox,
which delivers it after the commit (and retries while the mail server is down)."""

from django.conf import settings
from django.template.loader import render_to_string

from outbox.services import email_queue
from portal.models import SiteConfiguration

from .models import CounterNotice, ItemKind, NoticeStatus, TakedownNotice
from .tokens import counter_url


def _send(*, template: str, to: str, context: dict) -> None:
    site = SiteConfiguration.current()
    context = {"site": site, "site_url": settings.TAKEDOWN_SITE_URL.rstrip("/"), **context}
    subject = render_to_string(f"takedowns/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"takedowns/email/{template}.txt", context)
    email_queue(to=to, subject=f"【{site.site_name}】{subject}", body=body)


def send_receipt(notice: TakedownNotice) -> None:
    _send(template="receipt", to=notice.email, context={"notice": notice, "items": list(notice.items.all())})


def send_decision(notice: TakedownNotice, *, reason: str = "") -> None:
    _send(
        template="decision",
        to=notice.email,
        context={
            "notice": notice,
            "items": list(notice.items.all()),
            "upheld": notice.status == NoticeStatus.UPHELD,
            "reason": reason,
        },
    )


def forward_notice_to_providers(notice: TakedownNotice) -> None:
    """条例 Art. 15: the notice goes to whoever provided the content, with the link for a counter-notice."""
    for item in notice.items.filter(kind=ItemKind.COMMENT).select_related("comment"):
        email = item.comment.email
        if email:
            _send(
                template="forwarded_notice",
                to=email,
                context={"notice": notice, "item": item, "counter_url": counter_url(notice.receipt)},
            )


def forward_counter_notice(notice: TakedownNotice, counter: CounterNotice) -> None:
    """条例 Art. 17 / 民法典 Art. 1196: the provider's statement goes to the claimant (saying whether
    the content is restored already, after a zero waiting period, or when it will be)."""
    _send(
        template="forwarded_counter_notice",
        to=notice.email,
        context={"notice": notice, "counter": counter, "items": list(notice.items.all())},
    )


def send_restored(notice: TakedownNotice) -> None:
    _send(template="restored", to=notice.email, context={"notice": notice, "items": list(notice.items.all())})
