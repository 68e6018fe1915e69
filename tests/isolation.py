"""The registry behind the isolation sweep: every URL that takes an object id, and how to attack it.

Each later capability that adds such a URL adds an entry here; the sweep
fails while any id-taking URL of ours is missing from the registry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from distributor.models import Listing, TeamInvitation
from distributor.selectors import market_records, sellable_listings
from onboarding.models import Application
from parties.models import Distributor, Membership, Plan, Store, Supplier, Warehouse
from supplier.models import ImportJob, SupplierProduct


@dataclass(frozen=True)
class PortalTarget:
    """`actor` acts for party A; `own()` is an object of A, `foreign()` one of party B."""

    actor: str
    own: Callable[[], dict]
    foreign: Callable[[], dict]
    methods: tuple[str, ...] = ("get",)  # add "post" for URLs whose view accepts it


def _pk(obj) -> dict:
    return {"pk": obj.pk}


# URLs inside a party portal: party A's user must get 404 for party B's object, 200 for its own.
PORTAL_TARGETS: dict[str, PortalTarget] = {
    "supplier:warehouse-detail": PortalTarget(
        actor="supplier@demo.test",
        own=lambda: _pk(Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")),
        foreign=lambda: _pk(Warehouse.objects.get(supplier__slug="golden-grain", code="zz")),
    ),
    "distributor:store-detail": PortalTarget(
        actor="distributor@demo.test",
        own=lambda: _pk(Store.objects.get(slug="sunrise-online")),
        foreign=lambda: _pk(Store.objects.get(slug="harbor-online")),
    ),
    **{
        f"supplier:{name}": PortalTarget(
            actor="supplier@demo.test",
            own=lambda: _pk(_product("green-leaf-tea")),
            foreign=lambda: _pk(_product("golden-grain")),
            methods=methods,
        )
        for name, methods in [("product-detail", ("get",)), ("product-edit", ("get", "post")),
                              ("product-submit", ("get", "post")), ("product-shelf", ("get", "post")),
                              ("product-stock", ("get", "post"))]
    },
    "supplier:import-job": PortalTarget(
        actor="supplier@demo.test",
        own=lambda: _pk(_import_job("green-leaf-tea")),
        foreign=lambda: _pk(_import_job("golden-grain")),
    ),
    # The market belongs to no party: "own" is a product in it, "foreign" one that is not (a draft).
    "distributor:market-detail": PortalTarget(
        actor="distributor@demo.test",
        own=lambda: _pk(_product("green-leaf-tea", state="approved", on_shelf=True)),
        foreign=lambda: _pk(_product("green-leaf-tea", state="draft")),
    ),
    **{
        f"distributor:{name}": PortalTarget(
            actor="distributor@demo.test",
            own=lambda: _pk(_listing("sunrise-online")),
            foreign=lambda: _pk(_listing("harbor-online")),
            methods=("get", "post"),
        )
        for name in ("listing-edit", "listing-pause", "listing-remove")
    },
    **{
        f"distributor:{name}": PortalTarget(
            actor="distributor@demo.test",
            own=lambda: _pk(_promotion("sunrise-retail")),
            foreign=lambda: _pk(_promotion("harbor-goods")),
            methods=methods,
        )
        for name, methods in [("promotion-detail", ("get",)), ("promotion-pause", ("get", "post")),
                              ("promotion-end", ("get", "post"))]
    },
    # A store's owner/manager confirms an offline payment of the store's orders (GET asks, POST marks paid).
    "payments:mark-paid": PortalTarget(
        actor="storeadmin@demo.test",
        own=lambda: _pk(_offline_payment("sunrise-online")),
        foreign=lambda: _pk(_offline_payment("harbor-online")),
        methods=("get", "post"),
    ),
    # A store's return request: its owner/manager sees and decides it (POST); another store's is a 404.
    "storeadmin:return-detail": PortalTarget(
        actor="storeadmin@demo.test",
        own=lambda: _pk(_return_request("sunrise-online")),
        foreign=lambda: _pk(_return_request("harbor-online")),
        methods=("get", "post"),
    ),
    # A physical shop's in-shop sale receipt: its staff open it; another shop's receipt is a 404.
    "storeadmin:pos-receipt": PortalTarget(
        actor="shopstaff@demo.test",
        own=lambda: _instore_sale("sunrise-nanjing-road"),
        foreign=lambda: _instore_sale("maple-pudong"),
    ),
    # A supplier opens (and records the arrival of) returns of its goods; another supplier's is a 404.
    "supplier:return-detail": PortalTarget(
        actor="supplier@demo.test",
        own=lambda: _pk(_supplier_return_request("green-leaf-tea")),
        foreign=lambda: _pk(_supplier_return_request("golden-grain")),
        methods=("get", "post"),
    ),
    # A count of a store's own stock location: its staff count it (GET), post counts, approve, cancel (POST);
    # another store's count is a 404. Likewise a supplier's warehouse counts in the supplier portal.
    **{
        f"storeadmin:stocktake-{name}": PortalTarget(
            actor="shopstaff@demo.test",
            own=lambda: _pk(_stocktake(store="sunrise-nanjing-road")),
            foreign=lambda: _pk(_stocktake(store="harbor-online")),
            methods=("get", "post"),
        )
        for name in ("detail", "variance", "cancel")
    },
    **{
        f"supplier:stocktake-{name}": PortalTarget(
            actor="supplier@demo.test",
            own=lambda: _pk(_stocktake(supplier="green-leaf-tea")),
            foreign=lambda: _pk(_stocktake(supplier="golden-grain")),
            methods=("get", "post"),
        )
        for name in ("detail", "variance", "cancel")
    },
    # The shopper's return pages of an order (/s/orders/<number>/return/ and .../returns/): another shopper's
    # order is a 404.
    **{
        f"storefront:returns:{name}": PortalTarget(
            actor="shopper@demo.test",
            own=lambda: _order_of("shopper@demo.test"),
            foreign=lambda: _order_of("multi@demo.test"),
            methods=methods,
        )
        for name, methods in [("create", ("get", "post")), ("list", ("get",))]
    },
    # A public storefront page (any visitor may open it; the sweep's actor is a shopper): a product is reachable
    # in a store only while it has a sellable listing there; one listed only in another store is a 404.
    "storefront:product": PortalTarget(
        actor="shopper@demo.test",
        own=lambda: {"store_slug": "sunrise-online", "entry_pk": _store_entry("sunrise-online").pk},
        foreign=lambda: {"store_slug": "sunrise-online",
                         "entry_pk": _store_entry("harbor-online", not_in="sunrise-online").pk},
    ),
    # Stock rows and transfers (/store/stock/..., /supplier/stock/...): staff of one shop, a supplier's team.
    "storeadmin:stock-detail": PortalTarget(
        actor="shopstaff@demo.test",
        own=lambda: _pk(_stock_row(store__slug="sunrise-nanjing-road")),
        foreign=lambda: _pk(_stock_row(store__slug="harbor-online")),
        methods=("get", "post"),
    ),
    "supplier:stock-detail": PortalTarget(
        actor="supplier@demo.test",
        own=lambda: _pk(_stock_row(supplier__slug="green-leaf-tea")),
        foreign=lambda: _pk(_stock_row(supplier__slug="golden-grain")),
        methods=("get", "post"),
    ),
    "storeadmin:transfer-detail": PortalTarget(
        actor="shopstaff@demo.test",
        own=lambda: _pk(_transfer(store__slug="sunrise-nanjing-road")),
        foreign=lambda: _pk(_transfer(store__slug="harbor-online")),
        methods=("get", "post"),
    ),
    "supplier:transfer-detail": PortalTarget(
        actor="supplier@demo.test",
        own=lambda: _pk(_transfer(supplier__slug="green-leaf-tea")),
        foreign=lambda: _pk(_transfer(supplier__slug="golden-grain")),
        methods=("get", "post"),
    ),
}


def _product(supplier_slug: str, **filters) -> SupplierProduct:
    return SupplierProduct.objects.filter(supplier__slug=supplier_slug, **filters).order_by("pk").first()


def _listing(store_slug: str) -> Listing:
    """A listing of the store (made here when the demo has none), of the first SKU in the market."""
    store = Store.objects.get(slug=store_slug)
    existing = Listing.objects.filter(store=store).order_by("pk").first()
    if existing:
        return existing
    record = market_records().order_by("pk").first()
    return Listing.objects.create(store=store, stockrecord=record, entry_id=record.entry_id, price=record.price)


def _store_entry(store_slug: str, not_in: str = "") -> SupplierProduct:
    """A product sellable in the store (listed here when the demo has none), never listed in `not_in`."""
    store = Store.objects.get(slug=store_slug)
    elsewhere = Listing.objects.filter(store__slug=not_in).values("entry_id")
    sellable = SupplierProduct.objects.filter(pk__in=sellable_listings(store=store).values("entry_id"))
    entry = sellable.exclude(pk__in=elsewhere).order_by("pk").first()
    if entry is not None:
        return entry
    record = market_records().exclude(entry_id__in=elsewhere).order_by("pk").first()
    Listing.objects.create(store=store, stockrecord=record, entry_id=record.entry_id, price=record.price)
    return SupplierProduct.objects.get(pk=record.entry_id)


def _promotion(distributor_slug: str):
    """A promotion of the distributor (made here when the demo has none)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from distributor.promotions import selectors, services

    distributor = Distributor.objects.get(slug=distributor_slug)
    existing = distributor.promotions.order_by("pk").first()
    if existing:
        return existing
    now = timezone.now()
    return services.promotion_create(actor=None, distributor=distributor, data=services.PromotionInput(
        kind=selectors.KIND_SPEND, name="Isolation sweep", start=now, end=now + timedelta(days=7),
        threshold=Decimal("100.00"), amount=Decimal("10.00")))


