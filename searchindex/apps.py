from django.apps import AppConfig


class SearchIndexConfig(AppConfig):
    name = "searchindex"
    verbose_name = "全文索引"
