from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentsConfig(AppConfig):
    name = "documents"
    label = "documents"
    verbose_name = "原文导入"

    def ready(self) -> None:
        from .models import Original
        from .services import original_file_remove_when_committed

        # A signal, not a call in each service: deleting a report (reports.services.reports_delete,
        # admin) cascades to its original, and the reports app knows nothing of files.
        post_delete.connect(
            lambda sender, instance, **kwargs: original_file_remove_when_committed(original=instance),
            sender=Original,
            weak=False,
            dispatch_uid="documents.original_file_removed",
        )
