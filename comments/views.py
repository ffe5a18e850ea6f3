"""The comment page (list and form, also the no-JavaScript way to comment), the tokens the article's
form fetches when a reader starts to comment, and posting.

The article itself only shows comments: it is cached and must not create a captcha, a session
or a cookie. Everything that does lives here and is never cached.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from portal import captcha
from portal.client import client_ip, from_script, user_agent
from reports.models import Report

from . import selectors, services
from .forms import CommentFlagForm, CommentForm, form_stamp
from .models import Comment, CommentStatus
from .validators import strip_invalid_characters

PAGE = "comments/comment_page.html"
FLAG_PAGE = "comments/flag_page.html"
CSRF_FAILED = "页面已过期，或者浏览器禁用了 Cookie：请允许本站 Cookie 后再次提交。"
TOO_BIG = "提交的内容太长了（评论最多 {limit} 字），请删减后再提交。"

# How each refusal of comments.services reaches the reader.
REJECTION_STATUS = {
    services.CommentsClosed: 403,
    services.FloodLimited: 429,
    services.DuplicateComment: 409,
    services.AlreadyFlagged: 409,
    services.FlagRateLimited: 429,
}


def _found(report: Report | None) -> Report:
    if report is None:
        raise Http404("这篇报告不存在或已下线")
    return report


def _id_from_query(value: str | None) -> int | None:
    if value and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def _uncached(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    patch_vary_headers(response, ["X-Requested-With"])
    return response


def _form_context(request: HttpRequest, report: Report, *, is_open: bool) -> dict:
    """The form (with the reader's captcha) for a new comment or a reply, or none where comments are closed."""
    parent = selectors.reply_parent(report=report, parent_id=_id_from_query(request.GET.get("parent")))
    context = {"report": report, "parent": parent, "is_open": is_open}
    if is_open:
        initial = {"parent": parent.pk if parent else None}
        context["form"] = CommentForm(report=report, captcha_client=captcha.client_of(request), initial=initial)
    return context


def comment_form_tokens(request: HttpRequest, report_id: int) -> JsonResponse:
    """What the article's form (CommentForm.for_script) needs from the server, fetched when the
    reader starts to comment: a captcha, the form's stamp and the CSRF token (and its cookie).
    The markup came with the cached article, so this is all a reader's form costs."""
    if not from_script(request):
        raise Http404("没有这个页面")  # only the script asks; a crawler following the address draws no captcha
    report = _found(selectors.commentable_report(report_id))
    if not selectors.comments_are_open(report=report):
        return _uncached(JsonResponse({"closed": services.COMMENTS_CLOSED}, status=403))
    key = captcha.draw(client=captcha.client_of(request))
    tokens = {
        "csrf_token": get_token(request),
        "stamp": form_stamp(report.pk),
        "captcha": captcha.for_script(key),
    }
    return _uncached(JsonResponse(tokens))


@csrf_exempt  # POST checks CSRF itself (see _comment_post), to answer in Chinese and keep the text
def comment_page(request: HttpRequest, report_id: int) -> HttpResponse:
    if request.method == "POST":
        return _comment_post(request, report_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    report = _found(selectors.public_report(report_id))
    section = selectors.comment_section(report=report, page=request.GET.get("page"))
    context = {"section": section, **_form_context(request, report, is_open=section.is_open)}
    posted = _id_from_query(request.GET.get("posted"))
    if posted is not None:
        context["posted"] = Comment.objects.filter(report=report, pk=posted).only("id", "status").first()
    return _uncached(render(request, PAGE, context))


def _comment_post(request: HttpRequest, report_id: int) -> HttpResponse:
    # Refuse big bodies before anything reads them, with a message instead of the generic 400.
    try:
        too_big = int(request.META.get("CONTENT_LENGTH") or 0) > settings.COMMENTS_MAX_REQUEST_BYTES
    except ValueError:
        too_big = True
    if too_big:
        return _uncached(
            render(
                request,
                "400.html",
                {"reason": TOO_BIG.format(limit=settings.COMMENTS_MAX_LENGTH)},
                status=413,
            )
        )
    report = selectors.commentable_report(report_id)
    if report is None:
        return _report_unavailable(request)
    form = CommentForm(request.POST, report=report, captcha_client=captcha.client_of(request))
    # The same check CsrfViewMiddleware makes; it returns a response only when the check fails.
    if CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None:
        return _redisplay(request, form, status=403, message=CSRF_FAILED)
    if not form.is_valid():
        return _redisplay(request, form, status=400)
    data = form.cleaned_data
    try:
        comment = services.comment_create(
            report=report,
            parent_id=data["parent"],
            nickname=data["nickname"],
            body=data["body"],
            email=data["email"],
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
    except services.ReportUnavailable:
        return _report_unavailable(request)
    except services.CommentRejected as rejection:
        status = REJECTION_STATUS.get(type(rejection), 400)
        return _redisplay(request, form, status=status, message=rejection.message)
    if from_script(request):
        # Only an approved comment changes the count read with the report.
        count = selectors.visible_count(report=report) if comment.status == CommentStatus.APPROVED else None
        context = {"report": report, "comment": comment, "count": count}
        return _uncached(render(request, f"{PAGE}#comment_posted", context, status=201))
    page = selectors.page_number_of(comment) if comment.status == CommentStatus.APPROVED else 1
    url = reverse("comments:page", kwargs={"report_id": report.pk})
    return redirect(f"{url}?page={page}&posted={comment.pk}#comment-posted")


def _report_unavailable(request: HttpRequest) -> HttpResponse:
    """A post to a report readers cannot see: nothing about the report (it may have been taken
    down), only the reader's own text to copy."""
    context = {"message": services.REPORT_UNAVAILABLE, "unsent": strip_invalid_characters(request.POST.get("body", ""))}
    return _uncached(render(request, "404.html", context, status=404))


def _redisplay(request: HttpRequest, form: CommentForm, *, status: int, message: str = "") -> HttpResponse:
    """A failed post: the form again with the reason, what the reader typed and a new captcha."""
    form = form.redisplay()
    report = form.report
    parent_value = (form.data if form.is_bound else form.initial).get("parent")
    parent = selectors.reply_parent(report=report, parent_id=_id_from_query(str(parent_value or "")))
    context = {"report": report, "form": form, "message": message, "parent": parent, "is_open": True}
    if from_script(request):
        return _uncached(render(request, f"{PAGE}#comment_form", context, status=status))
    if status == 429:
        return _uncached(render(request, "429.html", context, status=status))
    # The whole comment page shows the report's title and places, which a post does not read.
    context["report"] = report = selectors.public_report(report.pk)
    if report is None:
        return _report_unavailable(request)
    context["section"] = selectors.comment_section(report=report)
    return _uncached(render(request, PAGE, context, status=status))


@csrf_exempt  # POST checks CSRF itself, like a comment, to answer in Chinese and keep the text
def comment_flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Reporting a comment (举报): its own uncached page, linked from every comment, so that the
    cached article carries only a plain link and sets no cookie."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    comment = selectors.flaggable_comment(comment_id)
    if comment is None:
        return _uncached(render(request, "404.html", {"message": services.COMMENT_NOT_FLAGGABLE}, status=404))
    if request.method != "POST":
        return _flag_page(request, comment, CommentFlagForm(), status=200)
    form = CommentFlagForm(request.POST)
    if CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None:
        return _flag_page(request, comment, form.redisplay(), status=403, message=CSRF_FAILED)
    if not form.is_valid():
        return _flag_page(request, comment, form.redisplay(), status=400)
    try:
        services.comment_flag_create(
            comment_id=comment.pk,
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["detail"],
            ip=client_ip(request),
        )
    except services.CommentNotFlaggable as rejection:
        return _uncached(render(request, "404.html", {"message": rejection.message}, status=404))
    except services.AlreadyFlagged as rejection:  # nothing left to send: no form, only the answer
        return _flag_page(request, comment, None, status=409, message=rejection.message)
    except services.CommentRejected as rejection:
        status = REJECTION_STATUS.get(type(rejection), 400)
        return _flag_page(request, comment, form.redisplay(), status=status, message=rejection.message)
    return _flag_page(request, comment, None, status=200, sent=True)


def _flag_page(
    request: HttpRequest,
    comment: Comment,
    form: CommentFlagForm | None,
    *,
    status: int,
    message: str = "",
    sent: bool = False,
) -> HttpResponse:
    """The 举报 page: the form (again, with what was typed), the thanks, or why there is nothing to send."""
    context = {"comment": comment, "report": comment.report, "form": form, "message": message, "sent": sent}
    return _uncached(render(request, FLAG_PAGE, context, status=status))
