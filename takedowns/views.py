from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from portal import captcha
from portal.pagination import page_of

from . import selectors, services
from .forms import FILES_NOT_KEPT, CounterNoticeForm, NoticeForm
from .models import NoticeStatus, TakedownNotice
from .tokens import counter_token_is_valid

RECEIPT_SESSION_KEY = "takedown_receipt"
RETRY_AFTER_SECONDS = 300  # a full disk takes an operator to clear


def _hosts(request: HttpRequest) -> list[str]:
    return [request.get_host().rsplit(":", 1)[0], *[h for h in settings.ALLOWED_HOSTS if h not in ("*", "")]]


@never_cache
def notice_create(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        status = 400
        form = NoticeForm(request.POST, request.FILES, hosts=_hosts(request), captcha_client=captcha.client_of(request))
        if form.is_valid():
            try:
                notice = services.notice_create(**form.service_arguments())
            except ValidationError as error:
                form.add_error(None, error)
            except services.UploadsNotSaved as error:
                form.add_error(None, error.message)
                status = 503
            else:
                request.session[RECEIPT_SESSION_KEY] = notice.receipt
                return redirect("takedowns:received")
    else:
        form = NoticeForm(hosts=_hosts(request), captcha_client=captcha.client_of(request))
    return _form_page(request, "takedowns/notice_form.html", {"form": form}, status=status)


def _form_page(request: HttpRequest, template: str, context: dict, *, status: int) -> HttpResponse:
    """A form again, with what was typed; files are never kept (FILES_NOT_KEPT). A 503 (the uploads
    could not be written) says when to try again."""
    form = context["form"]
    response = render(
        request, template, {**context, "files_not_kept": FILES_NOT_KEPT if form.is_bound else ""}, status=status
    )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
def notice_received(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    notice = TakedownNotice.objects.filter(receipt=receipt).only("receipt", "email", "created_at").first()
    if notice is None:
        return redirect("takedowns:notice")
    return render(request, "takedowns/received.html", {"notice": notice})


def _counter_refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "takedowns/counter_refused.html", {"message": message}, status=status)


@never_cache
def counter_notice_create(request: HttpRequest, receipt: str) -> HttpResponse:
    # The token is checked before the receipt is looked up, and an unknown receipt is refused in the
    # same words: receipts are sequential, so any difference would tell which notices exist.
    token = request.GET.get("token", "")
    notice = None
    if counter_token_is_valid(receipt, token):
        notice = TakedownNotice.objects.filter(receipt=receipt).prefetch_related("items").first()
    if notice is None:
        return _counter_refused(request, "链接无效或已过期，请使用邮件中的完整链接，或直接联系本站。", 403)
    if notice.status != NoticeStatus.UPHELD:
        message = (
            "该投诉已收到反通知，无需重复提交。"
            if notice.status in (NoticeStatus.COUNTER_NOTICE, NoticeStatus.RESTORED, NoticeStatus.KEPT_RESTRICTED)
            else "该投诉当前不处于可提交反通知的状态。"
        )
        return _counter_refused(request, message, 409)
    status = 200
    if request.method == "POST":
        status = 400
        form = CounterNoticeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.counter_notice_create(notice=notice, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except services.UploadsNotSaved as error:
                form.add_error(None, error.message)
                status = 503
            else:
                notice.refresh_from_db()
                return render(request, "takedowns/counter_received.html", {"notice": notice})
    else:
        form = CounterNoticeForm()
    return _form_page(request, "takedowns/counter_form.html", {"form": form, "notice": notice}, status=status)


def transparency(request: HttpRequest) -> HttpResponse:
    page = page_of(Paginator(selectors.transparency_notices(), 50), request.GET.get("page"))
    response = render(request, "takedowns/transparency.html", {"page": page})
    patch_cache_control(response, public=True, max_age=300)
    return response
