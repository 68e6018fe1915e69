"""Forked oscar strategy: a product's price and availability are those of its listing in the shopper's store.

No product is copied per store: the store's `Listing` rows carry the price, and this strategy (picked by
`Selector` from the store the request is in) turns them into oscar's `PurchaseInfo`. Without a store nothing
can be bought; the suggested retail price is shown for reference.
"""

from decimal import Decimal

from oscar.apps.partner import availability, prices
from oscar.apps.partner.strategy import NoTax, StockRequired, Structured, UseFirstStockRecord

ZERO = Decimal("0.00")


class ListingPrice(prices.FixedPrice):
    """A store's price for one SKU; remembers the listing so the order line can record it."""

    def __init__(self, *, listing, currency: str):
        super().__init__(currency=currency, excl_tax=listing.price, tax=ZERO)
        self.listing = listing


class NotInStore(availability.Unavailable):
    code = "not-in-store"


class LineStoreMixin:
    """Basket lines are priced by the store they were added in, whatever store the page is in.

    A marketplace basket holds lines of several stores; each store's strategy is made once per request and
    primed with all of that store's basket lines in one query.
    """

    def for_store(self, store) -> "StoreStrategy":
        if getattr(self, "store", None) is not None and self.store.pk == store.pk:
            return self
        strategies = self.__dict__.setdefault("_store_strategies", {})
        if store.pk not in strategies:
            strategies[store.pk] = StoreStrategy(self.request, store=store)
        return strategies[store.pk]

    def fetch_for_line(self, line, stockrecord=None):
        if line.store_id is None:  # added without a store: priced by this strategy's own store, if any
            return self.fetch_own_line(line, stockrecord)
        self._prime_basket(line.basket)
        return self.for_store(line.store).fetch_own_line(line, stockrecord)

    def fetch_own_line(self, line, stockrecord=None):
        """Price a line with this strategy, using the line's own stock record (oscar would look it up again)."""
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)

    def _prime_basket(self, basket) -> None:
        """All the basket's listings, every store at once, in one query (once per basket and request)."""
        from distributor.selectors import sellable_listings_in

        primed = self.__dict__.setdefault("_primed_baskets", set())
        if basket.pk in primed:
            return
        primed.add(basket.pk)
        stores, records = {}, {}  # store id → store; store id → {stock record id: stock record}
        for line in basket.all_lines():
            if line.store_id is not None and line.stockrecord is not None:
                stores[line.store_id] = line.store
                records.setdefault(line.store_id, {})[line.stockrecord_id] = line.stockrecord
        wanted = {pk for store_records in records.values() for pk in store_records}
        if not wanted:
            return
        found: dict[int, dict[int, object]] = {}
        for listing in sellable_listings_in(store_ids=list(records)).filter(stockrecord_id__in=wanted):
            found.setdefault(listing.store_id, {})[listing.stockrecord_id] = listing
        from inventory.selectors import available_by_store

        free = available_by_store(stores=stores.values(), stockrecord_ids=list(wanted))
        for store_id, store_records in records.items():
            strategy = self.for_store(stores[store_id])
            strategy.remember(store_records, found.get(store_id, {}))
            strategy.know_available({pk: free.get((store_id, pk), 0) for pk in store_records})


class StoreStrategy(LineStoreMixin, UseFirstStockRecord, StockRequired, Structured):
    """Prices and availability for shoppers of one store: its sellable listings, with the free units of its
    stock pool (shared with its sibling stores, or its own: `inventory.selectors.pool_q`)."""

    def __init__(self, request=None, *, store):
        super().__init__(request)
        self.store = store
        self._listings: dict[int, object] = {}
        self._available: dict[int, int] = {}

    def listing_for(self, stockrecord):
        """The store's sellable listing of this SKU, or None (one query per SKU, remembered)."""
        if stockrecord is None:
            return None
        if stockrecord.pk not in self._listings:
            self.prime([stockrecord])
        return self._listings[stockrecord.pk]

    def prime(self, stockrecords) -> None:
        """Look up the store's sellable listings of many SKUs in one query (list pages call this first)."""
        from distributor.selectors import sellable_listings

        wanted = {record.pk: record for record in stockrecords if record.pk not in self._listings}
        if not wanted:
            return
        self.remember(wanted, {listing.stockrecord_id: listing for listing in
                               sellable_listings(store=self.store).filter(stockrecord_id__in=list(wanted))})
        self.prime_available(wanted)

    def prime_available(self, stockrecord_ids) -> None:
        """Free units of many SKUs in the store's pool, in one query."""
        from inventory.selectors import available_in

        missing = [pk for pk in stockrecord_ids if pk not in self._available]
        if missing:
            self._available.update(dict.fromkeys(missing, 0))
            self._available.update(available_in(store=self.store, stockrecord_ids=missing))

    def know_available(self, units: dict[int, int]) -> None:
        for pk, free in units.items():
            self._available.setdefault(pk, free)

    def available_units(self, stockrecord) -> int:
        self.prime_available([stockrecord.pk])
        return self._available[stockrecord.pk]

    def remember(self, wanted: dict, found: dict) -> None:
        """Keep the listings found ({stock record id: listing}) for the stock records wanted (missing: None)."""
        for pk, record in wanted.items():
            if pk in self._listings:
                continue
            listing = found.get(pk)
            if listing is not None:
                listing.stockrecord = record
            self._listings[pk] = listing

    def pricing_policy(self, product, stockrecord):
        listing = self.listing_for(stockrecord)
        if listing is None:
            return prices.Unavailable()
        return ListingPrice(listing=listing, currency=self.store.currency)

    def parent_pricing_policy(self, product, children_stock):
        """A parent shows its lowest variant price in this store ("from")."""
        listed = [self.listing_for(record) for _child, record in children_stock]
        listed = [listing for listing in listed if listing is not None]
        if not listed:
            return prices.Unavailable()
        return ListingPrice(listing=min(listed, key=lambda listing: listing.price), currency=self.store.currency)

    def availability_policy(self, product, stockrecord):
        if not self.store.is_open or self.listing_for(stockrecord) is None:
            return NotInStore()
        if not product.get_product_class().track_stock:
            return availability.Available()
        return availability.StockRequired(self.available_units(stockrecord))


class NoStoreStrategy(LineStoreMixin, UseFirstStockRecord, NoTax, Structured):
    """Outside any store: the suggested retail price for reference, never buyable (a sale needs a store)."""

    def availability_policy(self, product, stockrecord):
        return NotInStore()

    def parent_availability_policy(self, product, children_stock):
        return NotInStore()


class Selector:
    """The store a request is in (set by the storefront) picks the strategy; none means no sale."""

    def strategy(self, request=None, user=None, **kwargs):
        store = kwargs.get("store") or getattr(request, "store", None)
        if store is not None:
            return StoreStrategy(request, store=store)
        return NoStoreStrategy(request)
