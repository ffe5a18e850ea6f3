from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search over reports: the page at /search/ (the index itself lives in reports)."""

    name = "search"
    verbose_name = "搜索"
