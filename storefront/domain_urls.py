"""URLs for a store's own domain: its storefront at "/", everything else as on the platform's host."""

from django.urls import path

from marketplace.urls import urlpatterns as platform_urlpatterns
from storefront.views import StoreHomeView


def domain_home(request):
    return StoreHomeView.as_view()(request, store_slug=request.domain_store.slug)


urlpatterns = [path("", domain_home, name="domain-home"), *platform_urlpatterns]
