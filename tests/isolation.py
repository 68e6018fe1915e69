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
    # A public storefront page (any visitor may open it; the sweep's actor is a shopper): a product is reachable
    # in a store only while it has a sellable listing there; one listed only in another store is a 404.
    "storefront:product": PortalTarget(
        actor="shopper@demo.test",
        own=lambda: {"store_slug": "sunrise-online", "entry_pk": _store_entry("sunrise-online").pk},
        foreign=lambda: {"store_slug": "sunrise-online",
                         "entry_pk": _store_entry("harbor-online", not_in="sunrise-online").pk},
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


def _invitation() -> TeamInvitation:
    """An unused invitation of Sunrise Retail, the distributor@demo.test's company."""
    return TeamInvitation.objects.get_or_create(inviter=Distributor.objects.get(slug="sunrise-retail"),
                                                note="isolation sweep")[0]


def _import_job(supplier_slug: str) -> ImportJob:
    supplier = Supplier.objects.get(slug=supplier_slug)
    return ImportJob.objects.get_or_create(supplier=supplier, filename="catalogue.csv",
                                           defaults={"staged_name": "gone.csv", "status": ImportJob.Status.DONE,
                                                     "report": {"products": 0}})[0]


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
    "storefront:home": TokenTarget(
        own=lambda: {"store_slug": "sunrise-online"},
        wrong=lambda: [{"store_slug": "sunrise-onlin"}, {"store_slug": "no-such-store"}],
    ),
}

PARTY_USERS = ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test", "multi@demo.test",
               "shopper@demo.test"]


def membership_of(email: str) -> Membership:
    return Membership.objects.filter(user__email=email).order_by("pk").first()
