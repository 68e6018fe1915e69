"""Orders to pay, for the payment tests and the isolation sweep: one unit of something a store sells."""

from django.contrib.auth import get_user_model
from oscar.core.loading import get_class, get_model

from distributor.models import Listing
from distributor.selectors import market_records, sellable_listings
from parties.models import Store
from payments.models import Payment
from payments.selectors import order_payment
from storefront.addresses import shipping_address_new
from storefront.allocation import free_units
from storefront.services import order_place

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


def shopper():
    return get_user_model().objects.get(email="shopper@demo.test")


def _listing_with_stock(store: Store) -> Listing:
    listings = sellable_listings(store=store).select_related("stockrecord__product").order_by("pk")
    listing = next((item for item in listings if free_units(item.stockrecord) > 0), None)
    if listing is not None:
        return listing
    listed = Listing.objects.filter(store=store).values("stockrecord_id")
    record = next(r for r in market_records().exclude(pk__in=listed).order_by("pk") if free_units(r) > 0)
    return Listing.objects.create(store=store, stockrecord=record, entry_id=record.entry_id, price=record.price)


def order_in(store: Store | str, *, method: str = "offline", quantity: int = 1, user=None):
    """An order placed by the demo shopper in `store`, to be paid with `method` (its payment is started)."""
    if isinstance(store, str):
        store = Store.objects.get(slug=store)
    listing = _listing_with_stock(store)
    basket = Basket.objects.create(owner=user or shopper())
    basket.strategy = Selector().strategy(store=store)
    basket.add_product(listing.stockrecord.product, quantity, store=store)
    return order_place(basket=basket, store=store, user=user or shopper(), shipping_address=shipping_address_new(),
                       payment_method=method, notify=False)


def offline_payment(store_slug: str) -> Payment:
    """A pending offline payment of an order sold by the store (placed here when there is none)."""
    existing = (Payment.objects.filter(method="offline", status=Payment.Status.PENDING,
                                       order__lines__store__slug=store_slug)
                .exclude(order__lines__store__in=Store.objects.exclude(slug=store_slug)).order_by("pk").first())
    return existing or order_payment(order=order_in(store_slug))
