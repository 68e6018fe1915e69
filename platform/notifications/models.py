"""The outbox (one row per event, written in the transaction of the change) and each user's notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """One event, written with the change that caused it; the dispatcher sends it to the channel layer once.

    `audiences` holds one entry per websocket group the event goes to, with the link its members follow:
    `[{"group": "store.5", "link": "/store/fulfilment/"}, ...]`. `lease_*` is how one dispatcher claims a row
    so that several never send it at the same time; `attempts`/`next_attempt_at` are its back-off.
    """

    kind = models.CharField(_("kind"), max_length=48)
    params = models.JSONField(_("details"), default=dict)
    audiences = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["pk"]
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(sent_at=None), name="mp_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Notification(models.Model):
    """What one user was told about one event: the notification centre's row (read or not)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_notifications")
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="notifications")
    group = models.CharField(max_length=64)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-event_id"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="mp_notification_user_event")]
        indexes = [models.Index(fields=["user", "event"], condition=Q(read_at=None), name="mp_notification_unread")]

    def __str__(self) -> str:
        return f"{self.event.kind} → {self.user_id}"
