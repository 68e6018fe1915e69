"""/api/v1/: each resource module registers its viewsets on one router; the schema and its interactive page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import orders, products, returns, statements, stock

app_name = "api"

router = SimpleRouter()
for module in (products, stock, orders, returns, statements):
    module.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[],
                                               throttle_classes=[]), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema", authentication_classes=[],
                                                 permission_classes=[], throttle_classes=[]), name="docs"),
    *router.urls,
]
