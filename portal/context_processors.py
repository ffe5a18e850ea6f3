from django.utils.functional import SimpleLazyObject

from reports.selectors import navigation

from .selectors import site_configuration


def site(request):
    """Site texts and the navigation, evaluated only by templates that use them (not the admin)."""
    nav = SimpleLazyObject(navigation)
    return {
        "site": SimpleLazyObject(site_configuration),
        "nav_categories": SimpleLazyObject(lambda: nav.categories),
        "nav_big_regions": SimpleLazyObject(lambda: nav.big_regions),
    }
