from django.tasks import task

from . import services


@task()
def publish_due_reports() -> int:
    """Publish every scheduled report whose time has come (enqueued for each report's publish_at)."""
    return services.reports_publish_due()
