from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.functional import cached_property

from revisions.admin import ReportHistoryAdminMixin

from . import selectors, services
from .models import BigRegion, Category, Region, Report, ReportStatus


class CappedCountPaginator(Paginator):
    """Counts exactly up to a cap, then trusts the planner's estimate: COUNT(*) over a million
    reports on every changelist view would be the slowest part of the admin."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        exact = queryset.order_by()[: self.CAP + 1].count()
        if exact <= self.CAP:
            return exact
        sql, params = queryset.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        return max(int(plan[0]["Plan"]["Plan Rows"]), exact)


@admin.register(BigRegion)
class BigRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "description"]
    list_editable = ["position"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "level", "parent", "big_region", "slug"]
    list_filter = ["level", "big_region", "type"]
    search_fields = ["name", "code", "slug"]
    list_select_related = ["parent", "big_region"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["province", "prefecture"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete for a report's region: show larger units first.
        return queryset.order_by("level", "code"), may_have_duplicates

    def save_model(self, request, obj, form, change):
        services.region_save(region=obj)


class ProvinceFilter(admin.SimpleListFilter):
    title = "省份"
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(str(r.pk), r.name) for r in Region.objects.provinces().only("id", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(province_id=int(self.value()))
        return queryset


class YearFilter(admin.SimpleListFilter):
    title = "年份"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), f"{year}年") for year in selectors.years_with_reports()]

    def queryset(self, request, queryset):
        year = selectors.parse_year(self.value())
        return queryset if year is None else queryset.filter(date__year=year)


class ScheduledFilter(admin.SimpleListFilter):
    title = "定时发布"
    parameter_name = "scheduled"

    def lookups(self, request, model_admin):
        return [("yes", "已定时"), ("no", "未定时")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.scheduled()
            case "no":
                return queryset.filter(publish_at=None)
        return queryset


class ReportAdminForm(forms.ModelForm):
    """The admin's form of a report (ModelAdmin supplies model and fields)."""

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        # An unchanged time already past is the schedule of a report the worker is about to publish.
        if publish_at is not None and "publish_at" in self.changed_data and publish_at <= timezone.now():
            raise forms.ValidationError("这个时间已经过去了：请选一个将来的时间，或把状态设为“已发布”立即发布。")
        return publish_at


@admin.register(Report)
class ReportAdmin(ReportHistoryAdminMixin, admin.ModelAdmin):
    form = ReportAdminForm
    list_display = ["id", "title", "region", "category", "date", "status", "publish_at", "views"]
    list_display_links = ["id", "title"]
    list_filter = ["category", "big_region", ProvinceFilter, "status", ScheduledFilter, YearFilter]
    list_select_related = ["region", "category"]
    search_fields = ["title"]
    search_help_text = "按标题或编号搜索"
    autocomplete_fields = ["region"]
    readonly_fields = ["views", "published_at", "updated_at"]
    fields = [
        "title",
        "region",
        "category",
        "date",
        "status",
        "publish_at",
        "body",
        "source_name",
        "source_url",
        "views",
        "published_at",
        "updated_at",
    ]
    ordering = ["-id"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    actions = ["publish", "withdraw"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isascii() and term.isdigit():
            return queryset.filter(pk=int(term)), False
        return super().get_search_results(request, queryset, search_term)

    def view_on_site(self, obj):
        # Drafts open as a staff-only preview at the same address.
        return obj.get_absolute_url()

    def save_model(self, request, obj, form, change):
        services.report_save(report=obj)

    def delete_model(self, request, obj):
        services.reports_delete(report_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.reports_delete(report_ids=list(queryset.values_list("pk", flat=True)))

    @admin.action(description="发布所选报告", permissions=["change"])
    def publish(self, request, queryset):
        count = services.reports_set_status(
            report_ids=queryset.values_list("pk", flat=True), status=ReportStatus.PUBLISHED
        )
        self.message_user(request, f"已发布 {count} 篇报告。", messages.SUCCESS)

    @admin.action(description="撤回所选报告", permissions=["change"])
    def withdraw(self, request, queryset):
        count = services.reports_set_status(
            report_ids=queryset.values_list("pk", flat=True), status=ReportStatus.WITHDRAWN
        )
        self.message_user(request, f"已撤回 {count} 篇报告。", messages.SUCCESS)
