"""Parties of the marketplace and the memberships that let users act for them.

The operator is Django staff. Suppliers (each an oscar Partner) and
distributors own stores; users join a supplier, a distributor or a single
store through a Membership with a role.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PartyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class BilingualName(models.Model):
    """Name in English and Simplified Chinese; `display_name` follows the active language."""

    name = models.CharField(_("name (English)"), max_length=128)
    name_zh = models.CharField(_("name (Simplified Chinese)"), max_length=128, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.name

    def __str__(self) -> str:
        return self.display_name


def validate_commission_rate(value: Decimal) -> None:
    """A rate is a share of the sale: 0 ≤ rate < 1 (0.0500 is 5 per cent)."""
    if value is not None and not (Decimal("0") <= value < Decimal("1")):
        raise ValidationError(_("Enter a rate from 0 up to (not including) 1, e.g. 0.0500 for 5 per cent."),
                              code="rate_range")


class Plan(BilingualName):
    """A level (basic, pro, flagship) that sets a party's limits and its default commission rate.

    An empty limit means unlimited. The default plan is what newly approved
    parties get and what applies to a party that has no plan.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    max_products = models.PositiveIntegerField(_("max products"), null=True, blank=True,
                                               help_text=_("Leave empty for unlimited."))
    max_stores = models.PositiveIntegerField(_("max stores"), null=True, blank=True,
                                             help_text=_("Leave empty for unlimited."))
    default_commission_rate = models.DecimalField(
        _("default commission rate"), max_digits=5, decimal_places=4, default=Decimal("0"),
        validators=[validate_commission_rate], help_text=_("A share of the sale: 0.0500 is 5 per cent."),
    )
    is_default = models.BooleanField(_("default plan"), default=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_commission_rate__gte=0) & Q(default_commission_rate__lt=1),
                name="mp_plan_commission_rate_range",
            ),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="mp_plan_single_default"),
        ]


