"""Test settings: the same PostgreSQL as development (embedded unless DATABASE_URL is set)."""

from portal.devdb import database_settings

from .base import *  # noqa: F403
from .base import database, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-checks-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

if not env("DATABASE_URL", default=""):
    DATABASES = {"default": database(database_settings("portal"))}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Separate test databases let several test runs share one embedded server.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_portal")}
