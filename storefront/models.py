"""What a placed order becomes for the people who ship it: one fulfilment group per supplier warehouse."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FulfilmentGroup(models.Model):
    """The part of one order that one stock location ships (a supplier warehouse, or a store's own stock)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To pick")
        PICKING = "picking", _("Picking")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="fulfilment_groups")
    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="fulfilment_groups",
                                 help_text=_("Set when a supplier warehouse ships; empty when a store ships its own "
                                             "stock."))
    warehouse = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="fulfilment_groups")
    carrier = models.CharField(_("carrier"), max_length=64, blank=True,
                               help_text=_("The store's usual carrier when placed; the parcel records the real one."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)  # starts the return window
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fulfilment group")
        ordering = ["order_id", "warehouse_id"]
        constraints = [models.UniqueConstraint(fields=["order", "warehouse"], name="mp_fulfilment_one_per_warehouse")]

    def __str__(self) -> str:
        return f"{self.order.number} · {self.warehouse.code}"

    @property
    def step(self) -> int:
        """How far along the pipeline the group is (0: to pick … 4: delivered), for the shopper's progress bar."""
        return list(self.Status.values).index(self.status)


class FulfilmentLine(models.Model):
    """How many units of one order line this group ships (a line may be split over warehouses)."""

    group = models.ForeignKey(FulfilmentGroup, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="fulfilment_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("fulfilment line")
        constraints = [models.UniqueConstraint(fields=["group", "line"], name="mp_fulfilment_line_unique"),
                       models.CheckConstraint(condition=models.Q(quantity__gte=1), name="mp_fulfilment_line_qty")]


class ShippingRule(models.Model):
    """How a store charges delivery: a flat rate per order, free once its items reach `free_over`."""

    store = models.OneToOneField("mp_parties.Store", on_delete=models.CASCADE, related_name="shipping_rule")
    flat_rate = models.DecimalField(_("flat rate"), max_digits=10, decimal_places=2, default=0)
    free_over = models.DecimalField(_("free delivery from"), max_digits=10, decimal_places=2, null=True, blank=True,
                                    help_text=_("Orders of this store's items at or above this amount ship free. "
                                                "Leave empty for never."))
    carrier = models.CharField(_("usual carrier"), max_length=64, blank=True,
                               help_text=_("The carrier this store usually ships with, e.g. SF Express."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shipping rule")
        constraints = [
            models.CheckConstraint(condition=models.Q(flat_rate__gte=0), name="mp_shipping_rate_not_negative"),
            models.CheckConstraint(condition=models.Q(free_over__isnull=True) | models.Q(free_over__gt=0),
                                   name="mp_shipping_free_over_positive"),
        ]


class OrderShipping(models.Model):
    """What one store charged for delivery in one order (an order may hold several stores' items)."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="store_shipping")
    store = models.ForeignKey("mp_parties.Store", on_delete=models.PROTECT, related_name="order_shipping")
    charge = models.DecimalField(_("delivery charge"), max_digits=10, decimal_places=2)
    items_total = models.DecimalField(_("items total"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("store delivery charge")
        constraints = [models.UniqueConstraint(fields=["order", "store"], name="mp_order_shipping_one_per_store")]


class StoreDomain(models.Model):
    """A host name (e.g. shop.example.com) that serves one store's storefront at its root."""

    store = models.ForeignKey("mp_parties.Store", on_delete=models.CASCADE, related_name="domains")
    host = models.CharField(_("host name"), max_length=253, unique=True,
                            help_text=_("Lower case, without scheme or port, e.g. shop.example.com."))

    class Meta:
        verbose_name = _("store domain")

    def __str__(self) -> str:
        return self.host


class StoreProfile(models.Model):
    """How a store presents itself on its storefront: logo, banner, a line under the name, an about page."""

    store = models.OneToOneField("mp_parties.Store", on_delete=models.CASCADE, related_name="profile")
    logo = models.ImageField(_("logo"), upload_to="stores/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="stores/banners/", blank=True)
    tagline = models.CharField(_("tagline"), max_length=140, blank=True)
    about = models.TextField(_("about the store"), blank=True,
                             help_text=_("Shown on the store's About page: who you are, opening hours, contact."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("storefront profile")
