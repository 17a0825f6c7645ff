"""Settings for gonghui.

Everything that differs between a laptop demo and a provincial deployment comes from the environment:
DATABASE_URL (SQLite file by default), GONGHUI_SECRET_KEY, GONGHUI_FIELD_KEYS (Fernet keys for ID and
phone encryption, newest first), GONGHUI_HASH_KEY (HMAC key for lookups), GONGHUI_DEBUG (0 unless set;
without it these keys and GONGHUI_AUDIT_ARCHIVE_KEY are required and GONGHUI_ALLOWED_HOSTS may hold no wildcard).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from gonghui.core.dbconfig import parse_url as parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


# --- issue 11: production defaults (secrets, DEBUG, hosts) ---
# DEBUG is off unless asked for (`make demo`/`make serve` pass GONGHUI_DEBUG=1). Without DEBUG every secret
# must come from the environment and the host list must be explicit: a server never generates its own keys
# (keys made next to the uploads would sit beside the data they protect and differ between machines).
DEBUG = os.environ.get("GONGHUI_DEBUG", "0") == "1"


def _local_secret(name: str, make) -> str:
    """A secret from the environment; with DEBUG only (demo, laptop), one generated once and kept in var/."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"未设置环境变量 {name}：生产模式（GONGHUI_DEBUG=0）下密钥必须由环境提供，系统不会自动生成。"
            "请在部署配置中设置该变量（演示或开发请设置 GONGHUI_DEBUG=1）。"
        )
    path = VAR_DIR / f".{name.lower()}"
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret("GONGHUI_SECRET_KEY", lambda: secrets.token_urlsafe(50))
# Personal data keys are separate from SECRET_KEY so that rotating one does not touch the other.
FIELD_ENCRYPTION_KEYS = [
    k.strip()
    for k in _local_secret("GONGHUI_FIELD_KEYS", lambda: Fernet.generate_key().decode()).split(",")
    if k.strip()
]
LOOKUP_HASH_KEY = _local_secret("GONGHUI_HASH_KEY", lambda: secrets.token_hex(32))

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GONGHUI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
if not DEBUG and any("*" in h for h in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "GONGHUI_ALLOWED_HOSTS 含通配符（"
        + "、".join(h for h in ALLOWED_HOSTS if "*" in h)
        + "）：生产模式下必须逐个列出本系统的域名或地址。"
    )
# --- end of issue 11: production defaults (secrets, DEBUG, hosts) ---
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GONGHUI_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "gonghui.core.apps.GonghuiAdminConfig",  # the Django admin: off by default, read-only when on
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # pg_trgm GIN indexes for keyword search (harmless on SQLite)
    "django_filters",
    "django_tables2",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.regions",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.imports",
    "gonghui.targets",
    "gonghui.directories",
    "gonghui.supervision",
    "gonghui.evaluation",
    "gonghui.honours",
    "gonghui.people",
    "gonghui.venues",
    "gonghui.modelworkers",
    "gonghui.training",
    "gonghui.reporting",
    "gonghui.reports",
    "gonghui.joining",
    "gonghui.national",
    "gonghui.demo",
    "axes",  # issue 11: login lockout
    "django_otp",  # issue 11: second factor (TOTP) for administrators
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "gonghui.core.request_id.RequestIdMiddleware",  # issue 11: first, so every later failure has an id
    # issue 17: a request-scoped replica state (which database the page read, how old); a database that
    # is unreachable mid-request (a failover) answers 「请稍后重试」 with 503 instead of an error page
    "gonghui.core.replica.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gonghui.core.params.RejectControlCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # issue 11: request.user.is_verified() from the session
    "gonghui.core.middleware.NodeRequiredMiddleware",
    "gonghui.core.middleware.NationalModeMiddleware",  # issue 17: no personal-data page in national mode
    "gonghui.core.middleware.ForbiddenAuditMiddleware",
    # issue 11: 三员分立, the three administrators open only their own tools (accounts.roles.may_open)
    "gonghui.accounts.middleware.LeastPrivilegeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gonghui.accounts.middleware.SessionTimeoutMiddleware",  # issue 11: idle and absolute session timeouts
    "gonghui.accounts.middleware.UserSessionMiddleware",  # issue 11: ended sessions, the login limit
    # issue 11: the second factor before anything else, the password change included (a stolen password
    # must not even be changed without the code)
    "gonghui.accounts.middleware.OTPRequiredMiddleware",
    "gonghui.accounts.middleware.PasswordChangeRequiredMiddleware",  # issue 11: expired / reset passwords
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # issue 11: Content-Security-Policy
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # issue 11: answers a locked-out login with the lockout page
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.navigation_items",
                "gonghui.core.context_processors.replica_notice",
            ],
        },
    },
]

