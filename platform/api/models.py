"""API tokens (one supplier or one store, read or read/write) and the answers kept for idempotency keys."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for one party. Only a SHA-256 of the key is kept: the key is shown once, when made."""

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    name = models.CharField(_("name"), max_length=80)
    supplier = models.ForeignKey("mp_parties.Supplier", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="api_tokens")
    store = models.ForeignKey("mp_parties.Store", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="api_tokens")
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, default=Access.READ)
    prefix = models.CharField(_("key starts with"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=(Q(supplier__isnull=False, store__isnull=True)
                           | Q(supplier__isnull=True, store__isnull=False)),
                name="mp_api_token_one_party"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def party(self):
        return self.supplier if self.supplier_id else self.store

    @property
    def party_kind(self) -> str:
        return "supplier" if self.supplier_id else "store"

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.WRITE

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`: a replay gets it again, a different body 409."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotent_requests")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="mp_api_idempotency_key_once")]
