from django.apps import AppConfig


class TakedownsConfig(AppConfig):
    name = "takedowns"
    label = "takedowns"
    verbose_name = "版权投诉"