# issue 17: DATABASE_URL may name several hosts (libpq multi-host, target_session_attrs=read-write: after a
# failover new connections find the new primary); DATABASE_POOLER=pgbouncer when it points at pgbouncer in
# transaction pooling (no server-side cursors, no prepared statements; see gonghui/core/dbconfig.py).
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
_CONN_MAX_AGE = int(os.environ.get("GONGHUI_CONN_MAX_AGE", "0"))
DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}",
        conn_max_age=_CONN_MAX_AGE,
        pooler=DATABASE_POOLER,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the task worker share the demo database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
# issue 17: a streaming replica for the heavy read-only pages (gonghui/core/replica.py). Unset: one
# database, no router, nothing changes. Pages marked replica-eligible read it while its replay lag stays
# within DATABASE_REPLICA_MAX_LAG seconds (checked at most every DATABASE_REPLICA_CHECK_SECONDS), else the
# primary; above DATABASE_REPLICA_NOTICE_LAG seconds the page says 「数据截至 HH:MM:SS」.
# How long the worker and a failing import job keep reconnecting after losing the primary (core/failover.py).
DATABASE_RECONNECT_SECONDS = float(os.environ.get("DATABASE_RECONNECT_SECONDS", 120))
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", 30))
DATABASE_REPLICA_NOTICE_LAG = float(os.environ.get("DATABASE_REPLICA_NOTICE_LAG", 5))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", 1))
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = parse_database_url(
        DATABASE_REPLICA_URL, conn_max_age=_CONN_MAX_AGE, pooler=DATABASE_POOLER
    )
    # Tests never build a second test database: the replica alias reads the default one there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gonghui.core.replica.ReplicaRouter"]

# --- issue 17 item 4: the national roll-up ---
# GONGHUI_MODE: "province" (default, the registry) or "national" (the roll-up of the provinces: aggregate
# snapshots and keyed ID hashes received by logical replication, no personal data; the registry's pages
# are off, see core.middleware.NationalModeMiddleware). A province publishes under GONGHUI_PROVINCE_CODE
# (two digits of GB/T 2260, e.g. 34) with GONGHUI_NATIONAL_KEY, the HMAC key every province shares (from
# the environment or the file GONGHUI_NATIONAL_KEY_FILE; never logged). Without the key and the code the
# province keeps no hash table. DATABASE_NATIONAL_URL: the national instance, read only, asked whether a
# person holds a membership in another province; unset, the check is off. GONGHUI_NATIONAL_TIMEOUT
# seconds bound the connection and the statement: an unreachable national instance must not hold a
# public submission (gonghui/national/check.py says what happens then).
GONGHUI_MODE = os.environ.get("GONGHUI_MODE", "province").strip() or "province"
if GONGHUI_MODE not in ("province", "national"):
    raise ImproperlyConfigured(f"GONGHUI_MODE 只能是 province 或 national，而不是「{GONGHUI_MODE}」")
