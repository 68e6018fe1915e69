"""Storefront URLs, under /s/: the store directory, the marketplace-wide listing, each store's pages, the
basket (one for all stores), checkout and the shopper's orders. Fixed words come before the store slug."""

from django.urls import include, path

from storefront import checkout_views, views

app_name = "storefront"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="directory"),
    path("all/", views.MarketplaceView.as_view(), name="marketplace"),
    path("basket/", checkout_views.BasketView.as_view(), name="basket"),
    path("basket/lines/<int:line_pk>/", checkout_views.BasketLineView.as_view(), name="basket-line"),
    path("basket/coupon/", checkout_views.VoucherAddView.as_view(), name="voucher-add"),
    path("basket/coupon/remove/", checkout_views.VoucherRemoveView.as_view(), name="voucher-remove"),
    path("checkout/", checkout_views.CheckoutView.as_view(), name="checkout"),
    path("points/", checkout_views.PointsView.as_view(), name="points"),
    path("orders/", checkout_views.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", checkout_views.OrderDetailView.as_view(), name="order"),
    path("orders/", include("storefront.returns.urls")),
    path("<slug:store_slug>/", views.StoreHomeView.as_view(), name="home"),
    path("<slug:store_slug>/about/", views.AboutView.as_view(), name="about"),
    path("<slug:store_slug>/basket/add/", checkout_views.AddToBasketView.as_view(), name="basket-add"),
    path("<slug:store_slug>/p/<int:entry_pk>/", views.ProductView.as_view(), name="product"),
]
