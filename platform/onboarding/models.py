"""Applications to join the marketplace as a supplier or distributor, decided by the operator."""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """The applicant's only key to the status page, so it must be unguessable."""
    return secrets.token_urlsafe(24)


def licence_upload_to(instance, filename: str) -> str:
    """A random file name: licence images are private papers and must not be guessable under /media/."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"licences/{uuid.uuid4().hex}{suffix}"


class Application(models.Model):
    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        DISTRIBUTOR = "distributor", _("Distributor")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("applying as"), max_length=16, choices=Kind.choices)
    company_name = models.CharField(_("company name"), max_length=128)
    company_name_zh = models.CharField(_("company name (Simplified Chinese)"), max_length=128, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=128)
    email = models.EmailField(_("e-mail"), max_length=150)  # becomes the owner's username (150 characters)
    phone = models.CharField(_("phone"), max_length=32)
    licence_number = models.CharField(_("business licence number"), max_length=64)
    licence_image = models.ImageField(_("business licence image"), upload_to=licence_upload_to, max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="applications", verbose_name=_("supplier created"))
    distributor = models.ForeignKey("mp_parties.Distributor", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="applications", verbose_name=_("distributor created"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=16, blank=True)  # e-mails go out in it
    # A distributor applying through a team invitation link: the token it brought (kept as text so a deleted
    # invitation still shows up as a failed join), and why joining the inviter's team failed at approval.
    team_invitation_token = models.CharField(_("team invitation"), max_length=64, blank=True, default="")
    team_join_problem = models.TextField(_("team join problem"), blank=True, default="")
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], condition=Q(status="submitted"),
                                    name="mp_application_one_open_per_email"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""),
                                   name="mp_application_rejection_has_reason"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(supplier__isnull=False) | Q(distributor__isnull=False),
                name="mp_application_approval_has_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.get_kind_display()})"

    @property
    def party(self):
        return self.supplier or self.distributor

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SUBMITTED
