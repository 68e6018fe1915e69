"""Platform points: one signed entry per cause (earned on a paid order, lost on its refund, redeemed at checkout,
restored by a refund, moved by a customer merge, adjusted) and one account row per shopper holding the balance.

Every entry is keyed by its cause (`key` unique): replaying the cause finds the key taken and writes nothing.
The account row is what writers lock (`parties.locking.lock_rows`), so two checkouts cannot spend the same points;
its balance is always the sum of the shopper's entries and never below zero (a check constraint): redemption is
refused beyond the balance, and a refund's clawback takes at most what is there (the shortfall is noted).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointsAccount(models.Model):
    """A shopper's spendable points; locked by whoever changes them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_account",
                                verbose_name=_("shopper"))
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="mp_points_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.user} · {self.balance}"


class PointsEntry(models.Model):
    class Kind(models.TextChoices):
        EARN = "earn", _("Earned on a paid order")
        LOSE = "lose", _("Taken back on a refund")
        REDEEM = "redeem", _("Used at checkout")
        RESTORE = "restore", _("Given back on a refund")
        MERGE = "merge", _("Accounts merged")
        ADJUST = "adjust", _("Adjustment")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries",
                             verbose_name=_("shopper"))
    points = models.IntegerField(_("points"))
    # Money the points stood for when redeemed or restored (points × the value of one point at checkout).
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="points_entries", verbose_name=_("order"))
    refund = models.ForeignKey("mp_payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="points_entries", verbose_name=_("refund"))
    key = models.CharField(_("key"), max_length=160, unique=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"], name="mp_points_user_time")]

    def __str__(self) -> str:
        return f"{self.key} {self.points:+}"
