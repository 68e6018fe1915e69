"""Distributor commands: list supplier SKUs in stores at a price, pause and remove listings, reprice them when
suppliers or the operator change prices, build teams through invitations, publish bonus rule versions.

Each command checks everything first and writes nothing when anything is wrong (all-or-nothing).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record
from distributor import emails, pricing
from distributor.models import (
    BonusBasis,
    BonusRuleSet,
    Listing,
    ListingFlag,
    PricePolicy,
    PriceRule,
    TeamInvitation,
    TeamLink,
)
from distributor.selectors import market_records, price_policy, upline_chain
from notifications.audiences import Audience
from notifications.services import event_emit
from parties.locking import lock_rows
from parties.models import Distributor, Store
from parties.scoping import Scope, scoped

StockRecord = get_model("partner", "StockRecord")

class ListingError(ValidationError):
    """The request names these problems; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems)


class TeamError(ValidationError):
    def __init__(self, message: str):
        self.problem = message
        super().__init__(message)


class BonusRulesError(ValidationError):
    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__([f"{key}: {value}" for key, value in problems.items()])


# --- listings ----------------------------------------------------------------------------------------------------


def _distributor_stores(distributor: Distributor, store_ids) -> tuple[list[Store], list[str]]:
    wanted = {int(pk) for pk in store_ids}
    stores = list(scoped(Store.objects.all(), scope=Scope.for_party(distributor)).filter(pk__in=wanted)
                  .order_by("pk"))
    problems = [] if wanted else [_("Choose at least one store.")]
    if len(stores) != len(wanted):
        problems.append(_("One of the chosen stores is not yours."))
    return stores, problems


def listings_save(*, actor, distributor: Distributor, store_ids, record_ids, rule: str,
                  fixed_price: Decimal | None = None, markup_percent: Decimal | None = None) -> list[Listing]:
    """List every chosen SKU in every chosen store at the rule's price (an existing listing takes the new rule).

    Only SKUs of products in the distribution market can be listed; every price must lie within
    [supplier floor, operator ceiling]. Problems are collected for all pairs before anything is written.
    """
    if rule not in PriceRule.values:
        raise ListingError([_("Choose how the price is set.")])
    stores, problems = _distributor_stores(distributor, store_ids)
    wanted_records = {int(pk) for pk in record_ids}
    records = list(market_records().filter(pk__in=wanted_records).order_by("pk"))
    if not wanted_records:
        problems.append(_("Choose at least one SKU."))
    elif len(records) != len(wanted_records):
        problems.append(_("Only products in the distribution market can be listed: one of the chosen SKUs is "
                          "not approved or is off shelf, or its supplier is suspended."))
    if problems:
        raise ListingError(problems)
    policy = price_policy()
    planned: list[tuple[Store, object, Decimal]] = []
    for store in stores:
        for record in records:
            try:
                price = pricing.rule_price(rule=rule, wholesale=record.wholesale_price, suggested=record.price,
                                           fixed_price=fixed_price, markup_percent=markup_percent,
                                           ending=store.price_ending)
            except pricing.PriceProblem as problem:
                problems.append(_("%(store)s, %(sku)s: %(problem)s") % {
                    "store": store, "sku": record.partner_sku, "problem": problem})
                continue
            band = pricing.price_band(wholesale=record.wholesale_price, floor=record.min_retail_price,
                                      suggested=record.price,
                                      max_over_suggested_percent=policy.max_over_suggested_percent)
            flag = band.flag_for(price)
            if flag == ListingFlag.BELOW_FLOOR:
                problems.append(_("%(store)s, %(sku)s: %(price)s is below the supplier's floor of %(floor)s.") % {
                    "store": store, "sku": record.partner_sku, "price": price, "floor": band.floor})
            elif flag == ListingFlag.ABOVE_CEILING:
                problems.append(_("%(store)s, %(sku)s: %(price)s is above the marketplace ceiling of %(ceiling)s.")
                                % {"store": store, "sku": record.partner_sku, "price": price,
                                   "ceiling": band.ceiling})
            else:
                planned.append((store, record, price))
    if problems:
        raise ListingError(problems)
    with transaction.atomic():
        existing = {(listing.store_id, listing.stockrecord_id): listing for listing in lock_rows(
            Listing.objects.filter(store__in=stores, stockrecord__in=records))}
        entry_of = dict(market_records().filter(pk__in=wanted_records).values_list("pk", "entry_id"))
        saved = []
        for store, record, price in planned:
            listing = existing.get((store.pk, record.pk)) or Listing(store=store, stockrecord=record,
                                                                     entry_id=entry_of[record.pk])
            listing.rule = rule
            listing.fixed_price = fixed_price if rule == PriceRule.FIXED else None
            listing.markup_percent = markup_percent if rule == PriceRule.MARKUP else None
            listing.price = price
            listing.flag, listing.flagged_at = ListingFlag.NONE, None
            saved.append(listing)
        new = [listing for listing in saved if listing.pk is None]
        Listing.objects.bulk_create(new)
        Listing.objects.bulk_update([listing for listing in saved if listing not in new],
                                    ["rule", "fixed_price", "markup_percent", "price", "flag", "flagged_at",
                                     "updated_at"])
        audit_record(action="listing.save", actor=actor, target=distributor, changes={
            "stores": [s.pk for s in stores], "skus": [r.partner_sku for r in records], "rule": rule,
            "fixed_price": str(fixed_price) if fixed_price is not None else None,
            "markup_percent": str(markup_percent) if markup_percent is not None else None,
            "created": len(new), "updated": len(saved) - len(new)})
    return saved


