from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.html import format_html
from django.utils.text import capfirst
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.admin_base import ReadOnlyMixin

from .labels import permission_label
from .models import TaskRecord


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class ChinesePermissionsMixin:
    """Permission choices labelled in Chinese, and the delete summary without the join rows
    ("Group_permissions object (3)") that say nothing to a person."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        joins = [User.groups.through._meta, User.user_permissions.through._meta, Group.permissions.through._meta]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in joins)
        for opts in joins:
            model_count.pop(opts.verbose_name_plural, None)
        return _without(to_delete, prefixes), model_count, perms_needed, protected


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    kept = []
    for item in items:
        if isinstance(item, list):
            if nested := _without(item, prefixes):
                kept.append(nested)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class ChineseGroupAdmin(ChinesePermissionsMixin, GroupAdmin):
    pass


@admin.register(User)
class ChineseUserAdmin(ChinesePermissionsMixin, UserAdmin):
    pass


admin.site.unregister(DBTaskResult)


@admin.register(TaskRecord)
class TaskRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The task queue (mail deliveries, scheduled publications), for looking into a failure."""

    list_display = ["task", "status", "run_after_display", "enqueued_at", "started_at", "finished_at"]
    list_filter = ["status"]
    fields = [
        "task",
        "status",
        "run_after_display",
        "enqueued_at",
        "started_at",
        "finished_at",
        "arguments",
        "result",
        "exception_class_path",
        "error",
    ]
    readonly_fields = fields
    ordering = ["-enqueued_at"]

    @admin.display(description="任务", ordering="task_path")
    def task(self, obj: TaskRecord) -> str:
        return obj.task_label

    @admin.display(description="计划执行时间", ordering="run_after")
    def run_after_display(self, obj: TaskRecord):
        return self.get_empty_value_display() if obj.run_after == get_date_max() else obj.run_after

    @admin.display(description="参数")
    def arguments(self, obj: TaskRecord) -> str:
        return format_html("<pre>{}</pre>", obj.args_kwargs)

    @admin.display(description="返回值")
    def result(self, obj: TaskRecord) -> str:
        return format_html("<pre>{}</pre>", obj.return_value) if obj.return_value is not None else "-"

    @admin.display(description="错误堆栈")
    def error(self, obj: TaskRecord) -> str:
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "-"
