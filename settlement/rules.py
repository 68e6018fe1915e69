"""Commission rules: a new version is published, never edited (an order is split under the version in force when it
was placed, so rewriting a version would rewrite history)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, saved_user
from parties.locking import lock_rows
from settlement.models import CommissionRule, CommissionRuleSet, FeeBearer

MAX_RATE = Decimal("0.5")


@dataclass(frozen=True)
class RuleInput:
    """One rule of a new version: a category and/or a store level, the rate (0.0500 is 5 %) and the supplier's
    share of the commission in per cent."""

    category: object | None
    plan: object | None
    rate: Decimal
    supplier_share: int


def commission_rule_versions():
    return CommissionRuleSet.objects.select_related("created_by").prefetch_related(
        "rules__category", "rules__plan").order_by("-effective_from", "-version")


def commission_rules_in_force(*, when=None) -> CommissionRuleSet | None:
    return (CommissionRuleSet.objects.filter(effective_from__lte=when or timezone.now())
            .order_by("-effective_from", "-version").first())


def _check(*, effective_from, default_rate, default_supplier_share, gateway_fee_percent, gateway_fee_fixed,
           gateway_fee_bearer, rules, now) -> None:
    errors = []
    if effective_from < now:
        errors.append(_("The new version must come into force now or later, not in the past."))
    latest = CommissionRuleSet.objects.order_by("-effective_from").values_list("effective_from", flat=True).first()
    if latest is not None and effective_from < latest:
        errors.append(_("The new version cannot come into force before the latest version (%(when)s).")
                      % {"when": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M")})
    rates = [default_rate, *(rule.rate for rule in rules)]
    if any(rate < 0 or rate > MAX_RATE for rate in rates):
        errors.append(_("Commission rates must be between 0 and 50 %."))
    shares = [default_supplier_share, *(rule.supplier_share for rule in rules)]
    if any(share < 0 or share > 100 for share in shares):
        errors.append(_("The supplier's share must be between 0 and 100 %."))
    if gateway_fee_percent < 0 or gateway_fee_fixed < 0:
        errors.append(_("The card fee cannot be negative."))
    if gateway_fee_bearer not in FeeBearer.values:
        errors.append(_("Choose who bears the card fee."))
    seen = set()
    for rule in rules:
        if rule.category is None and rule.plan is None:
            errors.append(_("Each rule needs a category, a store level or both."))
            continue
        pair = (getattr(rule.category, "pk", None), getattr(rule.plan, "pk", None))
        if pair in seen:
            errors.append(_("Two rules for the same category and store level (%(category)s · %(plan)s): keep one.")
                          % {"category": rule.category or _("any category"), "plan": rule.plan or _("any level")})
        seen.add(pair)
    if errors:
        raise ValidationError(errors)


def commission_rules_create(*, effective_from, default_rate: Decimal, default_supplier_share: int,
                            gateway_fee_percent: Decimal, gateway_fee_fixed: Decimal, gateway_fee_bearer: str,
                            note: str = "", rules: list[RuleInput] = (), actor=None) -> CommissionRuleSet:
    """Publish the next version (max + 1) with its rules, in one transaction, audited. Raises ValidationError."""
    rules = list(rules)
    with transaction.atomic():
        lock_rows(CommissionRuleSet.objects.all())  # two operators publishing at once get consecutive versions
        _check(effective_from=effective_from, default_rate=default_rate,
               default_supplier_share=default_supplier_share, gateway_fee_percent=gateway_fee_percent,
               gateway_fee_fixed=gateway_fee_fixed, gateway_fee_bearer=gateway_fee_bearer, rules=rules,
               now=timezone.now() - timedelta(minutes=1))
        version = (CommissionRuleSet.objects.aggregate(top=Max("version"))["top"] or 0) + 1
        ruleset = CommissionRuleSet.objects.create(
            version=version, effective_from=effective_from, default_rate=default_rate,
            default_supplier_share=default_supplier_share, gateway_fee_percent=gateway_fee_percent,
            gateway_fee_fixed=gateway_fee_fixed, gateway_fee_bearer=gateway_fee_bearer, note=note,
            created_by=saved_user(actor))
        CommissionRule.objects.bulk_create(
            CommissionRule(ruleset=ruleset, category=rule.category, plan=rule.plan, rate=rule.rate,
                           supplier_share=rule.supplier_share) for rule in rules)
        audit_record(action="commission_rules.created", actor=actor, target=ruleset, changes={
            "version": version, "effective_from": effective_from.isoformat(), "default_rate": str(default_rate),
            "default_supplier_share": default_supplier_share, "gateway_fee_percent": str(gateway_fee_percent),
            "gateway_fee_fixed": str(gateway_fee_fixed), "gateway_fee_bearer": gateway_fee_bearer,
            "rules": [{"category": getattr(r.category, "pk", None), "plan": getattr(r.plan, "pk", None),
                       "rate": str(r.rate), "supplier_share": r.supplier_share} for r in rules]})
    return ruleset


def commission_rules_initial() -> CommissionRuleSet:
    """Version 1 (what migration 0002 creates): for a database flushed by tests and reloaded by the demo."""
    from datetime import UTC, datetime

    found = CommissionRuleSet.objects.filter(version=1).first()
    return found or CommissionRuleSet.objects.create(
        version=1, effective_from=datetime(2000, 1, 1, tzinfo=UTC), default_rate=Decimal("0.0500"),
        default_supplier_share=0, gateway_fee_percent=Decimal("2.90"), gateway_fee_fixed=Decimal("0.30"),
        gateway_fee_bearer=FeeBearer.PLATFORM, note="Initial rules")
