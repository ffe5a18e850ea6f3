import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
django_application = get_wsgi_application()

from portal.middleware import CachedPageApplication  # noqa: E402 - needs the settings loaded above

application = CachedPageApplication(django_application)
