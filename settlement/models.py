"""The double-entry ledger, the commission rules it splits sales by, and the runs that mature funds.

Sign convention: a posting's `amount` is signed, a credit positive and a debit negative, so the postings of a
transaction sum to zero per currency and every account together sums to zero. A party's balance (what the
platform owes it) is the plain sum of its accounts; the platform's asset and expense accounts (money at the
provider, fees, promotions, bonuses) are shown negated (`Account.shown`). Transactions and postings are written
once: `settlement.ledger.ledger_post` is the only writer, and a correction is a new transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class Holder(models.TextChoices):
    PLATFORM = "platform", _("Platform")
    SUPPLIER = "supplier", _("Supplier")
    DISTRIBUTOR = "distributor", _("Distributor")


class Purpose(models.TextChoices):
    # a party's
    PENDING = "pending", _("Pending (in the return window)")
    AVAILABLE = "available", _("Available")
    WITHDRAWING = "withdrawing", _("Withdrawal requested")
    # the platform's
    CASH = "cash", _("Money at the payment provider")
    COMMISSION = "commission", _("Commission revenue")
    WITHDRAWAL_FEES = "withdrawal_fees", _("Withdrawal fee revenue")
    PROMOTIONS = "promotions", _("Promotions paid by the platform")
    TEAM_BONUS = "team_bonus", _("Team bonuses paid")
    POINTS = "points", _("Points redeemed (borne by the platform)")
    GATEWAY_FEES = "gateway_fees", _("Payment provider fees")
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", _("Payouts in transit")
    SUSPENSE = "suspense", _("Suspense (duplicates, differences)")
    ROUNDING = "rounding", _("Rounding")


PARTY_PURPOSES = (Purpose.PENDING, Purpose.AVAILABLE, Purpose.WITHDRAWING)
# Debit-normal accounts (assets, expenses): shown negated so that money held or spent reads positive.
DEBIT_NORMAL = frozenset({Purpose.CASH, Purpose.PROMOTIONS, Purpose.TEAM_BONUS, Purpose.GATEWAY_FEES,
                          Purpose.POINTS})


class Account(models.Model):
    """One balance: a holder (the platform, a supplier or a distributor), a purpose and a currency."""

    holder = models.CharField(_("holder"), max_length=16, choices=Holder.choices)
    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="ledger_accounts")
    distributor = models.ForeignKey("mp_parties.Distributor", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="ledger_accounts")
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose.choices)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("ledger account")
        ordering = ["holder", "supplier_id", "distributor_id", "purpose", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "currency"], condition=Q(holder="platform"),
                                    name="mp_account_unique_platform"),
            models.UniqueConstraint(fields=["supplier", "purpose", "currency"], condition=Q(holder="supplier"),
                                    name="mp_account_unique_supplier"),
            models.UniqueConstraint(fields=["distributor", "purpose", "currency"], condition=Q(holder="distributor"),
                                    name="mp_account_unique_distributor"),
            models.CheckConstraint(
                condition=(Q(holder="platform", supplier__isnull=True, distributor__isnull=True)
                           | Q(holder="supplier", supplier__isnull=False, distributor__isnull=True)
                           | Q(holder="distributor", supplier__isnull=True, distributor__isnull=False)),
                name="mp_account_holder_matches"),
        ]

    def __str__(self) -> str:
        party = self.supplier or self.distributor or _("Platform")
        return f"{party} · {self.get_purpose_display()} · {self.currency}"

    @property
    def shown_sign(self) -> int:
        return -1 if self.purpose in DEBIT_NORMAL else 1

    @property
    def party(self):
        return self.supplier or self.distributor


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    SETTLEMENT = "settlement", _("Settlement")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    PAYOUT = "payout", _("Payout")
    ADJUSTMENT = "adjustment", _("Adjustment")


class LedgerTransaction(models.Model):
    """A set of postings that balance per currency, named by the cause that made it (`key`): replaying the cause
    finds the key taken and posts nothing new."""

    key = models.CharField(_("key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TransactionKind.choices)
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ledger_transactions")
    refund = models.ForeignKey("mp_payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ledger_transactions")
    run = models.ForeignKey("SettlementRun", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="transactions")
    posted_at = models.DateTimeField(_("posted"), db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        ordering = ["posted_at", "pk"]

    def __str__(self) -> str:
        return self.key


class PostingKind(models.TextChoices):
    PAYMENT = "payment", _("Shopper payment")
    REFUND = "refund", _("Refund to the shopper")
    WHOLESALE = "wholesale", _("Wholesale price")
    SALE = "sale", _("Sale (own store)")
    MARGIN = "margin", _("Distributor margin")
    COMMISSION = "commission", _("Platform commission")
    DISCOUNT = "discount", _("Promotion cost")
    BONUS = "bonus", _("Team bonus")
    SHIPPING = "shipping", _("Delivery charge")
    GATEWAY_FEE = "gateway_fee", _("Payment provider fee")
    POINTS = "points", _("Paid with points")
    REVERSAL = "reversal", _("Refund reversal")
    ROUNDING = "rounding", _("Rounding")
    DUPLICATE = "duplicate", _("Duplicate payment")
    SETTLEMENT = "settlement", _("Matured after the return window")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    WITHDRAWAL_FEE = "withdrawal_fee", _("Withdrawal fee")
    PAYOUT = "payout", _("Payout")
    ADJUSTMENT = "adjustment", _("Adjustment")


class Posting(models.Model):
    """One leg of a transaction on one account: credit positive, debit negative."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(max_length=3)
    kind = models.CharField(_("kind"), max_length=16, choices=PostingKind.choices)
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey("order.Line", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Pending money waits in its order's maturity for the store; the run that settles the maturity moves it.
    maturity = models.ForeignKey("Maturity", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="postings")
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals")
    posted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("posting")
        ordering = ["posted_at", "pk"]
        indexes = [models.Index(fields=["account", "posted_at"], name="mp_posting_account_time"),
                   models.Index(fields=["maturity"], name="mp_posting_maturity"),
                   models.Index(fields=["order"], name="mp_posting_order")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+}"


class Maturity(models.Model):
    """When one store's part of one order stops being refundable: the last delivery of its goods plus the
    store's return window. A settlement run marks matured rows (`settled_run`) and moves their pending postings
    to available, party by party."""

    # Few indexes on purpose, none on `settled_run`: a run sets it on every due row, and with no index on it and
    # room on the page (migration 0004's fillfactor) PostgreSQL updates the row in place, touching no index
    # (bench/settle.py). The unique (order, store) serves lookups by order; runs find due rows by `matures_at`.
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="maturities", db_index=False)
    store = models.ForeignKey("mp_parties.Store", on_delete=models.PROTECT, related_name="+", db_index=False)
    matures_at = models.DateTimeField(null=True, blank=True, db_index=True)
    settled_run = models.ForeignKey("SettlementRun", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="settled_parts", db_index=False)

    class Meta:
        verbose_name = _("maturity")
        constraints = [models.UniqueConstraint(fields=["order", "store"], name="mp_maturity_one_per_order_store")]