def _offline_payment(store_slug: str):
    """A pending offline payment of an order of the store only (placed here when the demo has none)."""
    from tests.payment_helpers import offline_payment

    return offline_payment(store_slug)


def _return_request(store_slug: str):
    """A return request on an order of the store only (made here, without the service's checks, when none)."""
    from storefront.returns.models import ReturnLine, ReturnRequest

    existing = (ReturnRequest.objects.filter(lines__line__store__slug=store_slug)
                .exclude(lines__line__store__in=Store.objects.exclude(slug=store_slug)).order_by("pk").first())
    if existing:
        return existing
    from tests.payment_helpers import order_in

    order = order_in(store_slug)
    request = ReturnRequest.objects.create(order=order, email=order.email, note="isolation sweep")
    ReturnLine.objects.create(request=request, line=order.lines.order_by("pk").first(), quantity=1)
    return request


def _instore_sale(store_slug: str) -> dict:
    """The order number of an in-shop sale of the shop (rung up here, cash, when it has none)."""
    from decimal import Decimal

    from distributor.selectors import sellable_listings as listed
    from inventory.selectors import store_locations
    from storefront.instore.models import InStoreSale
    from storefront.instore.services import instore_sale_create
    from supplier.models import WarehouseStock

    store = Store.objects.get(slug=store_slug)
    existing = InStoreSale.objects.filter(store=store).order_by("pk").first()
    if existing is None:
        free = WarehouseStock.objects.filter(warehouse__in=store_locations(store=store),
                                             stockrecord__in=listed(store=store).values("stockrecord"))
        row = next(row for row in free.order_by("pk") if row.available > 0)
        existing = instore_sale_create(store=store, items=[(row.stockrecord_id, 1)], payment_method="cash",
                                       tendered=Decimal("100000.00"), actor=None)
    return {"number": existing.order.number}