def listings_set_paused(*, actor, listings, paused: bool) -> int:
    """Pause (hide from shoppers) or resume listings; returns how many changed."""
    with transaction.atomic():
        locked = lock_rows(Listing.objects.filter(pk__in=[listing.pk for listing in listings]))
        changed = [listing.pk for listing in locked if listing.is_paused != paused]
        Listing.objects.filter(pk__in=changed).update(is_paused=paused, updated_at=timezone.now())
        if changed:
            audit_record(action="listing.pause" if paused else "listing.resume", actor=actor,
                         changes={"listings": changed})
    return len(changed)


def listings_remove(*, actor, listings) -> int:
    """Take listings out of their stores; orders keep their own copy of what was sold."""
    with transaction.atomic():
        locked = lock_rows(Listing.objects.filter(pk__in=[listing.pk for listing in listings]))
        ids = [listing.pk for listing in locked]
        Listing.objects.filter(pk__in=ids).delete()
        if ids:
            audit_record(action="listing.remove", actor=actor, changes={"listings": ids})
    return len(ids)


@dataclass
class RepriceResult:
    examined: int = 0
    repriced: int = 0
    newly_flagged: int = 0
    cleared: int = 0
    flagged_by_distributor: dict[int, list[int]] = field(default_factory=dict)


