"""The revision history in the report admin: the change form's “历史” opens the list of versions,
each version its differences, and a version can be restored. Staff only, as the whole admin is:
a report taken down keeps its text out of every public page, history included."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import diffing, selectors, services


class ReportHistoryAdminMixin:
    """For the Report ModelAdmin. URL names: admin:reports_report_history (the versions),
    admin:reports_report_revision and admin:reports_report_restore (object_id, number)."""

    @property
    def _prefix(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}"

    def get_urls(self):
        prefix = self._prefix
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/<int:number>/", view(self.revision_view), name=f"{prefix}_revision"),
            path("<path:object_id>/history/<int:number>/restore/", view(self.restore_view), name=f"{prefix}_restore"),
            *super().get_urls(),
        ]

    def _report_or_404(self, request, object_id):
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404("没有这篇报告（可能已被删除）。")
        if not self.has_view_or_change_permission(request, report):
            raise PermissionDenied
        return report

    def _context(self, request, report, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "object": report,
            "module_name": self.opts.verbose_name_plural,
            "can_restore": self.has_change_permission(request, report),
        }

    def history_view(self, request, object_id, extra_context=None):
        report = self._report_or_404(request, object_id)
        revisions = selectors.report_revisions(report=report)
        context = {
            **self._context(request, report, f"修订历史：{report}"),
            "revisions": list(reversed(revisions)),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/revisions/report_history.html", context)

    def revision_view(self, request, object_id, number):
        report = self._report_or_404(request, object_id)
        revision = selectors.report_revision(report=report, number=number)
        if revision is None:
            raise Http404("没有这个修订。")
        previous = revision.previous or revision.state
        title_old, title_new = diffing.inline_diff(previous["title"], revision.state["title"])
        context = {
            **self._context(request, report, f"修订 {number}：{report}"),
            "revision": revision,
            "title_old": title_old,
            "title_new": title_new,
            "body_diff": diffing.body_diff(previous["body"], revision.state["body"]),
            "other_fields": [change for change in revision.fields if change.attname not in selectors.LONG_TEXT],
        }
        return TemplateResponse(request, "admin/revisions/report_revision.html", context)

    def restore_view(self, request, object_id, number):
        report = self._report_or_404(request, object_id)
        revision_url = reverse(f"admin:{self._prefix}_revision", args=[report.pk, number])
        if request.method != "POST":
            return HttpResponseRedirect(revision_url)
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        revision = selectors.report_revision(report=report, number=number)
        if revision is None:
            raise Http404("没有这个修订。")
        try:
            services.report_restore(report=report, revision=revision, user=request.user)
        except ValidationError as error:
            self.message_user(request, f"没有还原：{'；'.join(error.messages)}", messages.ERROR)
            return HttpResponseRedirect(revision_url)
        self.message_user(
            request,
            f"已把内容还原到修订 {number}（这次还原也已记入修订历史）。发布状态和投诉屏蔽没有改变。",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"admin:{self._prefix}_history", args=[report.pk]))
