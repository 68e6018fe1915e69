"""After-sales records: a shopper's request to return or refund lines of an order, its lines and photos."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class ReturnRequest(models.Model):
    """One shopper's request for some lines of one order; the store (or the operator) decides it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund only (keep the goods)")
        RETURN = "return", _("Return the goods and refund")

    class Reason(models.TextChoices):
        NONE = "none", _("No reason")
        DAMAGED = "damaged", _("Arrived damaged")
        WRONG_ITEM = "wrong_item", _("Wrong item")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        OTHER = "other", _("Other")

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="return_requests",
                              verbose_name=_("order"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RETURN)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices, default=Reason.NONE)
    note = models.TextField(_("shopper's note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="return_requests", verbose_name=_("requested by"))
    email = models.EmailField(_("shopper's e-mail"), blank=True)  # where the decision goes (guests have no user)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    # The goods of an approved return arrived: each line restocked or written off, then the refund went out.
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_note = models.TextField(_("inspection note"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0),
                                   name="mp_return_refund_not_negative"),
        ]

    def __str__(self) -> str:
        return _("Return %(pk)s for order %(number)s") % {"pk": self.pk, "number": self.order.number}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.REQUESTED

    @property
    def awaits_goods(self) -> bool:
        """Approved, and the goods are on their way back: receiving them triggers the refund."""
        return self.status == self.Status.APPROVED and self.kind == self.Kind.RETURN and self.received_at is None


class Outcome(models.TextChoices):
    """What the inspection on arrival decided for a returned line."""

    RESTOCK = "restock", _("Restocked (sellable)")
    WRITE_OFF = "write_off", _("Written off (damaged)")


class ReturnLine(models.Model):
    """How many units of one order line the shopper sends back (or wants refunded)."""

    Outcome = Outcome

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="return_lines",
                             verbose_name=_("order line"))
    quantity = models.PositiveIntegerField(_("quantity"))
    outcome = models.CharField(_("on arrival"), max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["request_id", "line_id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "line"], name="mp_return_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="mp_return_line_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.label} × {self.quantity}"

    @property
    def label(self) -> str:
        """What the shopper calls the item: "Listing tea (50 g)" for a variant."""
        return self.line.title


class ReturnPhoto(models.Model):
    """A photo the shopper attached (damage, wrong item...); at most five per request, 5 MB each."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="returns/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")
        ordering = ["request_id", "pk"]

    def __str__(self) -> str:
        return self.image.name
