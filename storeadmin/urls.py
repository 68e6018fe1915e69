from django.urls import include, path

from storeadmin import delivery, storefront_profile, views

app_name = "storeadmin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("staff/", views.MemberListView.as_view(), name="member-list"),
    path("staff/grant/", views.MemberGrantView.as_view(), name="member-grant"),
    path("staff/<int:pk>/revoke/", views.MemberRevokeView.as_view(), name="member-revoke"),
    path("delivery/", delivery.DeliveryView.as_view(), name="delivery"),
    path("storefront/", storefront_profile.StorefrontProfileView.as_view(), name="storefront"),
    path("returns/", include("storefront.returns.storeadmin_urls")),
    path("stocktakes/", include("inventory.stocktake.storeadmin_urls")),
    path("fulfilment/", include("storefront.fulfilment.storeadmin_urls")),
    path("stock/", include("inventory.storeadmin_urls")),
    path("pos/", include("storefront.instore.urls")),
    path("integrations/api/", include("api.portal_urls")),
    path("integrations/webhooks/", include("webhooks.portal_urls")),
]
