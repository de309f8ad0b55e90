"""Settings for the newsroom CMS, read from environment variables with embedded defaults.

A fresh clone runs on SQLite with no environment at all once DEBUG is on; production
sets DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Build and development commands that sign, hash or serve nothing.
COMMANDS_WITHOUT_SECRETS = {"makemigrations", "makemessages", "compilemessages", "collectstatic"}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
    if not DEBUG and command not in COMMANDS_WITHOUT_SECRETS:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only for the local demo (DEBUG on) and the commands above; never serves a request.
    SECRET_KEY = "insecure-local-demo-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch the admin.
    "modeltranslation",
    # django.contrib.admin with the newsroom's admin site (second factor, session limit).
    "newsroom.accounts.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_ckeditor_5",
    "reversion",
    "reversion_compare",
    "django_tasks",  # background photo work (see TASKS)
    "django_tasks_db",
    "axes",  # login lockout (see "Accounts")
    "django_otp",  # two-factor authentication (see "Accounts")
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "newsroom",
    "articles",
    "media_credits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /kk-latn/… runs as /kk/… inside it: before the page cache, which then keeps one
    # Kazakh page for both scripts (newsroom.latin_script).
    "newsroom.latin_script.KazakhLatinMiddleware",
    # Before sessions, locale and URL resolving: a cache hit needs none of them.
    "newsroom.pagecache.PageCacheMiddleware",
    # Inside the page cache: their headers are stored with a page and cost a hit nothing.
    "newsroom.headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "newsroom.headers.CrossOriginResourcePolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.NoTranslationFallbackMiddleware",
    # Admin requests with NUL bytes, impossible dates or unusable initial values: 400.
    "newsroom.admin_input.AdminInputMiddleware",
    # Photo uploads over the request limits: the upload page with the reason (media_credits).
    "media_credits.middleware.UploadLimitsMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "newsroom.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing at once when two requests write
    # together (e.g. two first requests for the same rendition).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any plan costed over jit_above_cost, which can take longer
    # than the short index reads of public pages (STACK-NOTES). ?options= in the URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
#: Public pages' queries are prepared on the PostgreSQL server, once per connection
#: (newsroom.prepared). Off for a pooler that hands one session's statements to another
#: (PgBouncer in transaction mode before 1.21, or without max_prepared_statements).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Page cache (newsroom.pagecache) ---------------------------------------------------------
# Whole public pages for anonymous readers, never stale: any committed change starts a new
# generation in the shared cache. Seconds a page is kept; 0 switches the cache off. On by
# default only with Redis: a process-local cache cannot hear about changes made by other
# workers, servers or commands.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600 if REDIS_URL else 0)
PAGE_CACHE_ALIAS = "default"
# Cache-Control of cached pages: max-age for browsers (they revalidate with ETag and get a
# 304), s-maxage and stale-while-revalidate for a CDN. Above 0, a CDN in front shows a
# change up to that late unless it is purged (README, "Page cache").
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 0)
PAGE_CACHE_CDN_SECONDS = env_int("PAGE_CACHE_CDN_SECONDS", 0)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 0)
# Servers (or test runs) sharing one Redis for different sites need different prefixes.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "")
# --- end of the page cache block -------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Russian is the default; every public URL carries a language prefix.
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django has no Kazakh formats, and its Russian and English dates are not the
# newspaper's ("30 сентября 2025", "30 September 2025").
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("ru", "kk", "en")
# The admin may fall back to Russian to label rows; public pages switch fallbacks
# off (NoTranslationFallbackMiddleware) so Russian never shows under /kk/ or /en/.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ru",)
# jQuery UI for the language tabs is served from our static files, never a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


# --- Media on S3-compatible object storage (several app servers share one bucket) --------
# Local files under MEDIA_ROOT unless S3_BUCKET is set. With it, originals and renditions go
# to the bucket through newsroom.storage.MediaStorage: originals private, linked by signed
# URLs that expire after S3_SIGNED_URL_MAX_AGE seconds; renditions public (a bucket policy
# on renditions/*) at plain URLs, on S3_CUSTOM_DOMAIN (a CDN) when set. Keys come from
# S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, else from boto3's own chain (AWS_* variables, an
# instance role).
S3_ADDRESSING_STYLES = {"auto", "virtual", "path"}


def s3_media_storage() -> dict | None:
    """The STORAGES entry for media in an S3-compatible bucket, or None without S3_BUCKET."""
    bucket = os.environ.get("S3_BUCKET", "")
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        "querystring_expire": env_int("S3_SIGNED_URL_MAX_AGE", 900),
        "signature_version": "s3v4",
    }
    optional = {
        "endpoint_url": "S3_ENDPOINT_URL",
        "region_name": "S3_REGION",
        "access_key": "S3_ACCESS_KEY_ID",
        "secret_key": "S3_SECRET_ACCESS_KEY",
        "addressing_style": "S3_ADDRESSING_STYLE",
        "location": "S3_LOCATION",
        "public_cache_control": "S3_RENDITION_CACHE_CONTROL",
    }
    options.update({key: os.environ[n] for key, n in optional.items() if os.environ.get(n)})
    if bool(options.get("access_key")) != bool(options.get("secret_key")):
        raise ImproperlyConfigured("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither")
    if options.get("addressing_style", "auto") not in S3_ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be one of {sorted(S3_ADDRESSING_STYLES)}, "
            f"not {options['addressing_style']!r}"
        )
    custom_domain = os.environ.get("S3_CUSTOM_DOMAIN", "")
    if custom_domain:
        # "cdn.example.kz" (HTTPS) or a full "http(s)://host[/path]".
        protocol, _sep, domain = custom_domain.rpartition("//")
        if protocol not in {"", "https:", "http:"} or not domain.strip("/"):
            raise ImproperlyConfigured(
                f"S3_CUSTOM_DOMAIN must be a host name or an http(s) URL, not {custom_domain!r}"
            )
        options["custom_domain"] = domain.strip("/")
        options["url_protocol"] = protocol or "https:"
    return {"BACKEND": "newsroom.storage.MediaStorage", "OPTIONS": options}


STORAGES = {
    "default": s3_media_storage() or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# --- Accounts: login lockout (django-axes), staff sessions, two-factor (django-otp) -------
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out account before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (newsroom.accounts.lockout): AXES_FAILURE_LIMIT failed sign-ins of one account
# from one address, or AXES_ADDRESS_FAILURE_LIMIT from one address over any accounts, lock
# them for AXES_COOLOFF_MINUTES after the last try (HTTP 429, a localised admin page).
# `manage.py axes_reset_username NAME` or the admin's "Access attempts" unlock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
# A float is read by axes as hours (an int would be whole hours).
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "newsroom.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "newsroom.accounts.lockout.locked_out"
# The client's address behind TRUSTED_PROXY_COUNT proxies, as the rate limits read it.
AXES_CLIENT_IP_CALLABLE = "newsroom.accounts.lockout.client_ip"
# Log lines name the username and address of each failure and lockout (never a password).
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A staff session ends this long after sign-in, whatever SESSION_COOKIE_AGE says.
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_SECONDS", 12 * 3600)
# Two-factor authentication (newsroom.accounts.twofactor): required, when on, for
# superusers and every account holding one of OTP_REQUIRED_PERMISSIONS (publishing, or
# managing accounts, which can grant it); others may enrol. Off by default only for the
# local demo (DEBUG).
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_REQUIRED_PERMISSIONS = ["articles.publish_article", "auth.change_user"]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", os.environ.get("SITE_NAME_EN", "Newsroom"))
# The admin shows no TOTP secrets, QR codes or recovery codes of other users.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- end of accounts ---------------------------------------------------------------------

# --- Headers: Content-Security-Policy (django-csp), Permissions-Policy, CORP -------------
# Public pages: no inline script, style or handler anywhere, and no nonce (the page cache
# stores a page with its headers). JSON-LD blocks are data, not run: no CSP applies.
# img-src also gets the media storage's own hosts (S3_CUSTOM_DOMAIN, S3_ENDPOINT_URL or the
# bucket), read from the storage by newsroom.headers.media_origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": not DEBUG,
    }
}
# The admin (/admin/): the public policy, and two style attributes of others' code allowed
# by their hash, nothing else (tests/test_security_headers.py checks every admin page). The
# admin's scripts, jQuery UI's language tabs and CKEditor 5 need nothing more: CKEditor
# sets element styles through the CSSOM, which no CSP directive governs.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src-attr": [
            "'unsafe-hashes'",
            # reversion-compare's history (action_list_partial.html): "visibility:hidden"
            "'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY='",
            # The photo's preview (media_credits.admin): "max-width:100%;height:auto"
            "'sha256-OFZH/KmE1spbRSh4CjNax9vyG1iEwWYtQyOeXApqoN4='",
        ],
    }
}
# Files under MEDIA_URL when Django serves them (DEBUG); nginx sends the same in production.
CONTENT_SECURITY_POLICY_MEDIA = {
    "DIRECTIVES": {"default-src": ["'none'"], "img-src": ["'self'"], "sandbox": True}
}
# Powerful features nothing on the site uses, denied to the site and anything it frames.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}
# Cross-Origin-Resource-Policy (newsroom.headers): pages and everything else same-origin;
# public photos (the rendition redirects and files) cross-origin, so feed readers and
# pages quoting an article may show them.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY_SHARED_PATHS = ["/renditions/", f"{MEDIA_URL}renditions/"]
# --- end of headers ----------------------------------------------------------------------

# Security: production values unless DEBUG (the local demo) is on.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The health probe of a proxy or orchestrator speaks plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment for the whole domain; the newspaper's
    # operators opt in with SECURE_HSTS_PRELOAD=1 once every subdomain is on HTTPS.
    "security.W021",
]

# Rich text: CKEditor 5 offering exactly what the sanitiser keeps
# (articles.sanitize.ALLOWED_TAGS).
CKEDITOR_5_CONFIGS = {
    "default": {
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "link",
                "|",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "|",
                "undo",
                "redo",
            ],
            "shouldNotGroupWhenFull": True,
        },
        "removePlugins": [
            # The set known to initialise (STACK-NOTES): anything that changes the saved
            # data's shape or embeds raw HTML or images goes.
            "Markdown",
            "FullPage",
            "HtmlEmbed",
            "SourceEditing",
            "GeneralHtmlSupport",
            "Style",
            "MediaEmbed",
            "ImageInsert",
            "SimpleUploadAdapter",
            "CKFinderUploadAdapter",
            "LinkImage",
            "ImageCaption",
            "ImageStyle",
            "ImageToolbar",
            "ImageResize",
            "Image",
            # Formatting the sanitiser would strip anyway, so keyboard shortcuts do not
            # promise what the page will not show.
            "Font",
            "FontFamily",
            "FontSize",
            "FontColor",
            "FontBackgroundColor",
            "Underline",
            "Strikethrough",
            "Code",
            "Subscript",
            "Superscript",
            "Highlight",
            "Table",
            "TableToolbar",
            "TableProperties",
            "TableCellProperties",
            "TableCaption",
            "TableColumnResize",
            "CodeBlock",
            "Alignment",
            "HorizontalLine",
            # List styles, start numbers and reversed order (attributes the sanitiser
            # drops), and to-do lists (their checkboxes are dropped).
            "ListProperties",
            "TodoList",
        ],
        "heading": {
            "options": [
                {"model": "paragraph", "title": "Paragraph", "class": "ck-heading_paragraph"},
                {
                    # CKEditor translates only its own titles ("Paragraph", "Heading 1"…6).
                    "model": "heading3",
                    "view": "h3",
                    "title": "Heading 3",
                    "class": "ck-heading_heading3",
                },
            ]
        },
        "link": {"defaultProtocol": "https://"},
        # The translation files the widget loads; the editor itself speaks the admin's
        # language (CKEDITOR_5_USER_LANGUAGE), English built in. Kazakh is completed by
        # static/js/ckeditor5-kk.js (articles.widgets.BodyEditorWidget).
        "language": ["ru", "kk"],
    },
}
# The widget loads the translation files of every config's "language": declared by one
# config only, or Django's Media sees ru.js and kk.js twice, in opposite orders.
CKEDITOR_5_CONFIGS["body"] = {
    key: value for key, value in CKEDITOR_5_CONFIGS["default"].items() if key != "language"
}
CKEDITOR_5_USER_LANGUAGE = True
CKEDITOR_5_CUSTOM_CSS = "admin/newsroom-ckeditor.css"
# Photos belong in the credited photo library: the editor's own upload endpoint refuses.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "ckeditor_upload_refused"
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Photo library (media_credits): upload limits and renditions.
# An upload is refused (form error, never a server error) above any of these limits.
PHOTO_MAX_UPLOAD_BYTES = env_int("PHOTO_MAX_UPLOAD_BYTES", 40 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 60_000_000)  # per frame
PHOTO_MAX_FRAMES = env_int("PHOTO_MAX_FRAMES", 1000)
# Decoding work for one file, all frames together: bounds the time a worker spends
# on an animation of many large frames.
PHOTO_MAX_TOTAL_PIXELS = env_int("PHOTO_MAX_TOTAL_PIXELS", 600_000_000)
PHOTO_RENDITION_WIDTHS = (480, 800, 1200, 1600)
PHOTO_RENDITION_FORMATS = ("webp", "jpeg")
# A file the worker failed on (an error, or the worker killed while on it) this many times
# is refused rather than processed again: one bad file cannot keep a worker crashing.
PHOTO_MAX_PROCESSING_ATTEMPTS = 3
# --- Background photo work (django-tasks, database backend) -------------------------------
# Uploads are checked cheaply in the request; the full decode, metadata and renditions run
# in `manage.py photo_worker` (django_tasks_db's db_worker with a heartbeat and recovery
# of tasks whose worker died). Tests run the same tasks at enqueue time
# (tests/settings.py) except those about the worker, which start a real one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# --- End of background photo work -------------------------------------------------------
# A batch of 30 photos from an event must fit in one request.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 100)
# A whole upload request, read from its Content-Length before its body; keep nginx's
# client_max_body_size for the upload URL at least this large.
PHOTO_MAX_REQUEST_BYTES = env_int("PHOTO_MAX_REQUEST_BYTES", 1024 * 1024 * 1024)

# The newspaper's name, its masthead in each language (page titles, feeds, structured data).
SITE_NAME = {
    "ru": os.environ.get("SITE_NAME_RU", "Новости Казахстана"),
    "kk": os.environ.get("SITE_NAME_KK", "Қазақстан жаңалықтары"),
    "en": os.environ.get("SITE_NAME_EN", "Kazakhstan News"),
}

# The site's own address, for links in e-mail (no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# E-mail (workflow notifications): printed to the console unless an SMTP host is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# Preview links for unpublished articles (/preview/<token>/) stop working after this.
PREVIEW_MAX_AGE = env_int("PREVIEW_MAX_AGE", 7 * 24 * 3600)

# Proxies in front of gunicorn that append to X-Forwarded-For: a reader's address (for
# rate limits) is read that many entries from the right. 1 behind one nginx.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Readers' typo reports per address within the window (seconds).
TYPO_REPORT_RATE_LIMIT = env_int("TYPO_REPORT_RATE_LIMIT", 5)
TYPO_REPORT_RATE_WINDOW = env_int("TYPO_REPORT_RATE_WINDOW", 600)
# --- Limits: search (articles.search) --------------------------------------------------
# A longer query, or one with control characters, is answered 400 (never searched cut
# short); the search form's maxlength follows this. Each reader address (see
# TRUSTED_PROXY_COUNT) searches at most SEARCH_RATE_LIMIT times per SEARCH_RATE_WINDOW
# seconds, then 429 with Retry-After; pages served from the page cache are not counted.
SEARCH_MAX_QUERY_LENGTH = env_int("SEARCH_MAX_QUERY_LENGTH", 200)
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 30)
SEARCH_RATE_WINDOW = env_int("SEARCH_RATE_WINDOW", 60)
# --- end of search limits --------------------------------------------------------------

# Revisions (django-reversion): every admin save of an article, with its sections.
ADD_REVERSION_ADMIN = True