GONGHUI_PROVINCE_CODE = os.environ.get("GONGHUI_PROVINCE_CODE", "").strip()
_national_key_file = os.environ.get("GONGHUI_NATIONAL_KEY_FILE", "").strip()
GONGHUI_NATIONAL_KEY = (
    Path(_national_key_file).read_text().strip()
    if _national_key_file
    else os.environ.get("GONGHUI_NATIONAL_KEY", "").strip()
)
# The URL namespaces a national instance serves (every other page answers 404 there).
GONGHUI_NATIONAL_PAGES = ("core", "accounts", "national")
GONGHUI_NATIONAL_TIMEOUT = float(os.environ.get("GONGHUI_NATIONAL_TIMEOUT", 2))
# The alias the cross-province check reads (None: no check).
GONGHUI_NATIONAL_DB = None
if os.environ.get("DATABASE_NATIONAL_URL"):
    GONGHUI_NATIONAL_DB = "national"
    DATABASES["national"] = parse_database_url(os.environ["DATABASE_NATIONAL_URL"])
    DATABASES["national"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": max(1, round(GONGHUI_NATIONAL_TIMEOUT)),
            # Read only on the server side too; a slow national instance answers within the bound or not.
            "options": f"-c default_transaction_read_only=on "
            f"-c statement_timeout={int(GONGHUI_NATIONAL_TIMEOUT * 1000)}",
        }
    )
# --- end of issue 17 item 4 ---

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Django's rules with Chinese messages (its zh-hans catalogue lacks the length rule's plural forms).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gonghui.accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gonghui.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "gonghui.accounts.password_validation.CommonPasswordValidator"},
    # issue 11: authentication (three character classes, no username, not one of the last five)
    {"NAME": "gonghui.accounts.password_validation.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "gonghui.accounts.password_validation.UsernameInPasswordValidator"},
    {"NAME": "gonghui.accounts.password_validation.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GONGHUI_STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise expects the folder; `collectstatic` fills it for production.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end packages come from npm at install time and are served from here: no CDN.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "gonghui" / "static",
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
    ("vendor/tom-select", _NODE / "tom-select" / "dist"),
]
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded ledgers, error reports and exports hold personal data: sealed with the field keys, 0600,
# outside any served folder (gonghui.core.files), handed out only by scoped, audited views and deleted
# FILE_RETENTION_DAYS after they were made (the job rows keep their counts and SHA-256).
PRIVATE_FILES_ROOT = Path(os.environ.get("GONGHUI_PRIVATE_ROOT", VAR_DIR / "private"))
FILE_RETENTION_DAYS = int(os.environ.get("GONGHUI_FILE_RETENTION_DAYS", 30))
# How often the worker looks for files past their retention period.
FILE_PURGE_INTERVAL_HOURS = int(os.environ.get("GONGHUI_FILE_PURGE_INTERVAL_HOURS", 6))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's INCLUDE columns (members' list order carries the union: core.scope.under) serve PostgreSQL's
# index-only scans; SQLite (demo, tests) builds the index on its key columns, which is all it can use.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# A cache shared by all worker processes (rate limits of the public joining pages, routing-cache
# invalidation). Without GONGHUI_REDIS_URL each process has its own local-memory cache: fine for the demo
# and tests, not for several production workers (each would count its own rate limits).
REDIS_URL = os.environ.get("GONGHUI_REDIS_URL", "")

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); empty: the
# header is ignored everywhere (audit log, rate limits), REMOTE_ADDR is the client. See core/net.py.
# The Django admin (/admin/): not routed unless this is 1; when on, the system administrator alone reads
# reference data there, read-only (changes go through the scoped, audited pages).
GONGHUI_ADMIN_ENABLED = os.environ.get("GONGHUI_ADMIN_ENABLED", "0") == "1"
GONGHUI_TRUSTED_PROXIES = [p for p in os.environ.get("GONGHUI_TRUSTED_PROXIES", "").split(",") if p.strip()]
# issue 11: public joining. Redis is an optimisation for the public pages, never a condition: a dead
# Redis is given GONGHUI_REDIS_TIMEOUT seconds per attempt, then the rate limits are counted in the
# database (joining/ratelimit.py, table joining_ratecounter, shared by every worker) and the cached
# reference rows are read afresh, with a warning in the log.
GONGHUI_REDIS_TIMEOUT = float(os.environ.get("GONGHUI_REDIS_TIMEOUT", 0.5))
# A public submission answers no sooner than this many seconds after its checks begin, whatever the
# database holds for the ID: its time must not tell whether the ID belongs to a member (joining/views.py).
GONGHUI_JOIN_SUBMIT_FLOOR = float(os.environ.get("GONGHUI_JOIN_SUBMIT_FLOOR", 0.25))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": GONGHUI_REDIS_TIMEOUT,
                "socket_timeout": GONGHUI_REDIS_TIMEOUT,
            },
        }
    }

