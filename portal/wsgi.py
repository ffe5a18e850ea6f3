import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
django_application = get_wsgi_application()

from portal.middleware import CachedPageApplication  # noqa: E402 - needs the settings loaded above

application = CachedPageApplication(django_application)

# What the process has loaded lives as long as it does: frozen, the collector stops walking those
# objects at every full collection. A search at a million reports allocates enough to set one off
# every dozen pages; frozen, its p95 went from 216 to 149 ms (in process, 60 pages).
gc.freeze()
