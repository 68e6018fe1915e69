"""Shopper return pages, under /s/orders/ (storefront/urls.py: path("orders/", include("storefront.returns.urls")))."""

from django.urls import path

from storefront.returns import views

app_name = "returns"

urlpatterns = [
    path("<str:number>/return/", views.ReturnCreateView.as_view(), name="create"),
    path("<str:number>/returns/", views.OrderReturnsView.as_view(), name="list"),
]
