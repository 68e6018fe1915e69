"""Supplier fulfilment pages, under /supplier/fulfilment/ (they join the "supplier" namespace)."""

from storefront.fulfilment.urls import fulfilment_urlpatterns
from storefront.fulfilment.views import SUPPLIER_VIEWS

urlpatterns = fulfilment_urlpatterns(SUPPLIER_VIEWS)