def _supplier_return_request(supplier_slug: str):
    """A return request whose lines are all the supplier's (made here, without the service's checks, when none)."""
    from oscar.core.loading import get_model

    from storefront.returns.models import ReturnLine, ReturnRequest

    existing = (ReturnRequest.objects.filter(lines__line__supplier__slug=supplier_slug)
                .exclude(lines__line__supplier__in=Supplier.objects.exclude(slug=supplier_slug)).order_by("pk").first())
    if existing:
        return existing
    line = get_model("order", "Line").objects.filter(supplier__slug=supplier_slug).order_by("pk").first()
    request = ReturnRequest.objects.create(order=line.order, email=line.order.email, note="isolation sweep")
    ReturnLine.objects.create(request=request, line=line, quantity=1)
    return request


def _stocktake(*, store: str = "", supplier: str = ""):
    """A count of the store's first own location or the supplier's first warehouse (started here when none)."""
    from django.contrib.auth import get_user_model

    from inventory.stocktake.models import Stocktake
    from inventory.stocktake.services import stocktake_start

    locations = Warehouse.objects.filter(store__slug=store) if store else Warehouse.objects.filter(
        supplier__slug=supplier)
    location = locations.filter(stock__isnull=False).order_by("pk").first()
    existing = Stocktake.objects.filter(location=location).order_by("pk").first()
    return existing or stocktake_start(location=location, actor=get_user_model().objects.get(
        email="operator@demo.test"))


