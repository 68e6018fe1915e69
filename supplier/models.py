"""A supplier's catalogue on top of oscar: who owns a product, its review state, tags and stock per warehouse.

Oscar's Product/StockRecord hold the goods and prices; these tables add
what a marketplace needs and oscar does not have.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProductTag(models.Model):
    """Merchandising tags suppliers put on products (new, hot, promotion)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (English)"), max_length=64)
    name_zh = models.CharField(_("name (Simplified Chinese)"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product tag")

    def __str__(self) -> str:
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.name


class SupplierProduct(models.Model):
    """One top-level oscar product (standalone or parent) owned by one supplier, with its review state."""

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="supplier_entry")
    supplier = models.ForeignKey("mp_parties.Supplier", on_delete=models.PROTECT, related_name="products")
    state = models.CharField(_("review state"), max_length=16, choices=ReviewState.choices,
                             default=ReviewState.DRAFT, db_index=True)
    on_shelf = models.BooleanField(_("on shelf"), default=True)
    reject_reason = models.CharField(_("rejection reason"), max_length=500, blank=True)
    tags = models.ManyToManyField(ProductTag, blank=True, related_name="products", verbose_name=_("tags"))
    approved_snapshot = models.JSONField(_("content at last approval"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier product")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["supplier", "state", "on_shelf"], name="mp_supplier_product_state")]

    def __str__(self) -> str:
        return self.product.title

    @property
    def in_market(self) -> bool:
        return self.state == ReviewState.APPROVED and self.on_shelf


class ReviewEvent(models.Model):
    """The approval history of a product: every submission, decision and shelf change."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        RESUBMITTED = "resubmitted", _("Changed after approval, back to review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SHELF_ON = "shelf_on", _("Put on shelf")
        SHELF_OFF = "shelf_off", _("Taken off shelf")

    entry = models.ForeignKey(SupplierProduct, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("review event")


class WarehouseStock(models.Model):
    """How many units of one SKU (stock record) sit in one stock location (a supplier warehouse or a store's).

    Change it only through `inventory.services` so every change is a ledger movement.
    """

    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.CASCADE, related_name="warehouse_stock")
    warehouse = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="stock")
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    allocated = models.PositiveIntegerField(_("allocated"), default=0,
                                            help_text=_("Units promised to placed orders and not yet shipped."))
    bin = models.CharField(_("bin"), max_length=32, blank=True,
                           help_text=_("Where in the location it is kept (aisle, shelf), for pick lists."))
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), null=True, blank=True,
        help_text=_("Raise an alert when the available units fall to this number; empty: no alert."))

    class Meta:
        verbose_name = _("warehouse stock")
        constraints = [models.UniqueConstraint(fields=["stockrecord", "warehouse"], name="mp_warehouse_stock_unique")]

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class ImportJob(models.Model):
    """One real spreadsheet import, run as a background task so large files show their progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Nothing imported")

    supplier = models.ForeignKey("mp_parties.Supplier", on_delete=models.CASCADE, related_name="import_jobs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    staged_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
