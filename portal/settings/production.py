"""Production settings: everything secret or host-specific must come from the environment."""

from .base import *  # noqa: F403
from .base import database, env, mailers_from_url, replica_databases

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # fails fast when unset
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": database(env.db("DATABASE_URL"))}
DATABASES |= replica_databases(DATABASES["default"])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# A local MTA unless an SMTP server is configured; never the console in production.
MAILERS = mailers_from_url(env("DJANGO_EMAIL_URL", default="smtp://localhost:25"))

# Links in emails (counter-notice links) must point at the real site.
TAKEDOWN_SITE_URL = env("DJANGO_SITE_URL")