def _order_of(email: str) -> dict:
    """An order placed by this user (placed here, in Sunrise Online, when there is none)."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    existing = get_model("order", "Order").objects.filter(user__email=email).order_by("pk").first()
    if existing is None:
        from tests.payment_helpers import order_in

        existing = order_in("sunrise-online", user=get_user_model().objects.get(email=email))
    return {"number": str(existing.number)}


def _invitation() -> TeamInvitation:
    """An unused invitation of Sunrise Retail, the distributor@demo.test's company."""
    return TeamInvitation.objects.get_or_create(inviter=Distributor.objects.get(slug="sunrise-retail"),
                                                note="isolation sweep")[0]


def _import_job(supplier_slug: str) -> ImportJob:
    supplier = Supplier.objects.get(slug=supplier_slug)
    return ImportJob.objects.get_or_create(supplier=supplier, filename="catalogue.csv",
                                           defaults={"staged_name": "gone.csv", "status": ImportJob.Status.DONE,
                                                     "report": {"products": 0}})[0]


def _stock_row(**location):
    """A stock row of the first location matching `location` (e.g. store__slug=..., supplier__slug=...)."""
    from supplier.models import WarehouseStock

    return WarehouseStock.objects.filter(**{f"warehouse__{key}": value for key, value in location.items()}) \
        .order_by("pk").first()


def _transfer(**location):
    """A transfer in transit between two locations of one holder (a second location is made when needed),
    written directly (the sweep only needs the row)."""
    from django.utils import timezone

    from inventory.models import Transfer

    [(lookup, slug)] = location.items()
    field = lookup.removesuffix("__slug")
    holder = (Store if field == "store" else Supplier).objects.get(slug=slug)
    places = list(Warehouse.objects.filter(**location).order_by("pk")[:2])
    if len(places) < 2:
        places.append(Warehouse.objects.get_or_create(code="isolation-back", **{field: holder},
                                                      defaults={"name": "Back room"})[0])
    existing = Transfer.objects.filter(from_location=places[0], to_location=places[1]).order_by("pk").first()
    return existing or Transfer.objects.create(from_location=places[0], to_location=places[1],
                                               dispatched_at=timezone.now(), note="isolation sweep")


