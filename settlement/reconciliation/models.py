"""Reconciliation: the payment provider's records (a report file or Stripe's balance transactions) matched against
the ledger's card payments, refunds and expected card fees.

A `ProviderReport` is one import. Its `ProviderRecord`s are the provider's balance transactions; a balance
transaction is stored once across all reports (`provider_id` unique): an overlapping report skips the ones
already imported and counts them as `duplicates`. A `Mismatch` is one difference found by matching, named by a
`key` unique across reports (kind + subject), so matching again never lists it twice. Resolving a mismatch
posts a new ledger transaction `reconcile:<mismatch pk>`; postings are never edited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from settlement.models import MONEY


class ProviderReport(models.Model):
    class Source(models.TextChoices):
        STRIPE_API = "stripe_api", _("Fetched from Stripe")
        FILE = "file", _("Report file")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    period_start = models.DateTimeField(_("period from"))
    period_end = models.DateTimeField(_("period until"), help_text=_("Exclusive."))
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(_("content SHA-256"), max_length=64, unique=True)
    rows = models.PositiveIntegerField(_("records in the report"), default=0)
    imported = models.PositiveIntegerField(_("records imported"), default=0)
    duplicates = models.PositiveIntegerField(_("records already imported by an earlier report"), default=0)
    matched = models.PositiveIntegerField(_("payments and refunds matched"), default=0)
    last_run_at = models.DateTimeField(_("last matched"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider report")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                              name="mp_recon_report_period")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class RecordType(models.TextChoices):
    CHARGE = "charge", _("Charge")
    REFUND = "refund", _("Refund")
    OTHER = "other", _("Other")


class ProviderRecord(models.Model):
    """One balance transaction at the provider. Amounts as the provider signs them: a charge's gross is positive,
    a refund's negative; the fee is what the provider kept (positive)."""

    report = models.ForeignKey(ProviderReport, on_delete=models.CASCADE, related_name="records")
    provider_id = models.CharField(_("balance transaction"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=8, choices=RecordType.choices)
    category = models.CharField(_("reporting category"), max_length=64, blank=True)
    payment_intent = models.CharField(_("payment intent"), max_length=255, blank=True, db_index=True)
    source_id = models.CharField(_("source"), max_length=255, blank=True, db_index=True)
    gross = models.DecimalField(_("gross"), **MONEY)
    fee = models.DecimalField(_("fee"), **MONEY)
    net = models.DecimalField(_("net"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    created = models.DateTimeField(_("created at the provider"), db_index=True)

    class Meta:
        verbose_name = _("provider record")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.gross} {self.currency}"


class MismatchKind(models.TextChoices):
    MISSING_IN_LEDGER = "missing_in_ledger", _("Missing in the ledger")
    MISSING_AT_PROVIDER = "missing_at_provider", _("Missing at the provider")
    AMOUNT_DIFFERS = "amount_differs", _("Amount differs")
    FEE_DIFFERS = "fee_differs", _("Fee differs")


class Mismatch(models.Model):
    """One difference between the ledger and the provider. Amounts are signed as money coming in (a refund is
    negative), fees as the provider's cost (positive); for a fee difference `ledger_amount`/`provider_amount` are
    the fees. `ledger_fee`/`provider_fee` complete what a resolution needs for a missing item."""

    report = models.ForeignKey(ProviderReport, on_delete=models.CASCADE, related_name="mismatches",
                               verbose_name=_("found by report"))
    key = models.CharField(max_length=300, unique=True)  # kind:subject
    subject = models.CharField(max_length=280, db_index=True)  # payment:<pk>, refund:<pk>, charge:<pi>, ...
    kind = models.CharField(_("kind"), max_length=24, choices=MismatchKind.choices)
    payment = models.ForeignKey("mp_payments.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("payment"))
    refund = models.ForeignKey("mp_payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("refund"))
    provider_record = models.ForeignKey(ProviderRecord, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="mismatches", verbose_name=_("provider record"))
    currency = models.CharField(_("currency"), max_length=3)
    provider_currency = models.CharField(_("provider's currency"), max_length=3, blank=True)
    ledger_amount = models.DecimalField(_("ledger"), null=True, blank=True, **MONEY)
    provider_amount = models.DecimalField(_("provider"), null=True, blank=True, **MONEY)
    ledger_fee = models.DecimalField(_("ledger fee"), null=True, blank=True, **MONEY)
    provider_fee = models.DecimalField(_("provider fee"), null=True, blank=True, **MONEY)
    note = models.TextField(_("note"), blank=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.ForeignKey("mp_settlement.LedgerTransaction", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("resolution transaction"))

    class Meta:
        verbose_name = _("mismatch")
        verbose_name_plural = _("mismatches")
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["report", "resolved_at"], name="mp_recon_mismatch_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def difference(self):
        if self.ledger_amount is None or self.provider_amount is None:
            return None
        return self.provider_amount - self.ledger_amount
