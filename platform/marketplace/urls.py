"""URL map: portals and oscar under their prefixes, wagtail's catch-all last."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.urls")),
    path("supplier/", include("supplier.urls")),
    path("distributor/", include("distributor.urls")),
    path("store/", include("storeadmin.urls")),
    path("apply/", include("onboarding.urls")),
    path("notifications/", include("notifications.urls")),
    path("announcements/", include("announcements.urls")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("s/", include("storefront.urls")),
    path("payments/", include("payments.urls")),
    path("api/v1/", include("api.urls")),
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
