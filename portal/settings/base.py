"""Settings shared by every environment; values come from the environment (django-environ)."""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "captcha",
    "django_tasks_db",
    "portal",
    "reports",
    "comments",
    "takedowns",
    "search",
    "outbox",
    "documents",
    "opendata",
    # Revision history of reports (revisions): database triggers by django-pgtrigger/-pghistory.
    "pgtrigger",
    "pghistory",
    "revisions",
    "backoffice",  # after every app whose admin it adjusts
]

MIDDLEWARE = [
    # Health probes (portal.health) before everything: they must not need the host check, the HTTPS
    # redirect or the page cache.
    "portal.health.HealthCheckMiddleware",
    # First: a stored page keeps every header the others add (security headers, and the
    # Content-Security-Policy whose nonce its body carries), so a hit needs none of them to run.
    "portal.middleware.PageCacheMiddleware",
    # Next: a page cache miss of an anonymous reader is built from a replica's rows.
    "portal.replicas.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.limits.RequestBodyLimitMiddleware",  # before anything can read a body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff writes record who made them in the revision history of reports.
    "revisions.middleware.StaffHistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
            "builtins": ["portal.templatetags.remembered_urls"],
        },
    },
]

# The article's statements are prepared once per connection (portal.db.PreparedStatement). Left to
# itself PostgreSQL plans the lists statement again on every run (its generic plan looks dearer on
# paper), 1.2 ms each time for a 0.2 ms query. Django's own queries are never prepared, so only those
# statements (and PL/pgSQL triggers) see this.
GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"


def database(config: dict) -> dict:
    """What every connection gets, the primary's and the replicas', whichever settings module and
    wherever its address comes from."""
    config["ENGINE"] = "portal.postgresql"  # Django's, with a health check without a round trip
    config["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {}).setdefault("options", GENERIC_PLANS)
    return config


DATABASES = {"default": database(env.db("DATABASE_URL", default="postgres:///portal"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Read replicas (portal.replicas, portal.routers): DATABASE_REPLICA_URLS, comma-separated, adds
# "replica1", "replica2" … for the reads of anonymous pages. Each connects within 3 s unless its
# URL says ?connect_timeout=, so a replica that is unreachable costs a reader little.
def replica_databases(primary: dict) -> dict[str, dict]:
    replicas = {}
    for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
        replica = database(environ.Env.db_url_config(url))
        replica["CONN_MAX_AGE"] = primary.get("CONN_MAX_AGE", 0)
        replica["OPTIONS"].setdefault("connect_timeout", 3)
        replica["TEST"] = {"MIRROR": "default"}  # never a test database of its own
        replicas[f"replica{number}"] = replica
    return replicas


DATABASES |= replica_databases(DATABASES["default"])
DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
# A reader who has just written reads from the primary for this long (a signed cookie).
REPLICA_PIN_SECONDS = env.int("DJANGO_REPLICA_PIN_SECONDS", default=10)
# A replica replaying further behind than this is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = env.int("DJANGO_REPLICA_MAX_LAG_SECONDS", default=30)
# How long each process trusts a replica's last health check.
REPLICA_CHECK_SECONDS = env.int("DJANGO_REPLICA_CHECK_SECONDS", default=5)

# One cache shared by every worker (and every app server): pages, versions and lookups must be
# invalidated everywhere at once. Production: redis://host:6379/0 (Redis or Valkey). Unset: a table
# in the site's PostgreSQL (`manage.py createcachetable`), so development needs no other service.
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="dbcache://portal_cache?max_entries=100000")}
CACHES["default"].setdefault("KEY_PREFIX", env("DJANGO_CACHE_KEY_PREFIX", default="portal"))
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "portal.redis_cache.RedisCache"
# Anonymous pages (portal.middleware.PageCacheMiddleware): how long an entry may live at most (the
# versions make it stale sooner), how long a CDN or proxy in front may keep a page
# (Cache-Control s-maxage), and the function told which scopes changed, to purge a CDN by
# Surrogate-Key (see docs/caching.md).
PAGE_CACHE_SECONDS = env.int("DJANGO_PAGE_CACHE_SECONDS", default=24 * 3600)
PAGE_CACHE_SHARED_MAX_AGE = env.int("DJANGO_PAGE_CACHE_SHARED_MAX_AGE", default=60)
PAGE_CACHE_PURGE_HOOK = env("DJANGO_PAGE_CACHE_PURGE_HOOK", default="portal.caching.purge_nothing")
# What this deploy serves (e.g. the commit), part of the key of every cached page and lookup, so a
# deploy never serves pages of the code before it. Unset: a digest of the project's source files.
RELEASE = env("DJANGO_RELEASE", default="")

# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware). Scripts come from the site
# only and carry the request's nonce ({% csp_nonce_attr %}); no inline script, event handler, style
# element or style attribute is allowed, so new behaviour and looks go into static/. Browsers report
# violations to CSP_REPORT_URI (portal.views.csp_report, logged at WARNING). DJANGO_CSP_MODE=report-only
# sends the same policy as Content-Security-Policy-Report-Only, to watch the reports before enforcing.
CSP_REPORT_URI = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.REPORT_SAMPLE],
    "style-src": [CSP.SELF, CSP.NONCE, CSP.REPORT_SAMPLE],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "report-uri": [CSP_REPORT_URI],
}
CSP_MODE = env("DJANGO_CSP_MODE", default="enforce")
if CSP_MODE not in ("enforce", "report-only"):
    raise ImproperlyConfigured(f"DJANGO_CSP_MODE must be enforce or report-only, not {CSP_MODE!r}.")
