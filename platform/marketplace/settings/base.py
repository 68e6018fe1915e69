"""Settings shared by every mode; everything a deployment changes comes from the environment."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403  (oscar's documented settings baseline)
from oscar.defaults import OSCAR_DASHBOARD_NAVIGATION

from marketplace.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str

PLATFORM_DIR = Path(__file__).resolve().parent.parent.parent  # the platform/ folder
BASE_DIR = PLATFORM_DIR.parent  # the repository root
VAR_DIR = Path(env_str("MARKETPLACE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite file, media, search index

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
# The platform's own host names; any other allowed host may be a store's own domain (storefront.StoreDomain).
PLATFORM_HOSTS = env_list("PLATFORM_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

OUR_APPS = [
    "parties.apps.PartiesConfig",
    "audit.apps.AuditConfig",
    "onboarding.apps.OnboardingConfig",
    "portal.apps.PortalConfig",
    "notifications.apps.NotificationsConfig",
    "backoffice.apps.BackofficeConfig",
    "supplier.apps.SupplierConfig",
    "distributor.apps.DistributorConfig",
    "storeadmin.apps.StoreAdminConfig",
    "storefront.apps.StorefrontConfig",
    "storefront.returns.apps.ReturnsConfig",
    "storefront.fulfilment.apps.FulfilmentConfig",
    "storefront.instore.apps.InStoreConfig",
    "inventory.apps.InventoryConfig",
    "inventory.stocktake.apps.StocktakeConfig",
    "payments.apps.PaymentsConfig",
    "settlement.apps.SettlementConfig",
    "settlement.withdrawals.apps.WithdrawalsConfig",
    "settlement.reconciliation.apps.ReconciliationConfig",
    "cms.apps.CmsConfig",
    "siteconfig.apps.SiteConfigConfig",
    "points.apps.PointsConfig",
    "customers.apps.CustomersConfig",
    "reports.apps.ReportsConfig",
    "api.apps.ApiConfig",
    "webhooks.apps.WebhooksConfig",
    "announcements.apps.AnnouncementsConfig",
    "cms.help.apps.HelpConfig",
]

OSCAR_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "daphne",  # before staticfiles: its runserver serves the ASGI app
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "channels",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "oscar.apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar_apps.partner.apps.PartnerConfig",  # forked: wholesale price and retail floor on stock records
    "oscar_apps.basket.apps.BasketConfig",  # forked: each line remembers the store it was added in
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar_apps.offer.apps.OfferConfig",  # forked: promotions owned by a distributor apply to its stores only
    "oscar_apps.order.apps.OrderConfig",  # forked: lines remember store, listing and wholesale price
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar_apps.dashboard.apps.DashboardConfig",  # forked: hosts the operator back-office pages
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
]

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

INSTALLED_APPS = OUR_APPS + OSCAR_APPS + WAGTAIL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "storefront.middleware.StoreDomainMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
ASGI_APPLICATION = "marketplace.asgi.application"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "portal.context_processors.portal",
                "notifications.context_processors.notifications",
                "announcements.context_processors.announcements",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(VAR_DIR / "db.sqlite3"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
# channels-redis' core layer, not its pub/sub one: when Redis restarts, a socket on the pub/sub layer stays open but
# silently receives nothing more, while on the core layer it closes and the client reconnects and catches up.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

NOTIFICATIONS_MAX_SOCKETS_PER_USER = env_int("NOTIFICATIONS_MAX_SOCKETS_PER_USER", 10)  # per ASGI process

# Background tasks (outbox delivery, catalogue imports). By default they run in-process when their transaction
# commits; TASKS_BACKEND=rq puts them on RQ queues in Redis for `manage.py rqworker` processes (README, "Production
# processes").
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL: the RQ queues live in Redis.")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # django_rq: `manage.py rqworker` and `rqcron`
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'immediate' or 'rq', got {TASKS_BACKEND!r}.")

AUTHENTICATION_BACKENDS = (
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/portal/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_ID = 1
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "marketplace@localhost")

# Stripe is offered only when both keys are present.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_ENABLED = bool(STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY)
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # optional: a local stand-in such as localstripe (http://127.0.0.1:8420)

# Orders wait for payment, then move on; payments.services and storefront.returns move them.
OSCAR_INITIAL_ORDER_STATUS = "Pending payment"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending payment": ("Paid", "Cancelled"),
    "Paid": ("Completed", "Refunded", "Cancelled"),
    "Completed": ("Refunded",),
    "Cancelled": (),
    "Refunded": (),
}
# Days after delivery a shopper may ask for a return (the operator's default; a store may set its own).
RETURN_WINDOW_DAYS = env_int("RETURN_WINDOW_DAYS", 7)
# Withdrawals (settlement.withdrawals): the smallest amount a party may ask for and the fee taken from each payout.
WITHDRAWAL_MIN_AMOUNT = env_str("WITHDRAWAL_MIN_AMOUNT", "100.00")
WITHDRAWAL_FEE = env_str("WITHDRAWAL_FEE", "2.00")

# Oscar
OSCAR_SHOP_NAME = _("Marketplace")
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_EAGER_ALERTS = False  # low-stock alerts are ours (store admin issue), not a check on every stock save
OSCAR_HOMEPAGE = "/shop/catalogue/"
OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + [
    {
        "label": _("Platform"),
        "icon": "fas fa-store",
        "children": [
            {"label": _("Suppliers"), "url_name": "dashboard:mp-supplier-list"},
            {"label": _("Distributors"), "url_name": "dashboard:mp-distributor-list"},
            {"label": _("Stores"), "url_name": "dashboard:mp-store-list"},
            {"label": _("Applications"), "url_name": "dashboard:mp-application-list"},
            {"label": _("Plans"), "url_name": "dashboard:mp-plan-list"},
            {"label": _("Review queue"), "url_name": "dashboard:mp-review-list"},
            {"label": _("Catalogue"), "url_name": "dashboard:mp-catalogue-list"},
            {"label": _("Price ceiling"), "url_name": "dashboard:mp-price-ceiling"},
            {"label": _("Bonus rules"), "url_name": "dashboard:mp-bonus-rules"},
            {"label": _("Teams"), "url_name": "dashboard:mp-team-list"},
            {"label": _("Payments"), "url_name": "dashboard:mp-payment-list"},
            {"label": _("Operators"), "url_name": "dashboard:mp-operator-list"},
            {"label": _("Temporary grants"), "url_name": "dashboard:mp-grant-list"},
            {"label": _("Settings"), "url_name": "dashboard:mp-settings"},
            {"label": _("Audit log"), "url_name": "dashboard:mp-audit-list"},
        ],
    },
    {
        "label": _("Analytics"),
        "icon": "fas fa-chart-line",
        "children": [
            {"label": _("Overview"), "url_name": "dashboard:mp-analytics-overview"},
            {"label": _("Contribution"), "url_name": "dashboard:mp-contribution"},
            {"label": _("Product performance"), "url_name": "dashboard:mp-product-performance"},
            {"label": _("Customers"), "url_name": "dashboard:mp-customer-list"},
        ],
    },
    {
        "label": _("Finance"),
        "icon": "fas fa-coins",
        "children": [
            {"label": _("Finance overview"), "url_name": "dashboard:mp-finance-overview"},
            {"label": _("Settlement runs"), "url_name": "dashboard:mp-settlement-runs"},
            {"label": _("Commission rules"), "url_name": "dashboard:mp-commission-rules"},
            {"label": _("Withdrawals"), "url_name": "dashboard:mp-withdrawal-list"},
            {"label": _("Reconciliation"), "url_name": "dashboard:mp-reconciliation-list"},
            {"label": _("Statements"), "url_name": "dashboard:mp-statement-parties"},
        ],
    },
]

HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": str(VAR_DIR / "whoosh_index"),
        "INCLUDE_SPELLING": False,
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Marketplace"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Pages in English and Simplified Chinese at the same URL: wagtail serves `site.root_page.localized`, the
# translation in the language LocaleMiddleware activated (the storefront's language switch).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Webhooks out (platform/webhooks): deliveries to plain http and to private or loopback addresses are for a
# developer's machine and tests only; production (DEBUG off) refuses both unless this is set.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)

# The REST API (platform/api): bearer tokens made in the portals, one JSON error shape, a rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE_LIMIT", "600/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Marketplace API",
    "DESCRIPTION": "Products, stock, orders, fulfilment, returns and statements of one supplier or store. "
                   "Send `Authorization: Bearer <token>`; tokens are made in the supplier and store portals.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers are replaced by the root one, so each line is printed once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django_tasks": {"level": "WARNING"},
    },
}
