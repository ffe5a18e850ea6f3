from django.utils.functional import SimpleLazyObject

from reports.models import BigRegion, Category

from .models import SiteConfiguration


def site(request):
    """Site texts and the navigation, evaluated only by templates that use them (not the admin)."""
    return {
        "site": SimpleLazyObject(SiteConfiguration.current),
        "nav_categories": SimpleLazyObject(lambda: list(Category.objects.all())),
        "nav_big_regions": SimpleLazyObject(lambda: list(BigRegion.objects.all())),
    }
