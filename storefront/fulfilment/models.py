"""What shipping an order's fulfilment groups leaves behind: parcels (carrier, tracking number, which units) and
pick waves (many groups of one location picked from one list)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Parcel(models.Model):
    """One box that left a location for the shopper: some or all of a group's remaining units."""

    group = models.ForeignKey("mp_storefront.FulfilmentGroup", on_delete=models.CASCADE, related_name="parcels",
                              verbose_name=_("shipment"))
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"))
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("shipped by"))

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["group_id", "shipped_at", "pk"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip() or _("Parcel %(pk)s") % {"pk": self.pk}


class ParcelLine(models.Model):
    """How many units of one fulfilment line went into the parcel."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="lines")
    fulfilment_line = models.ForeignKey("mp_storefront.FulfilmentLine", on_delete=models.CASCADE,
                                        related_name="parcel_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("parcel line")
        verbose_name_plural = _("parcel lines")
        ordering = ["parcel_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "fulfilment_line"], name="mp_parcel_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="mp_parcel_line_qty"),
        ]


class Wave(models.Model):
    """Pending groups of one location picked together from one pick list."""

    class Status(models.TextChoices):
        OPEN = "open", _("Picking")
        PICKED = "picked", _("Picked")

    code = models.CharField(_("wave"), max_length=32, unique=True)
    location = models.ForeignKey("mp_parties.Warehouse", on_delete=models.PROTECT, related_name="waves",
                                 verbose_name=_("location"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    groups = models.ManyToManyField("mp_storefront.FulfilmentGroup", through="WaveGroup", related_name="waves")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("picked by"))

    class Meta:
        verbose_name = _("pick wave")
        verbose_name_plural = _("pick waves")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code


class WaveGroup(models.Model):
    """A group in a wave; `open` while the wave is being picked (a group is in at most one open wave)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="wave_groups")
    group = models.ForeignKey("mp_storefront.FulfilmentGroup", on_delete=models.CASCADE, related_name="wave_groups")
    open = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("group in a wave")
        constraints = [
            models.UniqueConstraint(fields=["wave", "group"], name="mp_wave_group_unique"),
            models.UniqueConstraint(fields=["group"], condition=Q(open=True), name="mp_wave_group_one_open"),
        ]
