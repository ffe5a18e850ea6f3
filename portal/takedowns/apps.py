from django.apps import AppConfig


class TakedownsConfig(AppConfig):
    name = "portal.takedowns"
    label = "takedowns"
    verbose_name = "版权投诉"
