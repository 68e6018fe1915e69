"""Withdrawals: a supplier or distributor asks for (part of) its available balance, the operator approves, and the
money goes out by Stripe Connect transfer or by bank transfer recorded by hand. Each step is a ledger transaction
(see settlement.withdrawals.services); these rows only say where a request stands."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class Withdrawal(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved, being paid")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed, funds returned")
        REJECTED = "rejected", _("Rejected, funds returned")

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Stripe Connect transfer")
        MANUAL = "manual", _("Bank transfer (by hand)")

    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="withdrawals", verbose_name=_("supplier"))
    distributor = models.ForeignKey("mp_parties.Distributor", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="withdrawals", verbose_name=_("distributor"))
    amount = models.DecimalField(_("amount"), **MONEY)
    fee = models.DecimalField(_("fee"), default=Decimal("0.00"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, blank=True)
    reference = models.CharField(_("reference"), max_length=128, blank=True,
                                 help_text=_("The Stripe transfer id or the bank transfer reference."))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("withdrawal")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(supplier__isnull=False, distributor__isnull=True)
                                              | Q(supplier__isnull=True, distributor__isnull=False)),
                                   name="mp_withdrawal_one_party"),
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(fee__gte=0), name="mp_withdrawal_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.party} {self.amount} {self.currency}"

    @property
    def party(self):
        return self.supplier or self.distributor

    @property
    def net(self) -> Decimal:
        """What reaches the party's bank: the amount less the fee."""
        return self.amount - self.fee


class PayoutAccount(models.Model):
    """Where one party's withdrawals go: a Stripe connected account, or a bank account paid by hand."""

    supplier = models.OneToOneField("mp_parties.Supplier", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="payout_account")
    distributor = models.OneToOneField("mp_parties.Distributor", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="payout_account")
    stripe_account_id = models.CharField(_("Stripe connected account"), max_length=64, blank=True,
                                         help_text=_("acct_… — leave empty to be paid by bank transfer."))
    bank_holder = models.CharField(_("account holder"), max_length=128, blank=True)
    bank_account = models.CharField(_("bank and account number"), max_length=128, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        constraints = [
            models.CheckConstraint(condition=(Q(supplier__isnull=False, distributor__isnull=True)
                                              | Q(supplier__isnull=True, distributor__isnull=False)),
                                   name="mp_payout_account_one_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.stripe_account_id or self.bank_account}"

    @property
    def party(self):
        return self.supplier or self.distributor
