"""reverse() remembered: the addresses of categories, big regions and regions are built on every
page (navigation, breadcrumbs, lists), and so are those of `{% url %}`; Django's reverse() costs
some 50–100 µs each, and the answer only changes with the URL configuration."""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse


def cached_reverse(viewname: str, **kwargs) -> str:
    return remembered_reverse(viewname, kwargs=kwargs)


def remembered_reverse(viewname: str, *, args=(), kwargs=None, current_app: str | None = None) -> str:
    """reverse(), remembered when every argument is a string or an integer (anything else, a model
    instance say, might turn into another address while keeping its hash)."""
    kwargs = kwargs or {}
    if all(type(value) in (str, int) for value in (*args, *kwargs.values())):
        return _reverse(
            get_urlconf(), get_script_prefix(), viewname, tuple(args), tuple(sorted(kwargs.items())), current_app
        )
    return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)


@lru_cache(maxsize=10_000)
def _reverse(urlconf, script_prefix: str, viewname: str, args: tuple, kwargs: tuple, current_app: str | None) -> str:
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)
