from django.utils.functional import SimpleLazyObject

from reports.selectors import navigation

from .selectors import site_configuration


def site(request):
    """Site texts and the navigation, evaluated only by templates that use them (not the admin)."""
    return {
        "site": SimpleLazyObject(site_configuration),
        "nav_categories": SimpleLazyObject(lambda: navigation().categories),
        "nav_big_regions": SimpleLazyObject(lambda: navigation().big_regions),
    }
