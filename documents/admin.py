from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from reports.models import Report

from . import selectors, services
from .downloads import attachment_header
from .extraction import DocumentError, check_size
from .forms import DocumentImportForm
from .models import Original


@admin.register(Original)
class OriginalAdmin(admin.ModelAdmin):
    """The originals reports were imported from; they are added by 从文件导入, never by hand."""

    list_display = ["file_name", "report_link", "kind", "size", "created_at", "download"]
    list_filter = ["kind"]
    list_select_related = ["report"]
    search_fields = ["file_name", "report__title"]
    search_help_text = "按文件名或报告标题搜索"
    fields = ["report_link", "file_name", "kind", "size", "sha256", "created_at", "download"]
    readonly_fields = fields
    view_on_site = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.original_remove(original=obj)

    def delete_queryset(self, request, queryset):
        for original in queryset.select_related("report"):
            services.original_remove(original=original)

    @admin.display(description="报告")
    def report_link(self, original):
        url = reverse("admin:reports_report_change", args=[original.report_id])
        return format_html('<a href="{}">{}</a>', url, original.report.title)

    @admin.display(description="文件")
    def download(self, original):
        url = reverse("admin:documents_original_download", args=[original.pk])
        return format_html('<a href="{}">下载</a>', url)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="documents_import"),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="documents_original_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Staff read the original of any report, drafts included, to check an import."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        original = get_object_or_404(Original, pk=pk)
        try:
            handle = original.file.open("rb")
        except FileNotFoundError:
            raise Http404("原文文件已不存在") from None
        response = FileResponse(handle, content_type=original.content_type)
        response["Content-Disposition"] = attachment_header(original.file_name, default_stem=f"original-{pk}")
        response["Cache-Control"] = "private, no-store"
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """从文件导入: each uploaded file becomes a draft report, or a message naming it says why not."""
        if not request.user.has_perm("reports.add_report"):
            raise PermissionDenied
        form = DocumentImportForm(request.POST or None, request.FILES or None)
        imported: list[Report] = []
        refused: list[str] = []
        if request.method == "POST" and form.is_valid():
            defaults = services.ImportDefaults(
                category=form.cleaned_data["category"],
                region=form.cleaned_data["region"],
                date=form.cleaned_data["date"],
            )
            vocabulary = selectors.vocabulary()
            for upload in form.cleaned_data["files"]:
                try:
                    check_size(upload.name, upload.size)  # before reading it into memory
                    report = services.document_import(
                        name=upload.name, content=upload.read(), defaults=defaults, vocabulary=vocabulary
                    )
                except DocumentError as error:
                    refused.append(str(error))
                else:
                    imported.append(report)
            if len(imported) == 1 and not refused:
                self.message_user(
                    request,
                    f"已从文件导入草稿“{imported[0].title}”。请核对标题、日期、地区、栏目和正文，确认无误后发布。",
                    messages.SUCCESS,
                )
                return redirect("admin:reports_report_change", imported[0].pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "从文件导入报告",
            "opts": Report._meta,
            "form": form,
            "imported": imported,
            "refused": refused,
            "submitted": request.method == "POST" and form.is_valid(),
        }
        return TemplateResponse(request, "documents/admin/import.html", context)