# Operator back-office URLs: every party user is kept out (sent to sign in, never shown data).
OPERATOR_TARGETS: dict[str, Callable[[], dict]] = {
    "dashboard:mp-supplier-detail": lambda: _pk(Supplier.objects.get(slug="golden-grain")),
    "dashboard:mp-distributor-detail": lambda: _pk(Distributor.objects.get(slug="harbor-goods")),
    "dashboard:mp-store-detail": lambda: _pk(Store.objects.get(slug="harbor-online")),
    "dashboard:mp-party-status": lambda: {"kind": "store",
                                          "pk": Store.objects.get(slug="harbor-online").pk},
    "dashboard:mp-party-plan": lambda: {"kind": "distributor",
                                        "pk": Distributor.objects.get(slug="harbor-goods").pk},
    "dashboard:mp-plan-update": lambda: _pk(Plan.objects.get(code="pro")),
    "dashboard:mp-application-detail": lambda: _pk(_open_application()),
    "dashboard:mp-application-licence": lambda: _pk(_open_application()),
    "dashboard:mp-application-approve": lambda: _pk(_open_application()),
    "dashboard:mp-application-reject": lambda: _pk(_open_application()),
    "dashboard:mp-review-detail": lambda: _pk(_product("golden-grain", state="submitted")),
    "dashboard:mp-catalogue-detail": lambda: _pk(_product("golden-grain")),
    **{f"dashboard:mp-payment-{name}": lambda: _pk(_offline_payment("harbor-online"))
       for name in ("detail", "mark-paid", "refund")},
}



def _open_application() -> Application:
    return Application.objects.get(email="hello@mountainspring.test", kind="supplier")


@dataclass(frozen=True)
class TokenTarget:
    """A public URL whose secret token is the only key: `own()` opens it, every `wrong()` token must 404."""

    own: Callable[[], dict]
    wrong: Callable[[], list[dict]]


def _wrong_tokens(real: str) -> list[dict]:
    flipped = real[:-1] + ("A" if real[-1] != "A" else "B")
    return [{"token": flipped}, {"token": real.upper() if real.upper() != real else real.lower()},
            {"token": real[:-1]}, {"token": "x"}]


# Token URLs reachable without signing in: anyone holding another applicant's token is them, so the
# sweep checks that near-miss and made-up tokens reveal nothing.
TOKEN_TARGETS: dict[str, TokenTarget] = {
    "onboarding:status": TokenTarget(
        own=lambda: {"token": _open_application().token},
        wrong=lambda: _wrong_tokens(_open_application().token),
    ),
    # An invitation link: whoever holds it may join the inviter's team, so near-miss tokens must reveal nothing.
    "distributor:team-join": TokenTarget(
        own=lambda: {"token": _invitation().token},
        wrong=lambda: _wrong_tokens(_invitation().token),
    ),
}

# Public pages keyed by a slug that belongs to nobody's private data: every store's storefront is meant for
# every visitor. The sweep checks that an open store opens for anyone and a made-up one reveals nothing.
PUBLIC_TARGETS: dict[str, TokenTarget] = {
    name: TokenTarget(
        own=lambda: {"store_slug": "sunrise-online"},
        wrong=lambda: [{"store_slug": "sunrise-onlin"}, {"store_slug": "no-such-store"}],
    )
    for name in ("storefront:home", "storefront:about")
}


PARTY_USERS = ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test", "multi@demo.test",
               "shopper@demo.test"]


def membership_of(email: str) -> Membership:
    return Membership.objects.filter(user__email=email).order_by("pk").first()


@dataclass(frozen=True)
class PostTarget:
    """A POST-only shopper URL: `own()` is the actor's object (answered with a redirect), `foreign()` another
    visitor's, or a store that does not exist (404)."""

    actor: str
    own: Callable[[], dict]
    foreign: Callable[[], dict]


