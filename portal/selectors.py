from .caching import cached_lookup
from .models import SiteConfiguration


def site_configuration() -> SiteConfiguration:
    """The site's texts, read on every page: from the shared cache until an owner edits them."""
    return cached_lookup("site-configuration", [], SiteConfiguration.current)