def listings_reprice(*, record_ids=None, reason: str = "") -> RepriceResult:
    """Bring listings of these SKUs (all listings when None) in line with current supplier and operator prices.

    Suggested-price and markup listings follow the new figures (a markup is rounded up to the store's ending);
    fixed prices stay. A price that now falls outside [floor, ceiling] flags the listing, which hides it from
    shoppers until the distributor fixes it; its distributor is told by e-mail once the change commits.
    Writes one UPDATE per distinct (price, flag) pair, not one per row.
    """
    policy = price_policy()
    qs = Listing.objects.all()
    if record_ids is not None:
        qs = qs.filter(stockrecord_id__in=list(record_ids))
    rows = qs.values_list("pk", "rule", "fixed_price", "markup_percent", "price", "flag", "store__price_ending",
                          "store__distributor_id", "stockrecord__wholesale_price", "stockrecord__price",
                          "stockrecord__min_retail_price")
    result = RepriceResult()
    groups: dict[tuple[Decimal, str], list[int]] = defaultdict(list)
    flagged: dict[int, list[int]] = defaultdict(list)
    for pk, rule, fixed, markup, price, flag, ending, distributor_id, wholesale, suggested, floor in rows.iterator():
        result.examined += 1
        try:
            new_price = pricing.rule_price(rule=rule, wholesale=wholesale, suggested=suggested, fixed_price=fixed,
                                           markup_percent=markup, ending=ending, strict=False)
        except pricing.PriceProblem:
            new_price = price  # the SKU lost the figure its rule needs: keep the price, the band decides
        band = pricing.price_band(wholesale=wholesale, floor=floor, suggested=suggested,
                                  max_over_suggested_percent=policy.max_over_suggested_percent)
        new_flag = band.flag_for(new_price)
        if (new_price, new_flag) == (price, flag):
            continue
        groups[(new_price, new_flag)].append(pk)
        result.repriced += new_price != price
        if new_flag and not flag:
            result.newly_flagged += 1
            if distributor_id:
                flagged[distributor_id].append(pk)
        elif flag and not new_flag:
            result.cleared += 1
    if not groups:
        return result
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = [(ops.adapt_decimalfield_value(new_price, 12, 2), new_flag, now if new_flag else None, now, pk)
            for (new_price, new_flag), ids in groups.items() for pk in ids]
    table = connection.ops.quote_name(Listing._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # One prepared statement run for every changed row (the driver loops, not Python and the ORM compiler).
        cursor.executemany(f"UPDATE {table} SET price = %s, flag = %s, flagged_at = %s, updated_at = %s "
                           f"WHERE id = %s", rows)
        result.flagged_by_distributor = dict(flagged)
        for distributor_id, ids in flagged.items():
            transaction.on_commit(partial(emails.send_listings_flagged, distributor_id, ids, reason), robust=True)
    return result


def price_policy_update(*, actor, max_over_suggested_percent: Decimal) -> RepriceResult:
    """Change the operator's ceiling; every listing is checked against it at once."""
    if max_over_suggested_percent is None or max_over_suggested_percent < 0:
        raise ListingError([_("The ceiling is a percentage of zero or more over the suggested retail price.")])
    with transaction.atomic():
        [policy] = lock_rows(PricePolicy.objects.filter(pk=price_policy().pk))
        before = policy.max_over_suggested_percent
        policy.max_over_suggested_percent = max_over_suggested_percent
        policy.updated_by = actor
        policy.save()
        audit_record(action="price_policy.update", actor=actor, target=policy,
                     changes={"max_over_suggested_percent": [str(before), str(max_over_suggested_percent)]})
        return listings_reprice(reason=_("The marketplace changed its price ceiling."))


# --- teams -------------------------------------------------------------------------------------------------------


def team_invitation_create(*, actor, distributor: Distributor, note: str = "") -> TeamInvitation:
    invitation = TeamInvitation.objects.create(inviter=distributor, note=note.strip()[:200], created_by=actor)
    audit_record(action="team.invite", actor=actor, target=distributor, changes={"invitation": invitation.pk})
    return invitation


def team_join_problem(*, invitation: TeamInvitation | None, distributor: Distributor) -> str:
    """Why `distributor` may not join through `invitation` ("" when it may)."""
    if invitation is None:
        return _("This invitation link is not valid.")
    if invitation.used_at is not None:
        return _("This invitation has already been used.")
    if invitation.inviter_id == distributor.pk:
        return _("This is your own invitation; send it to the distributor you want to recruit.")
    link = TeamLink.objects.filter(distributor=distributor).select_related("upline").first()
    if link is not None:
        return _("%(company)s is already in the team of %(upline)s; a distributor belongs to one team.") % {
            "company": distributor, "upline": link.upline}
    if distributor.pk in {d.pk for d in upline_chain(distributor=invitation.inviter, levels=None)}:
        return _("%(inviter)s is already in your team; joining its team would make a loop.") % {
            "inviter": invitation.inviter}
    return ""


def team_join(*, actor, token: str, distributor: Distributor) -> TeamLink:
    """`distributor` joins the inviter's team as a direct member; the invitation is used up."""
    with transaction.atomic():
        invitations = lock_rows(TeamInvitation.objects.filter(token=token))
        invitation = invitations[0] if invitations else None
        problem = team_join_problem(invitation=invitation, distributor=distributor)
        if problem:
            raise TeamError(problem)
        link = TeamLink.objects.create(distributor=distributor, upline=invitation.inviter)
        invitation.used_by, invitation.used_at = distributor, timezone.now()
        invitation.save(update_fields=["used_by", "used_at"])
        audit_record(action="team.join", actor=actor, target=distributor,
                     changes={"upline": invitation.inviter_id, "invitation": invitation.pk})
        event_emit(kind="team.member_joined", audiences=[Audience.distributor(invitation.inviter_id)],
                   params={"member": distributor.display_name, "distributor": distributor.pk})
    return link


def bonus_rules_publish(*, actor, levels: int, basis: str, level_percents: tuple[Decimal, ...],
                        min_monthly_sales: Decimal, effective_from) -> BonusRuleSet:
    """A new version of the team bonus rules, in force from `effective_from` (now or later, never earlier)."""
    problems: dict[str, str] = {}
    if levels not in (0, 1, 2, 3):
        problems["levels"] = _("Bonuses reach 0 to 3 levels up the team.")
    if basis not in BonusBasis.values:
        problems["basis"] = _("Choose whether bonuses are a share of the margin or of the sale.")
    percents = list(level_percents) + [Decimal("0")] * (3 - len(level_percents))
    for number, percent in enumerate(percents[:3], start=1):
        if percent is None or percent < 0 or percent > 100:
            problems[f"level_{number}_percent"] = _("A percentage between 0 and 100.")
        elif number > levels and percent:
            problems[f"level_{number}_percent"] = _("Only %(levels)s levels are paid; leave this at 0.") % {
                "levels": levels}
    if not problems and sum(percents[:3]) > 100:
        problems["level_1_percent"] = _("Together the levels cannot pay more than 100%.")
    if min_monthly_sales is None or min_monthly_sales < 0:
        problems["min_monthly_sales"] = _("Zero or more.")
    now = timezone.now()
    if effective_from is None or effective_from < now - timezone.timedelta(minutes=1):
        problems["effective_from"] = _("Rules cannot change the past: choose now or a later time.")
    with transaction.atomic():
        latest = BonusRuleSet.objects.order_by("-version").first()  # a racing publish fails on the unique version
        if latest and effective_from and effective_from <= latest.effective_from and "effective_from" not in problems:
            problems["effective_from"] = _("Version %(version)s is in force from %(when)s; the new one must start "
                                           "later.") % {"version": latest.version, "when": latest.effective_from}
        if problems:
            raise BonusRulesError(problems)
        rules = BonusRuleSet.objects.create(
            version=(latest.version + 1) if latest else 1, levels=levels, basis=basis,
            level_1_percent=percents[0], level_2_percent=percents[1], level_3_percent=percents[2],
            min_monthly_sales=min_monthly_sales, effective_from=effective_from, created_by=actor)
        audit_record(action="bonus_rules.publish", actor=actor, target=rules, changes={
            "version": rules.version, "levels": levels, "basis": basis,
            "percents": [str(p) for p in percents[:3]], "min_monthly_sales": str(min_monthly_sales)})
    return rules


def records_repriced_for_entry(*, entry_id: int, reason: str) -> RepriceResult:
    """Called by the catalogue after a supplier edits a product's prices: reprice that product's listings."""
    record_ids = StockRecord.objects.filter(Q(product__supplier_entry__pk=entry_id)
                                            | Q(product__parent__supplier_entry__pk=entry_id)).values_list(
        "pk", flat=True)
    return listings_reprice(record_ids=list(record_ids), reason=reason)
