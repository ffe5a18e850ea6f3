from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from reports.models import ReportStatus
from takedowns.responses import restricted_report_response

from . import selectors
from .downloads import attachment_header


def original_download(request: HttpRequest, report_id: int) -> HttpResponse:
    """下载原文: the file a public report was imported from. Drafts and withdrawn reports have none
    for readers (404); a report restricted after a copyright notice answers 451, as its article."""
    report = selectors.report_with_original(report_id)
    if report is None:
        raise Http404("没有这篇报告")
    if report.status == ReportStatus.PUBLISHED and report.is_restricted:
        return restricted_report_response(request, report)
    original = selectors.original_of(report)
    if not report.is_public or original is None:
        raise Http404("这篇报告没有可下载的原文")
    try:
        handle = original.file.open("rb")
    except FileNotFoundError:
        raise Http404("原文文件已不存在") from None
    response = FileResponse(handle, content_type=original.content_type)
    response["Content-Length"] = original.size
    response["Content-Disposition"] = attachment_header(original.file_name, default_stem=f"report-{report.pk}")
    # Readers re-check with the server each time, so a report withdrawn or restricted stops being
    # downloadable at once, from browsers' and proxies' caches too.
    patch_cache_control(response, public=True, no_cache=True, max_age=0)
    return response