class Party(BilingualName):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PartyStatus.choices, default=PartyStatus.ACTIVE
    )
    status_reason = models.CharField(_("status reason"), max_length=255, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("plan")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    @property
    def is_active(self) -> bool:
        return self.status == PartyStatus.ACTIVE

    @property
    def is_trading(self) -> bool:
        """May act on the marketplace now (portals, API tokens): active, and for a store its owner too."""
        return self.is_active


class Supplier(Party):
    """A brand or wholesaler that owns goods and stock; sells through oscar as a Partner."""

    partner = models.OneToOneField(
        "partner.Partner", on_delete=models.PROTECT, related_name="supplier", verbose_name=_("oscar partner")
    )

    class Meta(Party.Meta):
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")


class Distributor(Party):
    """A reseller that lists supplier products in its own stores."""

    class Meta(Party.Meta):
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")


class Store(Party):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online shop")
        OFFLINE = "offline", _("Physical shop")

    class StockMode(models.TextChoices):
        SHARED = "shared", _("Shared with the owner's other stores")
        INDEPENDENT = "independent", _("Independent stock")

    class PriceEnding(models.TextChoices):
        """How a markup price is rounded: up to the next price with this ending (never down, never below cost)."""

        EXACT = "exact", _("Exact to the cent")
        WHOLE = "0.00", _("Whole yuan (.00)")
        NINETY = "0.90", _("Ends in .90")
        NINETY_NINE = "0.99", _("Ends in .99")

    distributor = models.ForeignKey(
        Distributor, null=True, blank=True, on_delete=models.PROTECT, related_name="stores",
        verbose_name=_("distributor"),
    )
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="flagship_stores",
        verbose_name=_("supplier (flagship)"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    stock_mode = models.CharField(
        _("stock mode"), max_length=16, choices=StockMode.choices, default=StockMode.SHARED
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    price_ending = models.CharField(_("price ending"), max_length=8, choices=PriceEnding.choices,
                                    default=PriceEnding.EXACT,
                                    help_text=_("Markup prices are rounded up to this ending."))
    return_window_days = models.PositiveSmallIntegerField(
        _("return window (days)"), null=True, blank=True,
        help_text=_("Days after delivery a shopper may ask for a return; empty: the marketplace default."))

    class Meta(Party.Meta):
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        constraints = [
            models.CheckConstraint(
                condition=(Q(distributor__isnull=False, supplier__isnull=True)
                           | Q(distributor__isnull=True, supplier__isnull=False)),
                name="mp_store_has_exactly_one_owner",
            )
        ]

    # Words the storefront uses at /s/<word>/; a store with one of these slugs could not be reached there.
    RESERVED_SLUGS = frozenset({"all", "basket", "checkout", "orders"})

    def clean(self):
        super().clean()
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError({"slug": _("“%(slug)s” is a storefront address of the marketplace; choose another "
                                             "slug.") % {"slug": self.slug}})

    @property
    def owner(self):
        return self.distributor or self.supplier

    @property
    def is_open(self) -> bool:
        """A store trades only while it and its owner are active."""
        return self.is_active and self.owner.is_active

    @property
    def is_trading(self) -> bool:
        return self.is_open


class Warehouse(BilingualName):
    """A stock location: a supplier's warehouse, or a store's own stock room (an offline shop's floor).

    Stock sits per (SKU, location) in `supplier.WarehouseStock`; which locations a store sells from is the
    inventory pool (`inventory.selectors.pool_q`).
    """

    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="warehouses")
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.PROTECT, related_name="locations",
                              help_text=_("Set for a store's own stock (a shop floor, a stock room)."))
    code = models.SlugField(_("code"), max_length=32)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["supplier_id", "store_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "code"], name="mp_warehouse_code_unique"),
            models.UniqueConstraint(fields=["store", "code"], name="mp_location_store_code_unique"),
            models.CheckConstraint(
                condition=(Q(supplier__isnull=False, store__isnull=True)
                           | Q(supplier__isnull=True, store__isnull=False)),
                name="mp_location_has_exactly_one_holder",
            ),
        ]

    @property
    def owner_key(self) -> tuple[str, int]:
        """Whose stock this is: a supplier (its warehouses and flagship stores) or a distributor (its stores).

        Stock moves between two locations only when their owner keys match.
        """
        if self.supplier_id is not None:
            return ("supplier", self.supplier_id)
        store = self.store
        if store.supplier_id is not None:
            return ("supplier", store.supplier_id)
        return ("distributor", store.distributor_id)


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff")
    FINANCE = "finance", _("Finance")
    WAREHOUSE = "warehouse", _("Warehouse")


# How far a role reaches when it gives roles to others: nobody gives a role above their own (a manager cannot make
# an owner). The roles below manager are peers. What each role may open is in `parties.capabilities`.
ROLE_RANK = {Role.OWNER: 3, Role.MANAGER: 2, Role.STAFF: 1, Role.FINANCE: 1, Role.WAREHOUSE: 1}

# Who speaks for a party or store: changes its settings, decides its returns, marks its payments, recruits.
LEADING_ROLES = (Role.OWNER, Role.MANAGER)


class PartyKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    DISTRIBUTOR = "distributor", _("Distributor")
    STORE = "store", _("Store")


def in_force_q(at=None) -> Q:
    """Memberships in force at `at` (now): no end, or an end still ahead."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=at or timezone.now())


class InForceManager(models.Manager):
    """`Membership.objects`: only memberships in force. A temporary grant past its end lapses by itself everywhere
    (portals, switcher, notification audiences, role checks in services) without a job to delete it."""

    def get_queryset(self):
        return super().get_queryset().filter(in_force_q())


class Membership(models.Model):
    """A user's role in exactly one supplier, distributor or store, possibly until a moment (a temporary grant).

    `objects` sees memberships in force only; `all_objects` also the lapsed ones (People pages, the operator's
    grant list, the grant service that reuses a lapsed row). Revoking early sets `expires_at` to the moment of
    revocation, so a revoked grant reads as lapsed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    distributor = models.ForeignKey(
        Distributor, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True,
                                      help_text=_("Empty: until revoked. Past this moment the role lapses."))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("granted by"))

    objects = InForceManager()
    all_objects = models.Manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(supplier__isnull=False, distributor__isnull=True, store__isnull=True)
                    | Q(supplier__isnull=True, distributor__isnull=False, store__isnull=True)
                    | Q(supplier__isnull=True, distributor__isnull=True, store__isnull=False)
                ),
                name="mp_membership_exactly_one_party",
            ),
            models.UniqueConstraint(fields=["user", "supplier"], name="mp_membership_user_supplier"),
            models.UniqueConstraint(fields=["user", "distributor"], name="mp_membership_user_distributor"),
            models.UniqueConstraint(fields=["user", "store"], name="mp_membership_user_store"),
        ]

    @property
    def kind(self) -> str:
        if self.supplier_id:
            return PartyKind.SUPPLIER
        if self.distributor_id:
            return PartyKind.DISTRIBUTOR
        return PartyKind.STORE

    @property
    def kind_label(self) -> str:
        return str(PartyKind(self.kind).label)

    @property
    def party(self):
        return self.supplier or self.distributor or self.store

    @property
    def is_lapsed(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def party_is_active(self) -> bool:
        return self.party.is_trading

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.party}"
