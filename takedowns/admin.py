"""Site owners work notices here. Notices are never edited or deleted as records: every change is
a workflow step (a service call) that appends an event."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portal.admin_base import ReadOnlyMixin

from . import masking, services
from .forms import CounterNoticeForm
from .models import (
    OPEN_STATUSES,
    CounterNotice,
    NoticeStatus,
    TakedownAttachment,
    TakedownEvent,
    TakedownItem,
    TakedownNotice,
)
from .tokens import counter_url

# action → (button label, target state, service, message when done)
DECISIONS = {
    "review": ("开始审核", NoticeStatus.UNDER_REVIEW, services.notice_start_review, "已开始审核。"),
    "uphold": ("投诉成立：屏蔽内容", NoticeStatus.UPHELD, services.notice_uphold, "内容已屏蔽，已通知投诉人。"),
    "reject": ("投诉不成立：驳回", NoticeStatus.REJECTED, services.notice_reject, "已驳回，已通知投诉人。"),
    "withdraw": ("登记投诉人撤回", NoticeStatus.WITHDRAWN, services.notice_withdraw, "已登记撤回。"),
    "keep": (
        "投诉人已起诉或投诉：维持屏蔽",
        NoticeStatus.KEPT_RESTRICTED,
        services.notice_keep_restricted,
        "已维持屏蔽。",
    ),
}


def sees_personal_data(request: HttpRequest) -> bool:
    """Contact and ID data (in fields and in attachments) are kept to site owners."""
    return request.user.has_perm(services.DECIDE_PERMISSION)


def _masked(field: str):
    mask = masking.MASKS[field]

    @admin.display(description=TakedownNotice._meta.get_field(field).verbose_name)
    def show(self, obj):
        return mask(getattr(obj, field))

    return show


class MaskedPersonalDataMixin:
    """Editors get each personal field (masking.MASKS) as its masked twin `masked_<field>`; site
    owners get the field itself."""

    masked_id_number = _masked("id_number")
    masked_address = _masked("address")
    masked_phone = _masked("phone")
    masked_email = _masked("email")

    def personal_fields(self, request: HttpRequest, fields: list[str]) -> list[str]:
        if sees_personal_data(request):
            return list(fields)
        return [f"masked_{field}" if field in masking.MASKS else field for field in fields]


class ReadOnlyInlineMixin(ReadOnlyMixin):
    """The record of a notice is never edited in place: decisions go through the services."""

    extra = 0
    can_delete = False


class ReadOnlyInline(ReadOnlyInlineMixin, admin.TabularInline):
    pass


class ItemInline(ReadOnlyInline):
    model = TakedownItem
    fields = ["kind", "link", "report"]
    readonly_fields = fields

    @admin.display(description="网址")
    def link(self, item):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', item.address, item.address)


class AttachmentInline(ReadOnlyInline):
    model = TakedownAttachment
    view_on_site = False
    fields = ["kind", "download", "content_type", "size", "created_at"]
    readonly_fields = fields

    @admin.display(description="文件")
    def download(self, attachment):
        return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), attachment.original_name)


class CounterNoticeInline(MaskedPersonalDataMixin, ReadOnlyInlineMixin, admin.StackedInline):
    model = CounterNotice
    fields = ["name", "id_type", "id_number", "address", "phone", "email", "statement", "filed_by", "created_at"]

    def get_fields(self, request, obj=None):
        return self.personal_fields(request, self.fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


class EventInline(ReadOnlyInline):
    model = TakedownEvent
    fields = ["created_at", "actor_label", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields
    ordering = ["created_at", "id"]


@admin.register(TakedownNotice)
class TakedownNoticeAdmin(MaskedPersonalDataMixin, admin.ModelAdmin):
    list_display = ["receipt", "status", "legal_basis", "claimant", "work_title", "created_at", "age"]
    list_filter = ["status", "legal_basis"]
    search_fields = ["receipt", "claimant_name", "claimant_organisation", "email", "items__address"]
    search_help_text = "按受理编号、投诉人、邮箱或网址搜索"
    date_hierarchy = "created_at"
    change_form_template = "takedowns/admin/notice_change_form.html"
    view_on_site = False
    inlines = [ItemInline, AttachmentInline, CounterNoticeInline, EventInline]
    fieldsets = [
        ("处理", {"fields": ["receipt", "status", "legal_basis", "created_at", "decided_at", "restore_due_at"]}),
        (
            "权利人",
            {
                "fields": [
                    "claimant_name",
                    "claimant_organisation",
                    "id_type",
                    "id_number",
                    "address",
                    "phone",
                    "email",
                    "filed_by_agent",
                    "agent_name",
                ]
            },
        ),
        ("作品与证明", {"fields": ["work_title", "right_claimed", "evidence_text", "declaration"]}),
    ]

    class Media:
        css = {"all": ["takedowns/admin.css"]}  # the overdue marks (age) and the decision forms

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self.personal_fields(request, options["fields"])})
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [field for _, options in self.get_fieldsets(request, obj) for field in options["fields"]]

    def get_search_fields(self, request):
        # Searching by email would confirm an address the editor cannot see.
        if sees_personal_data(request):
            return self.search_fields
        return [field for field in self.search_fields if field not in masking.MASKS]

    def has_add_permission(self, request):
        return False  # notices come from the public form

    def has_change_permission(self, request, obj=None):
        return False  # changes are workflow steps, below

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="投诉方")
    def claimant(self, notice):
        return notice.claimant_organisation or notice.claimant_name

    @admin.display(description="已等待")
    def age(self, notice):
        if notice.status not in OPEN_STATUSES:
            return "—"
        hours = int((timezone.now() - notice.created_at).total_seconds() // 3600)
        target = settings.TAKEDOWN_SERVICE_TARGET_HOURS
        text = f"{hours} 小时"
        if hours >= target:
            return format_html('<strong class="takedown-overdue">{}（超时）</strong>', text)
        return text

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/<str:action>/", view(self.decide_view), name="takedowns_takedownnotice_decide"),
            path("<int:pk>/counter/", view(self.counter_view), name="takedowns_takedownnotice_counter"),
            path("attachment/<int:pk>/", view(self.attachment_view), name="takedowns_takedownattachment_download"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        notice = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if notice is not None:
            may_decide = request.user.has_perm(services.DECIDE_PERMISSION)
            allowed = services.ALLOWED_TRANSITIONS.get(notice.status, set())
            extra_context["decisions"] = [
                (action, label, target in (NoticeStatus.REJECTED, NoticeStatus.KEPT_RESTRICTED))
                for action, (label, target, _, _) in DECISIONS.items()
                if may_decide and target in allowed
            ]
            extra_context["may_file_counter"] = notice.status == NoticeStatus.UPHELD and request.user.has_perm(
                "takedowns.add_counternotice"
            )
            if may_decide and notice.status == NoticeStatus.UPHELD:
                extra_context["counter_link"] = counter_url(notice.receipt)
        response = super().change_view(request, object_id, form_url, extra_context)
        # One event per page shown: the page is where a site owner sees the data in full.
        shown = notice is not None and request.method == "GET" and response.status_code == 200
        if shown and sees_personal_data(request):
            services.notice_personal_data_viewed(notice=notice, viewer=request.user)
        return response

    def decide_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:takedowns_takedownnotice_change", args=[pk]))
        if action not in DECISIONS:
            raise Http404("没有这个操作")
        if not request.user.has_perm(services.DECIDE_PERMISSION):
            raise PermissionDenied("只有站长可以处理版权投诉。")
        notice = get_object_or_404(TakedownNotice, pk=pk)
        _, _, service, done = DECISIONS[action]
        note = request.POST.get("note", "").replace("\x00", "")[:2000]
        try:
            service(notice=notice, actor=request.user, note=note)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"{notice.receipt}：{done}", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:takedowns_takedownnotice_change", args=[pk]))

    def counter_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Staff enter a counter-notice received by letter or email."""
        if not request.user.has_perm("takedowns.add_counternotice"):
            raise PermissionDenied("您没有登记反通知的权限。")
        notice = get_object_or_404(TakedownNotice, pk=pk)
        change_url = reverse("admin:takedowns_takedownnotice_change", args=[pk])
        if notice.status != NoticeStatus.UPHELD:
            self.message_user(request, "只有已屏蔽的投诉可以登记反通知。", messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = CounterNoticeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.counter_notice_create(notice=notice, filed_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"{notice.receipt}：已登记反通知并转送投诉人。", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "notice": notice,
            "form": form,
            "title": f"登记反通知：{notice.receipt}",
        }
        return TemplateResponse(request, "takedowns/admin/counter_form.html", context)

    def attachment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Evidence may show identity documents: site owners only, never cached, always downloaded."""
        if not sees_personal_data(request):
            raise PermissionDenied("只有站长可以查看投诉附件。")
        attachment = get_object_or_404(TakedownAttachment.objects.select_related("notice"), pk=pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404("附件文件不存在") from None
        note = f"下载了附件“{attachment.original_name}”（{attachment.get_kind_display()}）"
        services.notice_personal_data_viewed(notice=attachment.notice, viewer=request.user, note=note)
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(TakedownEvent)
class TakedownEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit log of every notice, read-only."""

    list_display = ["created_at", "notice", "actor_label", "kind", "from_status", "to_status", "note"]
    list_filter = ["kind", "to_status"]
    list_select_related = ["notice"]
    search_fields = ["notice__receipt", "actor_label", "note"]
