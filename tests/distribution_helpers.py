"""Shared by the listing and order tests: a fresh approved two-SKU tea, listing it, finding its SKUs."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from distributor import services
from distributor.models import Listing
from parties.models import Store, Supplier
from supplier import services as catalogue
from supplier.catalogue_input import ProductInput, VariantInput
from supplier.models import SupplierProduct

StockRecord = get_model("partner", "StockRecord")
D = Decimal


def exact_prices(slug: str) -> Store:
    """The store prices to the cent (the demo gives some stores price endings)."""
    Store.objects.filter(slug=slug).update(price_ending=Store.PriceEnding.EXACT)
    return Store.objects.get(slug=slug)


def tea_input(**changes) -> ProductInput:
    """SKUs LST-a (wholesale 10, suggested 20, floor 12, 5 in hz) and LST-b (18 / 34 / 22, 2 in hz)."""
    a = dict(sku="LST-a", label="50 g", wholesale_price=D("10.00"), suggested_retail_price=D("20.00"),
             min_retail_price=D("12.00"), stock={"hz": 5})
    b = dict(sku="LST-b", label="100 g", wholesale_price=D("18.00"), suggested_retail_price=D("34.00"),
             min_retail_price=D("22.00"), stock={"hz": 2})
    a.update(changes.get("a", {}))
    b.update(changes.get("b", {}))
    return ProductInput(title="Listing tea", description="", category="Tea > Green tea", product_class="Tea",
                        tags=[], variants=[VariantInput(**a), VariantInput(**b)])


def approved_tea(**changes) -> SupplierProduct:
    supplier = Supplier.objects.get(slug="green-leaf-tea")
    owner = get_user_model().objects.get(email="supplier@demo.test")
    operator = get_user_model().objects.get(email="operator@demo.test")
    entry = catalogue.product_create(actor=owner, supplier=supplier, data=tea_input(**changes))
    catalogue.product_submit(actor=owner, entry=entry)
    catalogue.product_approve(actor=operator, entry=entry)
    return SupplierProduct.objects.get(pk=entry.pk)


def record(sku: str):
    return StockRecord.objects.get(partner_sku=sku)


def list_in(dealer, distributor, stores, skus, rule, **figures) -> list[Listing]:
    return services.listings_save(actor=dealer, distributor=distributor, store_ids=[s.pk for s in stores],
                                  record_ids=[record(sku).pk for sku in skus], rule=rule, **figures)