def _basket_line_of(email: str) -> dict:
    """A line in this user's open basket (put there when there is none)."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_class, get_model

    user = get_user_model().objects.get(email=email)
    basket = get_model("basket", "Basket").open.get_or_create(owner=user)[0]
    line = basket.lines.order_by("pk").first()
    if line is None:
        basket.strategy = get_class("partner.strategy", "Selector")().strategy()
        store = Store.objects.get(slug="sunrise-online")
        listing = sellable_listings(store=store).select_related("stockrecord__product").order_by("pk").first()
        line, _created = basket.add_product(listing.stockrecord.product, 1, store=store)
    return {"line_pk": line.pk}


POST_TARGETS: dict[str, PostTarget] = {
    "storefront:basket-line": PostTarget(
        actor="shopper@demo.test",
        own=lambda: _basket_line_of("shopper@demo.test"),
        foreign=lambda: _basket_line_of("multi@demo.test"),
    ),
    "storefront:basket-add": PostTarget(
        actor="shopper@demo.test",
        own=lambda: {"store_slug": "sunrise-online"},
        foreign=lambda: {"store_slug": "no-such-store"},
    ),
}


def _notification_of(email: str) -> dict:
    """An event this user was told about (emitted here, addressed to the user alone)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from notifications.audiences import Audience
    from notifications.services import event_emit

    with transaction.atomic():
        event = event_emit(kind="order.shipped", params={"number": "ISO-1", "carrier": "SF", "tracking": "SF1"},
                           audiences=[Audience.user(get_user_model().objects.get(email=email).pk)])
    return {"event_id": event.pk}


# Opening a notification (/notifications/<event id>/) marks it read and redirects (302) to its object, for GET
# and POST alike; another user's event is a 404.
POST_TARGETS["notifications:open"] = PostTarget(
    actor="shopper@demo.test",
    own=lambda: _notification_of("shopper@demo.test"),
    foreign=lambda: _notification_of("multi@demo.test"),
)

# The shopper's order page: their own order opens, another shopper's is a 404 (guests: tests/test_checkout.py).
PORTAL_TARGETS["storefront:order"] = PortalTarget(
    actor="shopper@demo.test",
    own=lambda: _order_of("shopper@demo.test"),
    foreign=lambda: _order_of("multi@demo.test"),
)


# Fulfilment (storefront.fulfilment): a group, parcel or wave of a location the actor does not ship is a 404, in
# the store admin portal (a store's own locations) and the supplier portal (its warehouses) alike.
def _fulfilment_group(*, supplier: str = "", store: str = ""):
    from storefront.models import FulfilmentGroup

    where = {"warehouse__supplier__slug": supplier} if supplier else {"warehouse__store__slug": store}
    existing = FulfilmentGroup.objects.filter(status=FulfilmentGroup.Status.PENDING, **where).order_by("pk").first()
    if existing is not None:
        return existing
    from tests.payment_helpers import order_in

    order = order_in(store or "sunrise-online")
    return FulfilmentGroup.objects.filter(order=order, **where).get()


def _fulfilment_parcel(**where):
    from storefront.fulfilment.models import Parcel
    from storefront.fulfilment.services import fulfilment_group_move

    key = {"group__warehouse__supplier__slug": where["supplier"]} if where.get("supplier") else {
        "group__warehouse__store__slug": where["store"]}
    existing = Parcel.objects.filter(**key).order_by("pk").first()
    if existing is not None:
        return existing
    group = _fulfilment_group(**where)
    fulfilment_group_move(group=group, status="shipped", actor=None)
    return Parcel.objects.filter(group=group).get()


def _fulfilment_wave(**where):
    from storefront.fulfilment.models import Wave
    from storefront.fulfilment.services import wave_create

    key = {"location__supplier__slug": where["supplier"]} if where.get("supplier") else {
        "location__store__slug": where["store"]}
    return Wave.objects.filter(**key).order_by("pk").first() or wave_create(groups=[_fulfilment_group(**where)],
                                                                           actor=None)


for _ns, _actor, _own, _foreign in (
    ("storeadmin", "shopstaff@demo.test", {"store": "sunrise-nanjing-road"}, {"store": "harbor-online"}),
    ("supplier", "supplier@demo.test", {"supplier": "green-leaf-tea"}, {"supplier": "golden-grain"}),
):
    for _name, _find, _methods in (("fulfilment-detail", _fulfilment_group, ("get", "post")),
                                   ("fulfilment-ship", _fulfilment_group, ("get", "post")),
                                   ("fulfilment-cancel", _fulfilment_group, ("get", "post")),
                                   ("fulfilment-parcel", _fulfilment_parcel, ("get",)),
                                   ("wave-detail", _fulfilment_wave, ("get", "post"))):
        PORTAL_TARGETS[f"{_ns}:{_name}"] = PortalTarget(
            actor=_actor, own=lambda find=_find, where=_own: _pk(find(**where)),
            foreign=lambda find=_find, where=_foreign: _pk(find(**where)), methods=_methods)

