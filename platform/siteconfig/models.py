"""Stored versions of the operator's settings: a row is never edited; a change is a new row from its start moment.

The value in force at a moment is the latest row of that key whose `effective_from` is not after it; with no row,
the registry default (Django settings) applies.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SettingVersion(models.Model):
    key = models.CharField(_("setting"), max_length=64)
    value = models.TextField(_("value (JSON)"))
    effective_from = models.DateTimeField(_("in force from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("setting version")
        ordering = ["key", "-effective_from", "-pk"]
        indexes = [models.Index(fields=["key", "effective_from"], name="mp_setting_key_from")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
