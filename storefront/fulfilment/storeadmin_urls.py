"""Store admin fulfilment pages, under /store/fulfilment/ (they join the "storeadmin" namespace)."""

from storefront.fulfilment.urls import fulfilment_urlpatterns
from storefront.fulfilment.views import STORE_VIEWS

urlpatterns = fulfilment_urlpatterns(STORE_VIEWS)