# --- settlement (issue 8): each part lists its own id-taking URLs ----------------------------------------------------
from tests.isolation_reconciliation import ENTRIES as RECONCILIATION_ENTRIES  # noqa: E402

OPERATOR_TARGETS.update(RECONCILIATION_ENTRIES)
from tests.isolation_withdrawals import OPERATOR_ENTRIES as WITHDRAWAL_ENTRIES  # noqa: E402

OPERATOR_TARGETS.update(WITHDRAWAL_ENTRIES)
from tests.isolation_statements import ENTRIES as STATEMENT_ENTRIES  # noqa: E402

OPERATOR_TARGETS.update(STATEMENT_ENTRIES)

# --- the operator's back-office (issue 9) ----------------------------------------------------------------------------
from tests.isolation_customers import OPERATOR_ENTRIES as CUSTOMER_OPERATOR_ENTRIES  # noqa: E402
from tests.isolation_customers import PORTAL_ENTRIES as CUSTOMER_PORTAL_ENTRIES  # noqa: E402

PORTAL_TARGETS.update(CUSTOMER_PORTAL_ENTRIES)
OPERATOR_TARGETS.update(CUSTOMER_OPERATOR_ENTRIES)
from tests.isolation_settings import OPERATOR_ENTRIES as SETTINGS_ENTRIES  # noqa: E402

OPERATOR_TARGETS.update(SETTINGS_ENTRIES)
from tests.isolation_reports import ENTRIES as REPORT_ENTRIES  # noqa: E402

OPERATOR_TARGETS.update(REPORT_ENTRIES)
from tests.isolation_grants import OPERATOR_ENTRIES as GRANT_OPERATOR_ENTRIES  # noqa: E402
from tests.isolation_grants import PORTAL_ENTRIES as GRANT_PORTAL_ENTRIES  # noqa: E402

OPERATOR_TARGETS.update(GRANT_OPERATOR_ENTRIES)
PORTAL_TARGETS.update({name: PortalTarget(**entry) for name, entry in GRANT_PORTAL_ENTRIES.items()})

# --- content and integration (issue 10) ------------------------------------------------------------------------------
from tests.isolation_announcements import OPERATOR_ENTRIES as ANNOUNCEMENT_OPERATOR_ENTRIES  # noqa: E402
from tests.isolation_announcements import PORTAL_ENTRIES as ANNOUNCEMENT_PORTAL_ENTRIES  # noqa: E402
from tests.isolation_api_tokens import OPERATOR_ENTRIES as API_TOKEN_OPERATOR_ENTRIES  # noqa: E402
from tests.isolation_api_tokens import PORTAL_ENTRIES as API_TOKEN_PORTAL_ENTRIES  # noqa: E402
from tests.isolation_webhooks import OPERATOR_ENTRIES as WEBHOOK_OPERATOR_ENTRIES  # noqa: E402
from tests.isolation_webhooks import PORTAL_ENTRIES as WEBHOOK_PORTAL_ENTRIES  # noqa: E402

for _entries in (ANNOUNCEMENT_PORTAL_ENTRIES, API_TOKEN_PORTAL_ENTRIES, WEBHOOK_PORTAL_ENTRIES):
    PORTAL_TARGETS.update({name: PortalTarget(**entry) for name, entry in _entries.items()})
for _entries in (ANNOUNCEMENT_OPERATOR_ENTRIES, API_TOKEN_OPERATOR_ENTRIES, WEBHOOK_OPERATOR_ENTRIES):
    OPERATOR_TARGETS.update(_entries)