SECURE_CSP = CONTENT_SECURITY_POLICY if CSP_MODE == "enforce" else {}
SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY if CSP_MODE == "report-only" else {}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The project's own translations (zh_Hans), read before Django's: what Django 6.1 and the
# third-party apps leave in English in the admin. `make messages` compiles them.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Where collectstatic writes; nginx serves it (deploy/nginx.conf), whitenoise where nothing is in front.
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "portal.storage.StaticStorage"},
}
# Uploaded evidence (takedown notices) lives outside the web root and is served to site owners only.
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private")))

# Backups (portal/backups.py, `manage.py backup` / `restore`): each one a directory under
# BACKUP_DIR with the database (pg_dump custom format), a tar of PRIVATE_MEDIA_ROOT and their
# SHA256SUMS; after a successful backup only the newest BACKUP_KEEP are kept. PG_BIN_DIR: where
# pg_dump and pg_restore are; unset, the embedded server's, else the ones on PATH.
BACKUP_DIR = Path(env("DJANGO_BACKUP_DIR", default=str(BASE_DIR / "backups")))
BACKUP_KEEP = env.int("DJANGO_BACKUP_KEEP", default=14)
if BACKUP_KEEP < 1:
    raise ImproperlyConfigured(f"DJANGO_BACKUP_KEEP must be at least 1, not {BACKUP_KEEP}.")
PG_BIN_DIR = env("DJANGO_PG_BIN_DIR", default="")


def mailers_from_url(url: str) -> dict:
    """Django 6.1 MAILERS from one URL, e.g. smtp+tls://user:password@smtp.example.cn:587."""
    config = environ.Env.email_url_config(url)
    smtp_options = [
        ("host", "EMAIL_HOST"),
        ("port", "EMAIL_PORT"),
        ("username", "EMAIL_HOST_USER"),
        ("password", "EMAIL_HOST_PASSWORD"),
        ("use_tls", "EMAIL_USE_TLS"),
        ("use_ssl", "EMAIL_USE_SSL"),
    ]
    options = {}
    if "smtp" in config["EMAIL_BACKEND"]:
        options = {key: config[name] for key, name in smtp_options if config.get(name)}
        # Without a timeout, a server that accepts the connection and then says nothing holds the
        # mail worker (and every message queued behind it) forever.
        options["timeout"] = env.int("DJANGO_EMAIL_TIMEOUT", default=30)
    return {"default": {"BACKEND": config["EMAIL_BACKEND"], "OPTIONS": options}}


# Console email unless DJANGO_EMAIL_URL names a server.
MAILERS = mailers_from_url(env("DJANGO_EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="博县网 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Outgoing mail (outbox app): never sent inside a request. A message is queued in PostgreSQL in the
# transaction of the change it reports and sent by the worker (`manage.py db_worker`); a failed
# delivery is retried after 1, 2, 4 … minutes (at most MAIL_RETRY_MAX_SECONDS apart), and after
# MAIL_MAX_ATTEMPTS it is shown as failed in admin, where a site owner can send it again.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAIL_MAX_ATTEMPTS = env.int("DJANGO_MAIL_MAX_ATTEMPTS", default=10)
MAIL_RETRY_SECONDS = 60
MAIL_RETRY_MAX_SECONDS = 4 * 3600

# Reports are served from a URL namespace shared with categories; these first path segments are
# taken by the site itself and cannot become category slugs.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "static",
        "media",
        "diqu",
        "search",
        "takedown",
        "comments",
        "captcha",
        "api",
        "feeds",
        "rss",
        "sitemap.xml",
        "robots.txt",
        "hit",
        "csp-report",
        "healthz",
        "readyz",
        "yuanwen",
    }
)

REPORTS_PER_PAGE = 20

# The view counter (reports.visits): one view per reader (address digest) and report in this window.
REPORTS_VIEW_WINDOW_MINUTES = env.int("REPORTS_VIEW_WINDOW_MINUTES", default=60)

