"""Development settings: DEBUG on, console email, embedded PostgreSQL when DATABASE_URL is unset."""

from portal.devdb import database_settings

from .base import *  # noqa: F403
from .base import database, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

if not env("DATABASE_URL", default=""):
    DATABASES = {"default": database(database_settings(env("PORTAL_DB_NAME", default="portal")))}