class SettlementRun(models.Model):
    """One pass that makes pending funds available up to `cutoff`. Only one is unfinished at a time; running
    again resumes it (same cutoff), so an interrupted run ends exactly as an uninterrupted one."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    cutoff = models.DateTimeField(_("matured up to"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    maturities = models.PositiveIntegerField(_("order parts matured"), default=0)  # count marked so far
    accounts_total = models.PositiveIntegerField(default=0)
    accounts_done = models.PositiveIntegerField(_("parties credited"), default=0)
    amount = models.DecimalField(_("made available"), default=Decimal("0.00"), **MONEY)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("settlement run")
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["status"], condition=Q(status="running"),
                                               name="mp_settlement_one_running")]

    def __str__(self) -> str:
        return f"#{self.pk} ≤ {self.cutoff:%Y-%m-%d %H:%M}"


class FeeBearer(models.TextChoices):
    PLATFORM = "platform", _("The platform")
    SELLER = "seller", _("The selling store's owner")


class CommissionRuleSet(models.Model):
    """One version of the commission rules. Never edited: a change is a new version in force from a later
    moment, and an order is split under the version in force when it was placed."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateTimeField(_("in force from"))
    default_rate = models.DecimalField(_("default commission rate"), max_digits=5, decimal_places=4,
                                       validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.5"))],
                                       help_text=_("Used when no rule below matches; 0.0500 is 5 per cent."))
    default_supplier_share = models.PositiveSmallIntegerField(
        _("supplier's share of the commission (%)"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("0: the distributor bears it all; 100: the supplier does; 50: split."))
    gateway_fee_percent = models.DecimalField(_("card fee %"), max_digits=5, decimal_places=2,
                                              default=Decimal("2.90"), validators=[MinValueValidator(Decimal("0"))])
    gateway_fee_fixed = models.DecimalField(_("card fee per payment"), max_digits=8, decimal_places=2,
                                            default=Decimal("0.30"), validators=[MinValueValidator(Decimal("0"))])
    gateway_fee_bearer = models.CharField(_("card fee borne by"), max_length=12, choices=FeeBearer.choices,
                                          default=FeeBearer.PLATFORM)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission rules")
        verbose_name_plural = _("commission rules")
        ordering = ["-effective_from", "-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class CommissionRule(models.Model):
    """A rate for a category (and its subcategories) and/or a store level; the most specific match wins:
    category and level, then category, then level, then the version's default."""

    ruleset = models.ForeignKey(CommissionRuleSet, on_delete=models.CASCADE, related_name="rules")
    category = models.ForeignKey("catalogue.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("category"))
    plan = models.ForeignKey("mp_parties.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("store level"))
    rate = models.DecimalField(_("commission rate"), max_digits=5, decimal_places=4,
                               validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.5"))])
    supplier_share = models.PositiveSmallIntegerField(_("supplier's share (%)"), default=0,
                                                      validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("commission rule")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=Decimal("0.5")),
                                   name="mp_commission_rate_range"),
        ]