# Captcha (portal.captcha): characters drawn with `secrets`, each answer valid once for 10 minutes.
# Never set CAPTCHA_TEST_MODE: tests read the answer from the store.
CAPTCHA_CHALLENGE_FUNCT = "portal.captcha.challenge"
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LETTER_ROTATION = (-20, 20)
# Unanswered captchas one client address keeps at most; drawing another deletes its oldest.
CAPTCHA_PER_CLIENT = env.int("CAPTCHA_PER_CLIENT", default=5)

# Behind a reverse proxy, the header (e.g. X-Forwarded-For or X-Real-IP) that carries the client
# address; only set it when the proxy overwrites or appends to it. Unset: REMOTE_ADDR is used.
TRUSTED_PROXY_HEADER = env("DJANGO_TRUSTED_PROXY_HEADER", default="")

# Non-file form data a request may carry. Admin saves whole report bodies (tens of thousands of
# characters, three bytes each and percent-encoded); public forms set lower limits of their own.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Comments (comments app). Moderation mode, word lists and flood limits are edited in admin.
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)  # threads per page
COMMENTS_MAX_LENGTH = 2000
COMMENTS_MAX_REQUEST_BYTES = 64 * 1024
COMMENTS_MIN_FILL_SECONDS = env.int("COMMENTS_MIN_FILL_SECONDS", default=3)
COMMENTS_FORM_MAX_AGE_HOURS = 24
COMMENTS_ANONYMISE_AFTER_DAYS = env.int("COMMENTS_ANONYMISE_AFTER_DAYS", default=90)

# Copyright takedowns (takedowns). The waiting period after a counter-notice before the
# content is restored, per legal basis: (amount, "days" | "business_days").
TAKEDOWN_WAITING_PERIODS = {
    "regulation": (env.int("TAKEDOWN_WAIT_REGULATION_DAYS", default=0), "days"),  # 条例 Art. 17: immediately
    "civil_code": (env.int("TAKEDOWN_WAIT_CIVIL_CODE_DAYS", default=15), "days"),  # 民法典 Art. 1196
    "dmca": (env.int("TAKEDOWN_WAIT_DMCA_BUSINESS_DAYS", default=10), "business_days"),  # 17 U.S.C. 512(g)
}
# Open notices older than this are highlighted on the admin index.
TAKEDOWN_SERVICE_TARGET_HOURS = env.int("TAKEDOWN_SERVICE_TARGET_HOURS", default=24)
# How long the counter-notice link sent to a content provider stays valid.
TAKEDOWN_COUNTER_LINK_DAYS = env.int("TAKEDOWN_COUNTER_LINK_DAYS", default=90)
# Absolute links in takedown emails (the counter-notice link) start with this.
TAKEDOWN_SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
TAKEDOWN_MAX_ATTACHMENTS = 5
TAKEDOWN_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

# Search index maintenance (`manage.py reindex`).
INSTALLED_APPS += ["searchindex"]

# Admin login throttling (django-axes). Failures are counted per username and per client address,
# the address read as everywhere else on the site (portal.client.client_ip, TRUSTED_PROXY_HEADER);
# at the limit both are refused for the cool-off time, or, with 0 minutes, until a site owner
# unlocks them in admin (登录锁定). Every failure and lockout stays in the failure log.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = max(1, env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=max(0, env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=30))) or None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.client.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.login_lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # portal/admin.py registers the logs in Chinese, with an unlock action

# Comparing a report with the same place's report of another year (#13): pages only, no models.
INSTALLED_APPS += ["compare"]

# The largest request body per URL namespace, refused unread above it (portal.limits); every other
# address allows DATA_UPLOAD_MAX_MEMORY_SIZE. Takedown forms: every evidence file and the letter of
# authorisation at their largest, plus the text fields. nginx's client_max_body_size (README) is
# the largest of these.
# Importing reports from PDF, DOCX and HTML files (documents app): the largest file accepted, in
# admin (several files per request, within the admin's request body limit below) and from the command line.
DOCUMENTS_MAX_FILE_BYTES = env.int("DOCUMENTS_MAX_FILE_MB", default=20) * 1024 * 1024

REQUEST_BODY_LIMITS = {
    "takedowns": (TAKEDOWN_MAX_ATTACHMENTS + 1) * TAKEDOWN_MAX_ATTACHMENT_BYTES + 1024 * 1024,
    "admin": 32 * 1024 * 1024,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

# Open data (opendata): the JSON API under /api/v1/ and the bulk downloads of /data/ (README).
API_RATE_LIMIT = max(1, env.int("DJANGO_API_RATE_LIMIT", default=120))  # requests per address and window
API_RATE_WINDOW_SECONDS = max(1, env.int("DJANGO_API_RATE_WINDOW_SECONDS", default=60))
# Incremental sync lists changes older than this, so a transaction still open cannot fall behind a mirror.
API_SYNC_SETTLE_SECONDS = max(0, env.int("DJANGO_API_SYNC_SETTLE_SECONDS", default=10))
OPENDATA_ROOT = Path(env("DJANGO_OPENDATA_ROOT", default=str(BASE_DIR / "opendata_files")))
