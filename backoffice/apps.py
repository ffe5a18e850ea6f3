from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The admin site's own parts: Chinese for what Django and third-party apps show in English
    (with locale/), and the editor's dashboard on the admin index."""

    name = "backoffice"
    verbose_name = "后台"

    def ready(self) -> None:
        from django.contrib.admin.templatetags import admin_list

        from .labels import boolean_icon

        # Django's yes/no icons carry alt="True"/"False" (not translatable), read out by screen
        # readers; every admin view looks the helper up on this module when it renders.
        admin_list._boolean_icon = boolean_icon
