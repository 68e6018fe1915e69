"""Every kind of event the platform tells people about: its wording, whether it rings, and where it links to.

Wording is kept as a translatable format and rendered when shown (in the reader's language), from the `params`
stored with the event. `links` maps an audience kind to the page its members open; a kind an audience has no page
for links nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def _to(name: str, *keys: str) -> Callable[[dict], str]:
    return lambda params: reverse(name, args=[params[key] for key in keys])


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    title: str
    body: str = ""
    sound: bool = False
    links: dict[str, Callable[[dict], str]] = field(default_factory=dict)

    def link_for(self, audience_kind: str, params: dict) -> str:
        make = self.links.get(audience_kind)
        return make(params) if make else ""


KINDS: dict[str, EventKind] = {kind.code: kind for kind in [
    EventKind("order.placed", _("New order"), _("New order %(number)s"),
              _("%(items)s item(s), %(total)s, waiting for payment · %(store)s"), sound=True,
              links={"store": _to("storeadmin:home"), "user": _to("storefront:order", "number")}),
    EventKind("order.paid", _("Order paid"), _("Order %(number)s paid"), _("%(total)s received · %(store)s"),
              sound=True, links={"store": _to("storeadmin:fulfilment-list"),
                                 "user": _to("storefront:order", "number")}),
    EventKind("fulfilment.to_ship", _("Goods to ship"), _("Ship order %(number)s"),
              _("%(units)s unit(s) from %(location)s"), sound=True,
              links={"supplier": _to("supplier:fulfilment-detail", "group"),
                     "store": _to("storeadmin:fulfilment-detail", "group")}),
    EventKind("order.shipped", _("Shipped"), _("Order %(number)s shipped"), "%(carrier)s %(tracking)s",
              links={"user": _to("storefront:order", "number")}),
    EventKind("order.delivered", _("Delivered"), _("Order %(number)s delivered"),
              links={"user": _to("storefront:order", "number")}),
    EventKind("shipment.cancelled", _("Shipment cancelled"), _("Part of order %(number)s was cancelled"),
              "%(reason)s", links={"user": _to("storefront:order", "number")}),
    EventKind("return.requested", _("Return requested"), _("Return requested for order %(number)s"),
              "%(reason)s", sound=True, links={"store": _to("storeadmin:return-detail", "request")}),
    EventKind("return.approved", _("Return approved"), _("Your return for order %(number)s was approved"),
              "%(note)s", links={"user": _to("storefront:returns:list", "number")}),
    EventKind("return.rejected", _("Return declined"), _("Your return for order %(number)s was declined"),
              "%(note)s", links={"user": _to("storefront:returns:list", "number")}),
    EventKind("stock.low", _("Low stock"), _("Low stock: %(sku)s"),
              _("%(available)s left at %(location)s (alert at %(threshold)s)"),
              links={"supplier": _to("supplier:stock-alerts"), "store": _to("storeadmin:stock-alerts")}),
    EventKind("product.submitted", _("Product to review"), _("Product to review: %(title)s"), "%(supplier)s",
              links={"operator": _to("dashboard:mp-review-detail", "entry")}),
    EventKind("product.approved", _("Product approved"), _("%(title)s is approved"),
              _("It is now in the distribution market."),
              links={"supplier": _to("supplier:product-detail", "entry")}),
    EventKind("product.rejected", _("Product rejected"), _("%(title)s was rejected"), "%(reason)s",
              links={"supplier": _to("supplier:product-detail", "entry")}),
    EventKind("application.submitted", _("New application"), _("New application: %(company)s"),
              _("%(contact)s · %(email)s"), links={"operator": _to("dashboard:mp-application-detail", "application")}),
    EventKind("application.approved", _("Application approved"), _("Welcome: %(company)s is approved"),
              links={"user": _to("portal:landing")}),
    EventKind("team.member_joined", _("New team member"), _("%(member)s joined your team"),
              links={"distributor": _to("distributor:team")}),
    EventKind("stocktake.approved", _("Stocktake approved"), _("Stocktake at %(location)s approved"),
              _("%(lines)s line(s) adjusted"),
              links={"supplier": _to("supplier:stocktake-detail", "stocktake"),
                     "store": _to("storeadmin:stocktake-detail", "stocktake")}),
    EventKind("import.finished", _("Import finished"), _("Import of %(file)s finished"),
              _("%(created)s created, %(updated)s updated, %(failed)s row(s) refused"),
              links={"supplier": _to("supplier:import-job", "job")}),
    # Withdrawals (settlement.withdrawals.services)
    EventKind("withdrawal.requested", _("Withdrawal requested"), _("Withdrawal of %(amount)s requested"),
              "%(party)s", links={"operator": _to("dashboard:mp-withdrawal-list")}),
    EventKind("withdrawal.approved", _("Withdrawal approved"), _("Your withdrawal of %(amount)s was approved"),
              links={"supplier": _to("supplier:withdrawal-list"), "distributor": _to("distributor:withdrawal-list")}),
    EventKind("withdrawal.paid", pgettext_lazy("withdrawal", "Withdrawal paid"),
              _("Your withdrawal of %(amount)s was paid"), "%(reference)s",
              links={"supplier": _to("supplier:withdrawal-list"), "distributor": _to("distributor:withdrawal-list")}),
    # Announcements (announcements.services): said to every member of every party of the audience's kinds.
    EventKind("announcement.published", _("Announcement"), _("Announcement: %(title)s"),
              links={"every.supplier": _to("supplier:home"), "every.distributor": _to("distributor:home"),
                     "every.store": _to("storeadmin:home")}),
]}


def event_kind(code: str) -> EventKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"Unknown event kind {code!r}; add it to notifications.events.KINDS") from None


def render(*, kind: str, params: dict) -> tuple[str, str]:
    """The title and body of an event in the active language (a missing detail shows as empty, never fails).

    A detail written in both languages (`title` and `title_zh`, e.g. an announcement's) shows in the reader's."""
    spec = event_kind(kind)
    values = _Lenient(params)
    if (get_language() or "").startswith("zh"):
        values.update({key[:-3]: value for key, value in params.items() if key.endswith("_zh") and value})
    return str(spec.title) % values, (str(spec.body) % values if spec.body else "")


class _Lenient(dict):
    def __missing__(self, key):
        return ""