FILTERS_EMPTY_CHOICE_LABEL = "全部"
DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# Upload limits (imports refuse larger files before parsing).
IMPORT_MAX_BYTES = int(os.environ.get("GONGHUI_IMPORT_MAX_BYTES", 100 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("GONGHUI_IMPORT_MAX_ROWS", 2_000_000))
# What an xlsx may hold once decompressed, counted while streaming through it before calamine reads it
# (the declared sizes in the zip directory can lie): bytes of all parts, and the cells of the area calamine
# allocates as a dense grid (≈ 130 bytes a cell read into Python: 30 M cells ≈ 4 GB at the very most).
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("GONGHUI_IMPORT_MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024 * 1024)
)
IMPORT_MAX_CELLS = int(os.environ.get("GONGHUI_IMPORT_MAX_CELLS", 30_000_000))
IMPORT_MAX_COLUMNS = int(os.environ.get("GONGHUI_IMPORT_MAX_COLUMNS", 500))
# A running import (web task or command) writes a heartbeat this often; one silent for IMPORT_STALE_SECONDS
# is marked failed (its process died: kill -9, out of memory, a restarted worker) by a check the worker
# runs every IMPORT_REAP_SECONDS while imports are active, by the job pages and by reap_import_jobs:
# 40 + 15 s, within a minute.
IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("GONGHUI_IMPORT_HEARTBEAT_SECONDS", 10))
IMPORT_STALE_SECONDS = float(os.environ.get("GONGHUI_IMPORT_STALE_SECONDS", 40))
IMPORT_REAP_SECONDS = float(os.environ.get("GONGHUI_IMPORT_REAP_SECONDS", 15))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- issue 11: production defaults (cookies, transport, browser policies) ---
# GONGHUI_HTTPS=1 says the site is served over TLS (directly or by a proxy in GONGHUI_TRUSTED_PROXIES that
# sets X-Forwarded-Proto: it must overwrite any such header a client sends): cookies are then sent over
# TLS only, plain HTTP is redirected, and browsers are told to use HTTPS for a year (HSTS).
HTTPS = os.environ.get("GONGHUI_HTTPS", "0") == "1"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers, forms), never the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("GONGHUI_HSTS_SECONDS", 31536000)) if HTTPS else 0
# Whether every subdomain is HTTPS too, and the browsers' preload list: decisions about the domain, not the
# application (they cannot be undone quickly), so off unless the deployment says so.
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("GONGHUI_HSTS_SUBDOMAINS", "0") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("GONGHUI_HSTS_PRELOAD", "0") == "1"
if HTTPS and GONGHUI_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- issue 11: authentication -------------------------------------------------------------------------------
# Lockout (django-axes): GONGHUI_LOGIN_FAILURE_LIMIT failed logins within GONGHUI_LOGIN_LOCKOUT_MINUTES lock
# the account and, separately, the client address, for that long (no CAPTCHA: works offline). A security
# administrator unlocks earlier on 「登录锁定」 (/accounts/lockouts/, audited), or on the server with
# `manage.py axes_reset_username NAME` / `axes_reset_ip IP`. Client addresses come from
# gonghui.core.net.client_ip (trusted proxies only).
AUTHENTICATION_BACKENDS = [
    "gonghui.accounts.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("GONGHUI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GONGHUI_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account and per address, each on its own
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "gonghui.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "gonghui.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # successes and failures are in the audit log (AuditEvent)
AXES_VERBOSE = False
# Passwords expire after this many days (0: never); the user is sent to the change page at next request.
GONGHUI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("GONGHUI_PASSWORD_MAX_AGE_DAYS", "90"))
# A session ends after this many idle minutes and, however busy, this many hours after the login
# (gonghui.accounts.middleware.SessionTimeoutMiddleware); the cookie lives no longer than a session may.
GONGHUI_SESSION_IDLE_MINUTES = int(os.environ.get("GONGHUI_SESSION_IDLE_MINUTES", "30"))
GONGHUI_SESSION_MAX_HOURS = int(os.environ.get("GONGHUI_SESSION_MAX_HOURS", "8"))
SESSION_COOKIE_AGE = GONGHUI_SESSION_MAX_HOURS * 3600
# Second factor (TOTP, django-otp): with GONGHUI_ADMIN_OTP=1 every administrator (省/市/县/基层管理员,
# 系统/安全/审计管理员, superusers) passes a 6-digit code from an authenticator app after the password, and
# enrols at first login; other users are asked once they enrolled of their own accord (at /accounts/otp/),
# whatever this setting says. Off by default so that the demo runs without a phone. Wrong codes: at most
# GONGHUI_OTP_FAILURE_LIMIT within GONGHUI_OTP_LOCKOUT_MINUTES per user (counted from the audit log), then
# the session ends and codes are refused until the window has passed or a security administrator resets
# the user's second factor.
GONGHUI_ADMIN_OTP = os.environ.get("GONGHUI_ADMIN_OTP", "0") == "1"
GONGHUI_OTP_FAILURE_LIMIT = int(os.environ.get("GONGHUI_OTP_FAILURE_LIMIT", "5"))
GONGHUI_OTP_LOCKOUT_MINUTES = int(os.environ.get("GONGHUI_OTP_LOCKOUT_MINUTES", "15"))
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = os.environ.get("GONGHUI_OTP_ISSUER", "基层工会组织建设管理系统")
# django-otp's own per-device back-off (1, 2, 4 … s after each failure) is off: the limit above is the one
# rule, with a Chinese message and an audit row, instead of a second, silent one that refuses right codes.
OTP_TOTP_THROTTLE_FACTOR = 0
# At most this many live sessions per user (0: no limit): a new login beyond it ends the oldest, whose
# browser is told so at its next request (accounts.services.start_session, audited).
GONGHUI_MAX_SESSIONS = int(os.environ.get("GONGHUI_MAX_SESSIONS", "3"))
# API tokens expire after this many days unless issued with --days (accounts.services.issue_token).
GONGHUI_API_TOKEN_DAYS = int(os.environ.get("GONGHUI_API_TOKEN_DAYS", "90"))
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts, images and requests from this site only; no inline script, no eval (the pages'
# JavaScript lives in gonghui/static/js). Inline styles are allowed: style="" attributes in templates,
# htmx's indicator rule and the joining pages' <style> block; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its icons in CSS as data: SVGs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# --- end of issue 11: production defaults (cookies, transport, browser policies) ---

# --- issue 11: production defaults (logging) ---
# Every record goes to stderr (the service manager keeps it) and, when GONGHUI_LOG_FILE names one, to a
# rotating file; each line carries the request id the 500 page shows. Django's request logger writes the
# traceback of every server error (exc_info) whatever DEBUG is: its own handlers only print under DEBUG,
# so they are replaced by the root handlers here.
LOG_FILE = os.environ.get("GONGHUI_LOG_FILE", "")
_LOG_HANDLERS = ["console"] + (["file"] if LOG_FILE else [])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "gonghui.core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [请求 %(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",  # stderr
            "filters": ["request_id"],
            "formatter": "line",
        },
        **(
            {
                "file": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": LOG_FILE,
                    "maxBytes": 50 * 1024 * 1024,
                    "backupCount": 10,
                    "encoding": "utf-8",
                    "filters": ["request_id"],
                    "formatter": "line",
                }
            }
            if LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": _LOG_HANDLERS, "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": _LOG_HANDLERS, "level": "INFO", "propagate": False},
        "gonghui": {"level": os.environ.get("GONGHUI_LOG_LEVEL", "INFO")},
    },
}
# --- end of issue 11: production defaults (logging) ---

# The audit log (core.audit): rows older than the retention move to signed files by `archive_audit_log`.
# 等保 2.0 asks for at least 180 days; core.checks refuses to start with less.
AUDIT_RETENTION_DAYS = os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", "180")
AUDIT_ARCHIVE_KEY = _local_secret("GONGHUI_AUDIT_ARCHIVE_KEY", lambda: secrets.token_hex(32))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("GONGHUI_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
