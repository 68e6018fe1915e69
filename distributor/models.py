"""Listings (a supplier SKU sold in a distributor's store at the store's price), the operator's price ceiling,
sub-distributor teams and their versioned bonus rules."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parties.money import CENT


class PricePolicy(models.Model):
    """The operator's ceiling on retail prices (one row): no listing may ask more than this over suggested retail."""

    max_over_suggested_percent = models.DecimalField(
        _("ceiling: max percent over suggested retail"), max_digits=6, decimal_places=2, default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("0"))])
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("price policy")

    def __str__(self) -> str:
        return f"+{self.max_over_suggested_percent}%"


class PriceRule(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested retail price")
    FIXED = "fixed", _("Fixed price")
    MARKUP = "markup", _("Markup over wholesale")


class ListingFlag(models.TextChoices):
    NONE = "", _("In band")
    BELOW_FLOOR = "below_floor", _("Below the supplier's price floor")
    ABOVE_CEILING = "above_ceiling", _("Above the operator's price ceiling")


class Listing(models.Model):
    """One SKU of a supplier product on sale in one store at that store's price.

    `price` is what shoppers see and pay (oscar's strategy reads it); the rule and its figure are kept so
    the price follows the supplier's wholesale and suggested prices when they change.
    """

    store = models.ForeignKey("mp_parties.Store", on_delete=models.PROTECT, related_name="listings",
                              verbose_name=_("store"))
    entry = models.ForeignKey("mp_supplier.SupplierProduct", on_delete=models.CASCADE, related_name="listings",
                              verbose_name=_("product"))
    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.CASCADE, related_name="listings",
                                    verbose_name=_("SKU"))
    rule = models.CharField(_("price rule"), max_length=16, choices=PriceRule.choices, default=PriceRule.SUGGESTED)
    fixed_price = models.DecimalField(_("fixed price"), max_digits=12, decimal_places=2, null=True, blank=True)
    markup_percent = models.DecimalField(_("markup %"), max_digits=7, decimal_places=2, null=True, blank=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    is_paused = models.BooleanField(_("paused"), default=False)
    flag = models.CharField(_("price check"), max_length=16, choices=ListingFlag.choices, blank=True, default="")
    flagged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["store_id", "entry_id", "stockrecord_id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "stockrecord"], name="mp_listing_one_per_store_sku"),
            models.CheckConstraint(condition=Q(price__gte=CENT), name="mp_listing_price_positive"),
        ]
        indexes = [models.Index(fields=["stockrecord", "store"], name="mp_listing_sku_store")]

    def __str__(self) -> str:
        return f"{self.stockrecord.partner_sku} @ {self.store}: {self.price}"


class TeamInvitation(models.Model):
    """A link a distributor sends to recruit a sub-distributor; used once."""

    inviter = models.ForeignKey("mp_parties.Distributor", on_delete=models.CASCADE, related_name="invitations",
                                verbose_name=_("inviting distributor"))
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    note = models.CharField(_("note (who it is for)"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_by = models.OneToOneField("mp_parties.Distributor", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="accepted_invitation")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team invitation")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.inviter} → {self.note or self.token[:8]}"


class TeamLink(models.Model):
    """A distributor's place in a team: its upline (the distributor that recruited it). Roots have no link."""

    distributor = models.OneToOneField("mp_parties.Distributor", on_delete=models.CASCADE, related_name="team_link")
    upline = models.ForeignKey("mp_parties.Distributor", on_delete=models.PROTECT, related_name="downline_links")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team link")
        constraints = [models.CheckConstraint(condition=~Q(distributor=models.F("upline")),
                                              name="mp_teamlink_not_own_upline")]

    def __str__(self) -> str:
        return f"{self.distributor} ← {self.upline}"


class BonusBasis(models.TextChoices):
    MARGIN = "margin", _("the seller's margin")
    SALE = "sale", _("the sale amount")


class BonusRuleSet(models.Model):
    """One version of the team bonus rules. Never edited: a change is a new version effective from a moment on,
    so an order is always settled under the version in force when it was placed."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    levels = models.PositiveSmallIntegerField(_("levels paid"), validators=[MinValueValidator(0),
                                                                          MaxValueValidator(3)])
    basis = models.CharField(_("bonus basis"), max_length=8, choices=BonusBasis.choices, default=BonusBasis.MARGIN)
    level_1_percent = models.DecimalField(_("level 1 %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    level_2_percent = models.DecimalField(_("level 2 %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    level_3_percent = models.DecimalField(_("level 3 %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    min_monthly_sales = models.DecimalField(_("eligibility: minimum own sales this month"), max_digits=12,
                                            decimal_places=2, default=Decimal("0"))
    effective_from = models.DateTimeField(_("in force from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bonus rules")
        verbose_name_plural = _("bonus rules")
        ordering = ["-effective_from", "-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    def percent_for(self, level: int) -> Decimal:
        if level > self.levels:
            return Decimal("0")
        return (self.level_1_percent, self.level_2_percent, self.level_3_percent)[level - 1]
