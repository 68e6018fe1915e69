"""Storefront URLs, under /s/: the store directory, a store's home and its product pages."""

from django.urls import path

from storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="directory"),
    path("<slug:store_slug>/", views.StoreHomeView.as_view(), name="home"),
    path("<slug:store_slug>/p/<int:entry_pk>/", views.ProductView.as_view(), name="product"),
]
