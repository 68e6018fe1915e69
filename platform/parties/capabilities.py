"""What each role may do inside its party, and which capability each portal page needs.

Enforced in one place: `portal.mixins.PortalViewMixin.dispatch` looks up the page's URL name in `PAGE_CAPABILITIES`
and answers 403 when the acting membership's role lacks it; the portal navigation hides the same pages. Services
keep their own owner/manager checks (`LEADING_ROLES`) for the decisions only a party's leaders take.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parties.models import Role


class Capability(models.TextChoices):
    FINANCE = "finance", _("Finance")
    STOCK = "stock", _("Stock")
    FULFILMENT = "fulfilment", _("Fulfilment")
    SALES = "sales", _("Sales")
    CATALOGUE = "catalogue", _("Catalogue")
    TEAM = "team", _("People")
    SETTINGS = "settings", _("Store settings")
    INTEGRATIONS = "integrations", _("Integrations")


CAPABILITY_HELP = {
    Capability.FINANCE: _("balances, statements and their downloads, withdrawals"),
    Capability.STOCK: _("stock levels, stocktakes, warehouses, transfers"),
    Capability.FULFILMENT: _("orders to ship, pick waves, receiving returns"),
    Capability.SALES: _("point of sale, marking offline payments paid, customers"),
    Capability.CATALOGUE: _("products, listings, the distribution market, promotions"),
    Capability.TEAM: _("people and their roles, temporary grants, the distribution team"),
    Capability.SETTINGS: _("stores, storefront profile, delivery and returns"),
    Capability.INTEGRATIONS: _("API tokens and webhooks for outside systems"),
}

EVERYTHING = frozenset(Capability)

# Shop staff count and receive stock on the floor as well as selling and shipping.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: EVERYTHING,
    Role.MANAGER: EVERYTHING,
    Role.STAFF: frozenset({Capability.SALES, Capability.FULFILMENT, Capability.STOCK}),
    Role.FINANCE: frozenset({Capability.FINANCE}),
    Role.WAREHOUSE: frozenset({Capability.STOCK, Capability.FULFILMENT}),
}

OPEN = None  # a page every role may open (the home pages)


def _pages(namespace: str, capability, names: str) -> dict:
    return {f"{namespace}:{name}": capability for name in names.split()}


# API tokens (api/portal_urls.py) and webhooks (webhooks/portal_urls.py), the same pages in both portals.
INTEGRATION_PAGES = ("api-token-list api-token-create api-token-revoke webhook-list webhook-create webhook-detail "
                     "webhook-edit webhook-delete webhook-test delivery-detail delivery-retry")

# Every portal URL name → the capability it needs. `tests/test_roles.py` fails when a portal URL is missing here;
# until it is added, a missing page opens only for roles that hold every capability (owners and managers).
PAGE_CAPABILITIES: dict[str, Capability | None] = {
    # Supplier portal
    **_pages("supplier", OPEN, "home"),
    **_pages("supplier", Capability.CATALOGUE, "product-list product-create product-bulk-shelf product-import "
                                               "import-job product-import-template product-export product-detail "
                                               "product-edit product-submit product-shelf"),
    **_pages("supplier", Capability.STOCK, "product-stock warehouse-list warehouse-create warehouse-detail "
                                           "stocktake-list stocktake-start stocktake-detail stocktake-variance "
                                           "stocktake-cancel stock stock-detail stock-alerts stock-reorder "
                                           "transfer-list transfer-create transfer-detail"),
    **_pages("supplier", Capability.FULFILMENT, "return-list return-detail fulfilment-list fulfilment-detail "
                                                "fulfilment-ship fulfilment-cancel fulfilment-parcel wave-list "
                                                "wave-detail"),
    **_pages("supplier", Capability.FINANCE, "finance statement-csv statement-xlsx withdrawal-list"),
    **_pages("supplier", Capability.TEAM, "member-list member-grant member-revoke"),
    **_pages("supplier", Capability.INTEGRATIONS, INTEGRATION_PAGES),
    # Distributor portal
    **_pages("distributor", OPEN, "home"),
    **_pages("distributor", Capability.CATALOGUE, "market market-detail listing-list listing-bulk listing-category "
                                                  "listing-edit listing-pause listing-remove promotion-list "
                                                  "promotion-new-percentage promotion-new-spend promotion-new-gift "
                                                  "promotion-new-coupon promotion-detail promotion-pause "
                                                  "promotion-end"),
    **_pages("distributor", Capability.SETTINGS, "store-list store-detail"),
    **_pages("distributor", Capability.TEAM, "team member-list member-grant member-revoke"),
    **_pages("distributor", Capability.FINANCE, "finance statement-csv statement-xlsx withdrawal-list"),
    **_pages("distributor", Capability.SALES, "customer-list customer-detail"),
    # Store admin portal
    **_pages("storeadmin", OPEN, "home"),
    **_pages("storeadmin", Capability.TEAM, "member-list member-grant member-revoke"),
    **_pages("storeadmin", Capability.SETTINGS, "delivery storefront"),
    **_pages("storeadmin", Capability.FULFILMENT, "return-list return-detail fulfilment-list fulfilment-detail "
                                                  "fulfilment-ship fulfilment-cancel fulfilment-parcel wave-list "
                                                  "wave-detail"),
    **_pages("storeadmin", Capability.STOCK, "stocktake-list stocktake-start stocktake-detail stocktake-variance "
                                             "stocktake-cancel stock stock-detail stock-alerts stock-reorder "
                                             "transfer-list transfer-create transfer-detail"),
    **_pages("storeadmin", Capability.SALES, "pos pos-receipt"),
    **_pages("storeadmin", Capability.INTEGRATIONS, INTEGRATION_PAGES),
    # A store's offline payment, confirmed from the store admin portal
    **_pages("payments", Capability.SALES, "mark-paid"),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(role, frozenset())


class Unmapped:
    """The capability of a page missing from the map: only a role holding everything may open it."""

    label = _("every capability")


UNMAPPED = Unmapped()


def page_capability(view_name: str):
    """The capability a page needs: a Capability, OPEN (None), or UNMAPPED."""
    return PAGE_CAPABILITIES.get(view_name, UNMAPPED)


def role_may_open(role: str, view_name: str) -> bool:
    needed = page_capability(view_name)
    if needed is OPEN:
        return True
    held = capabilities_of(role)
    if needed is UNMAPPED:
        return held == EVERYTHING
    return needed in held


def capability_table() -> dict:
    """What the People page shows: one row per capability (label, what it covers, which roles hold it)."""
    roles = Role.values
    rows = [{"label": cap.label, "help": CAPABILITY_HELP[cap], "has": [cap in capabilities_of(r) for r in roles]}
            for cap in Capability]
    return {"roles": [Role(r).label for r in roles], "rows": rows}
