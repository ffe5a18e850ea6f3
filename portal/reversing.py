"""reverse() remembered: the addresses of categories, big regions and regions are built on every
page (navigation, breadcrumbs, lists), and Django's reverse() costs some 50 µs each."""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse


def cached_reverse(viewname: str, **kwargs) -> str:
    return _reverse(get_urlconf(), get_script_prefix(), viewname, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=10_000)
def _reverse(urlconf, script_prefix: str, viewname: str, kwargs: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))
