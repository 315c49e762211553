"""Settings shared by every environment. Secrets and addresses come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy, gettext_noop
from kombu import Queue

from config.observability import sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# No SECRET_KEY here: dev/test/bench set a local one (config/settings/local.py), production requires it.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The base domain serves sign-in, HQ and platform admin; each store is <slug>.<BASE_DOMAIN>.
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[BASE_DOMAIN, f".{BASE_DOMAIN}"])
SITE_PORT = env("SITE_PORT", default="")  # appended to generated store URLs locally (":8000")
SITE_SCHEME = env("SITE_SCHEME", default="http")

SHARED_APPS = [
    "tenants",
    "hq",
    "billing",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    # After admin: its stock templates serve the base domain, where request.tenant is None
    # (django-tenants' admin templates assume a tenant). Its `migrate` override still applies.
    "django_tenants",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "axes",
]
TENANT_APPS = [
    "crm",
]
INSTALLED_APPS = SHARED_APPS + [a for a in TENANT_APPS if a not in SHARED_APPS]

TENANT_MODEL = "tenants.Store"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New stores are cloned from this migrated template schema (tenants.services.schema_clone).
TENANT_TEMPLATE_SCHEMA = "store_template"
GET_EXECUTOR_FUNCTION = "tenants.migration.get_executor"
# Set search_path once per connection and schema change, not before every cursor (half the round trips).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    "config.observability.RequestIdMiddleware",
    "tenants.middleware.StoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "tenants.middleware.FriendlyErrorMiddleware",  # product 404/403 pages for access denials, DEBUG or not
]

ROOT_URLCONF = "config.urls_tenants"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"

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
                "tenants.context_processors.navigation",
                "billing.context.billing_banner",  # grace-period / lapse banner
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# What the apps above do on the floor's events (tenants/hooks.py): tenants imports none of them.
TENANTS_HOOKS: dict[str, list[str]] = {
    "group_created": ["hq.services.policies.group_policy_bootstrap"],  # starter templates, v1 published
    "store_onboarded": ["hq.services.policies.store_policy_adopt_current"],  # in the onboarding transaction
    "billable_stores_changed": ["billing.tasks.subscription_sync_quantity_later"],  # after commit
    "store_read_only_reason": ["billing.selectors.store_read_only_reason"],
    "member_owned": ["crm.services.handover.member_owned"],  # 离职交接: what a departing member owns
    "member_handover": ["crm.services.handover.member_handover"],  # … moved to the named colleague
}

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/chezhu")}
DATABASES["default"]["ENGINE"] = "tenants.db_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# A reused connection is pinged before a request uses it: one the server dropped (restart, burst,
# idle timeout) is replaced instead of answering 500 until the process restarts.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every cache key carries the schema name of the store it belongs to.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 12  # a working day; staff sign in each morning
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# One sign-in across the base domain and every store subdomain.
SESSION_COOKIE_DOMAIN = env("SESSION_COOKIE_DOMAIN", default=None)
CSRF_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tenants.auth.MobileOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "tenants.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "public:signin"
LOGIN_REDIRECT_URL = "public:home"

# django-axes: lock an (account, address) pair after AXES_FAILURE_LIMIT failures; an address alone
# only after ADDRESS_FAILURE_LIMIT (tenants.throttle), so one typo does not lock a showroom out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
ADDRESS_FAILURE_LIMIT = env.int("ADDRESS_FAILURE_LIMIT", default=100)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tenants.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "tenants.throttle.client_ip"
# Cleared by the sign-in view for the signed-in account at its address only (tenants.views.public).
AXES_RESET_ON_SUCCESS = False
# How many reverse proxies (nginx) stand in front of Django; 0 = REMOTE_ADDR is the client. Behind the
# documented nginx (X-Forwarded-For: $proxy_add_x_forwarded_for) set TRUSTED_PROXY_COUNT=1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_LOCKOUT_TEMPLATE = "tenants/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", gettext_lazy("简体中文")), ("en", gettext_lazy("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.authentication.StoreTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "车主CRM API",  # zh-data: the product's name
    "DESCRIPTION": "Store CRM and group HQ API. Store endpoints live on <store>.<base domain>/api/.",
    "VERSION": "1.0.0",
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "tenants.worker_heartbeat", "schedule": 60.0},
    # 夜间客户分类: every store recomputes value class and loyalty between 00:30 and 01:00.
    "crm-classification-nightly": {
        "task": "tenants.fan_out_to_stores",
        "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=0, minute=30),
        "args": ("crm.tasks.classification_nightly", 1800),
    },
}


# Logs: one JSON object per line in production (LOG_FORMAT=json), with the store schema and request id.
LOGGING = __import__("config.observability", fromlist=["logging_config"]).logging_config(
    fmt=env("LOG_FORMAT", default="text"), level=env("LOG_LEVEL", default="INFO"))

# Billing (billing/): Stripe customer per dealer group, subscription priced per billable store.

# STRIPE_API_KEY / STRIPE_WEBHOOK_SECRET: local defaults only in config/settings/local.py; production requires them.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")  # empty = api.stripe.com; localstripe in tests
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)  # seconds; older = stale
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# localstripe answers 500 to `proration_behavior`; Stripe prorates by default either way.
BILLING_STRIPE_SEND_PRORATION_BEHAVIOR = env.bool("BILLING_STRIPE_SEND_PRORATION_BEHAVIOR", default=True)
BILLING_STRIPE_PLAN_PREFIX = "chezhu_"
BILLING_CURRENCY = "cny"
BILLING_TRIAL_DAYS = env.int("BILLING_TRIAL_DAYS", default=14)
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=7)
# Price per billable store, in fen (分). Yearly = 10 months.
BILLING_PLANS = {
    "basic": {"name": "基础版", "month": 68000, "year": 680000},  # zh-data: plan names as on the Stripe catalogue and invoices
    "professional": {"name": "专业版", "month": 128000, "year": 1280000},  # zh-data: plan names as on the Stripe catalogue and invoices
}
# 政策定时生效 (hq): versions published with an effective date are adopted on that day (store time).
CELERY_BEAT_SCHEDULE["hq-policy-scheduled-adoptions"] = {
    "task": "hq.policy_scheduled_adoptions",
    "schedule": crontab(minute=1),  # hourly at :01, so 00:01 on the effective date; a missed hour catches up
}

CELERY_BEAT_SCHEDULE["billing-reconcile-nightly"] = {
    "task": "billing.reconcile",
    "schedule": crontab(hour=3, minute=30),  # nightly, Asia/Shanghai
    "options": {"expires": 60 * 60 * 6},
}

# Metrics flow up (hq.metrics): providers computing each store's figures, and the nightly refresh.
HQ_METRIC_PROVIDERS = ["crm.selectors.hq_metrics", "crm.cadence.metrics"]
HQ_SNAPSHOT_SPREAD_S = env.int("HQ_SNAPSHOT_SPREAD_S", default=1800)
CELERY_IMPORTS = ["hq.metrics.tasks"]
CELERY_BEAT_SCHEDULE["hq-snapshots-nightly"] = {
    "task": "hq.snapshot_refresh_all",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=1, minute=30),
}

# Policies & cadence (hq.policy, crm.cadence): the cadence engine's Celery tasks and schedule.
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "crm.cadence.tasks"]
CADENCE_SPREAD_S = env.int("CADENCE_SPREAD_S", default=3600)  # daily runs spread over an hour
CADENCE_RULE_PAUSE_S = env.float("CADENCE_RULE_PAUSE_S", default=0.0)  # test hook: widen a run for the kill test
CADENCE_MESSAGE_PROVIDER = env("CADENCE_MESSAGE_PROVIDER", default="tenants.messaging.base.LogProvider")
# A message left 'sending' by a killed worker is reconciled with the vendor after this many seconds.
OUTBOX_RECONCILE_AFTER_S = env.float("OUTBOX_RECONCILE_AFTER_S", default=300.0)
# Web surveys (crm.aftersales.survey_link): how long a survey link / code works, and wrong codes allowed per
# client address per 15 minutes on a store's code-entry page (/s/).
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=7)
SURVEY_CODE_FAILURE_LIMIT = env.int("SURVEY_CODE_FAILURE_LIMIT", default=5)
# SMS vendor keys at rest (tenants.messaging.secrets): a Fernet key; blank = derived from SECRET_KEY locally.
SMS_CREDENTIALS_KEY = env("SMS_CREDENTIALS_KEY", default="")
# Account SMS (invitations, reset codes) go under the platform's own signature and notification templates.
ACCOUNT_SMS_PROVIDER = env("ACCOUNT_SMS_PROVIDER", default="")  # blank = CADENCE_MESSAGE_PROVIDER
ACCOUNT_SMS_SIGN_NAME = env("ACCOUNT_SMS_SIGN_NAME", default=gettext_noop("车主CRM"))  # a signature: never translated
# With ACCOUNT_SMS_PROVIDER = "tenants.messaging.platform.PlatformSms": the platform's own vendor account.
PLATFORM_SMS_VENDOR = env("PLATFORM_SMS_VENDOR", default="")  # aliyun / tencent; empty = log
PLATFORM_SMS_KEY_ID = env("PLATFORM_SMS_KEY_ID", default="")
PLATFORM_SMS_SECRET = env("PLATFORM_SMS_SECRET", default="")
PLATFORM_SMS_APP_ID = env("PLATFORM_SMS_APP_ID", default="")
PLATFORM_SMS_ENDPOINT = env("PLATFORM_SMS_ENDPOINT", default="")
PLATFORM_SMS_PROTOCOL = env("PLATFORM_SMS_PROTOCOL", default="https")
ACCOUNT_SMS_TEMPLATES = {"invitation": env("ACCOUNT_SMS_TEMPLATE_INVITATION", default="ACCOUNT_INVITATION"),
                         "reset_code": env("ACCOUNT_SMS_TEMPLATE_RESET_CODE", default="ACCOUNT_RESET_CODE")}
CELERY_BEAT_SCHEDULE["cadence-daily"] = {
    "task": "cadence.daily_fanout",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=5, minute=0),
    "options": {"expires": 60 * 60 * 12},
}
CELERY_BEAT_SCHEDULE["cadence-outbox"] = {
    "task": "cadence.outbox_fanout",
    "schedule": 300.0,  # every five minutes; quiet hours are checked per store
    "options": {"expires": 290},
}
CELERY_BEAT_SCHEDULE["cadence-sms-receipts"] = {
    "task": "cadence.sms_receipts_fanout",
    "schedule": 900.0,  # SMS receipts and replies by polling, besides the vendors' callbacks
    "options": {"expires": 890},
}

# After-sales (crm.aftersales): complaint SLA sweep every five minutes (fan-out per store) and the HQ
# metric provider. Return visits come with their calls from the cadence run (no sync job).
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "crm.aftersales.tasks"]
CELERY_BEAT_SCHEDULE["aftersales-sla-sweep"] = {
    "task": "aftersales.sla_fanout",
    "schedule": 300.0,
    "options": {"expires": 290},
}
HQ_METRIC_PROVIDERS += ["crm.aftersales.metrics"]
# What the store's CRM does in the store's schema right after it adopts a version of a policy kind.
HQ_ADOPTION_HOOKS = {"classification": "crm.services.classification.classification_policy_sync"}
HQ_STORE_ESCALATIONS = "crm.aftersales.selectors.store_escalations_for_hq"  # HQ drill-down card

# 线索接入 (crm.leads): the first-response sweep (escalate a missed deadline, reassign an unclaimed lead)
# every five minutes through the one fan-out; the first-response figures join the HQ provider (hq_metrics).
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "crm.leads.tasks"]
# Outbox channels with their own sender: the platforms' signed status webhooks (线索状态回传).
CADENCE_CHANNEL_SENDERS = {"webhook": "crm.leads.hooks.WebhookSender"}
CELERY_BEAT_SCHEDULE["leads-sla-sweep"] = {
    "task": "leads.sla_fanout",
    "schedule": 300.0,
    "options": {"expires": 290},
}

# 每月底导出 (crm.cadence.monthly): beat fires on days 28-31 at 20:00; only the month's last day fans the
# per-store job out (spread over half an hour, so every store finishes the same evening). Each store's
# XLSX goes to Django storage under cadence/maintenance-due/<schema>/; local default below .data/.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))
CADENCE_MONTHLY_SPREAD_S = env.int("CADENCE_MONTHLY_SPREAD_S", default=1800)
CELERY_BEAT_SCHEDULE["cadence-maintenance-list-month-end"] = {
    "task": "cadence.maintenance_list_month_end",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(day_of_month="28-31", hour=20, minute=0),
    "options": {"expires": 60 * 60 * 3},
}

# 重点客户周报 (handbook 004, sales-floor): every Monday morning each store lists its key customers per
# consultant for the sales manager (idempotent per week), fanned out per store over half an hour.
CELERY_BEAT_SCHEDULE["crm-key-review-monday"] = {
    "task": "tenants.fan_out_to_stores",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(day_of_week="mon", hour=7, minute=30),
    "args": ("crm.tasks.key_review_monday", 1800),
}

# 公海 (crm.services.pool): every night each store returns leads with no follow-up for the policy's number
# of days to its shared pool (the store's own date), fanned out per store over half an hour.
CELERY_BEAT_SCHEDULE["crm-pool-return-nightly"] = {
    "task": "tenants.fan_out_to_stores",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=2, minute=15),
    "args": ("crm.tasks.pool_return_nightly", 1800),
    "options": {"expires": 60 * 60 * 6},
}

# Account e-mail (password-reset links): the console locally; set EMAIL_BACKEND / EMAIL_HOST in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="车主CRM <no-reply@chezhu.cn>")  # zh-data: the sender's name the customers know
# --- Security (issue 15, security slice): upload limits and raw-file retention ---------------------
# Imports (tenants.uploads.read_table) refuse files past these limits with a message at the file field.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)  # 10 MB ≈ 100k customer rows
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=100_000)
UPLOAD_MAX_CELLS = env.int("UPLOAD_MAX_CELLS", default=2_000_000)  # 100k rows × 20 columns
UPLOAD_MAX_XLSX_UNZIPPED_BYTES = env.int("UPLOAD_MAX_XLSX_UNZIPPED_BYTES", default=200 * 1024 * 1024)
# The raw uploaded file (ImportJob.content) is deleted this many hours after upload, by an hourly
# per-store job; the job's counts and row errors stay.
UPLOAD_RAW_RETENTION_HOURS = env.int("UPLOAD_RAW_RETENTION_HOURS", default=24)
CELERY_BEAT_SCHEDULE["crm-import-raw-purge-hourly"] = {
    "task": "tenants.fan_out_to_stores",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(minute=15),
    "args": ("crm.tasks.import_raw_files_purge", 600),
    "options": {"expires": 60 * 50},
}

# 个人信息保存期限 (PIPL Art. 19, issue 15): a customer whose last contact with the store is more than this
# many years ago, with no open business, is anonymised by a nightly per-store job (crm.personal_info.services).
PERSONAL_INFO_RETENTION_YEARS = env.int("PERSONAL_INFO_RETENTION_YEARS", default=3)
PERSONAL_INFO_RETENTION_BATCH = env.int("PERSONAL_INFO_RETENTION_BATCH", default=500)  # per store and night
CELERY_BEAT_SCHEDULE["crm-personal-info-retention-nightly"] = {
    "task": "tenants.fan_out_to_stores",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=2, minute=30),
    "args": ("crm.tasks.personal_info_retention_nightly", 1800),
    "options": {"expires": 60 * 60 * 6},
}

# Operations (deploy/): Celery time limits, queues, broker visibility, error reporting.
# Every task has a soft limit (SoftTimeLimitExceeded: a transaction rolls back cleanly) and a hard one.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
# Interactive work (a user waits: an import, one store's refresh, a customer's follow-ups after an event) has
# its own queue; the per-store nightly fan-outs (tenants.fanout) always go to `celery`, so they never delay it.
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Each queue with its own routing key: sharing the default key would copy every message into both queues.
CELERY_TASK_QUEUES = (Queue("interactive", routing_key="interactive"), Queue("celery", routing_key="celery"))
CELERY_TASK_ROUTES = {
    "crm.tasks.import_job_run": {"queue": "interactive"},
    "hq.snapshot_refresh_store": {"queue": "interactive"},
    "cadence.customer_run": {"queue": "interactive"},
}
# Redis redelivers a task not acknowledged within the visibility timeout. With acks_late, a task sent with a
# countdown waits unacknowledged until it runs: the timeout must exceed the longest countdown (the daily
# cadence spread) plus the hard time limit, or a spread-out task would run twice.
CELERY_LONGEST_COUNTDOWN_S = max(CADENCE_SPREAD_S, HQ_SNAPSHOT_SPREAD_S, CADENCE_MONTHLY_SPREAD_S, 1800)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_LONGEST_COUNTDOWN_S + CELERY_TASK_TIME_LIMIT + 3600}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep the JSON/text LOGGING above in workers too
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENABLED = sentry_init(
    SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="development"), release=env("SENTRY_RELEASE", default=""))

# --- Security (issue 15, security slice): Content-Security-Policy, API throttles, local Swagger ------
SHARED_APPS += ["csp", "drf_spectacular_sidecar"]  # no models: static files and template tags only
INSTALLED_APPS += ["csp", "drf_spectacular_sidecar"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# Schemathesis found NUL bytes in query strings reaching the database as a 500: refused as a 400 up front.
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "tenants.middleware.NullByteGuardMiddleware")
# No inline script or style anywhere: page behaviour lives in static/js/app.js (data-* attributes), charts
# in static/js/*.js reading json_script data; htmx's own indicator <style> is switched off (htmx-config).
# form-action allows the base domain and every store host: sign-in posts, then hands over to a store.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],  # Django's admin (platform staff only) keeps a few inline scripts
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, f"{BASE_DOMAIN}:*", f"*.{BASE_DOMAIN}:*", "https://checkout.stripe.com",
                        "https://billing.stripe.com"],
    },
}
# DRF throttles: per user (session or token) and per anonymous address; "auth" for the endpoints that
# check a credential (hand-off tickets, invitations, sign-in, token probes) — see tenants.throttles.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env("API_THROTTLE_ANON", default="60/minute"),
    "user": env("API_THROTTLE_USER", default="1200/minute"),
    "auth": env("API_THROTTLE_AUTH", default="20/minute"),
}
# Swagger UI from the installed sidecar (no CDN); the schema and docs need a member (tenants.api.schema).
SPECTACULAR_SETTINGS.update({
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
})
# One name per choice set in the OpenAPI schema (drf-spectacular warns when one set gets two names).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {  # type: ignore[assignment]  # the base dict's values are str
    "ContactChannelEnum": "crm.models.choices.Channel",
    "ComplaintChannelEnum": "crm.models.aftersales.ComplaintChannel",
    "CustomerSourceEnum": "crm.models.choices.Source",
    "ActionSourceEnum": "crm.models.aftersales.ActionSource",
    "ActionKindEnum": "crm.models.aftersales.ActionKind",
    "ServiceTypeEnum": "crm.models.choices.ServiceType",
    "ComplaintStateEnum": "crm.models.aftersales.ComplaintState",
    "StoreStatusEnum": "tenants.models.Store.Status",
    "PolicyVersionStatusEnum": "hq.models.policies.PolicyVersion.Status",
    "SubscriptionStatusEnum": "billing.models.BillingAccount.Status",
}
# ICP备案号 (e.g. "沪ICP备2026000000号-1"): shown in every page's footer, linked to the MIIT register.
ICP_FILING_NUMBER = env("ICP_FILING_NUMBER", default="")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("tenants.context_processors.site_footer")  # type: ignore[index]
