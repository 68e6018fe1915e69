"""Announcements the operator writes once (a Wagtail snippet with drafts and publishing) and who has read them.

Only the live copy (the row itself; drafts of a live announcement wait in its revisions) is shown in the portal
headers, between `starts_at` and `ends_at`, to the portals of its audience. `notified_at` records that the live
notification went out, so re-publishing an edit never tells people twice.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, RevisionMixin


class AnnouncementAudience(models.TextChoices):
    SUPPLIERS = "suppliers", _("Suppliers")
    DISTRIBUTORS = "distributors", _("Distributors")
    STORE_ADMINS = "stores", _("Store admins")
    ALL = "all", _("All")


class Announcement(DraftStateMixin, RevisionMixin, models.Model):
    title = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Simplified Chinese)"), max_length=200, blank=True)
    body = models.TextField(_("text (English)"))
    body_zh = models.TextField(_("text (Simplified Chinese)"), blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=AnnouncementAudience.choices,
                                default=AnnouncementAudience.ALL)
    starts_at = models.DateTimeField(_("shown from"))
    ends_at = models.DateTimeField(_("shown until"))
    notified_at = models.DateTimeField(_("notification sent at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="announcement")

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-starts_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="mp_announcement_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def with_content_json(self, content):
        """A revision restores the text and dates, never whether the notification went out."""
        obj = super().with_content_json(content)
        obj.notified_at = self.notified_at
        return obj

    @property
    def shown_title(self) -> str:
        return self.title_zh if self.title_zh and _reads_chinese() else self.title

    @property
    def shown_body(self) -> str:
        return self.body_zh if self.body_zh and _reads_chinese() else self.body


def _reads_chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


class AnnouncementRead(models.Model):
    """A user dismissed an announcement ("Mark as read"): it no longer shows in their headers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announcement read")
        verbose_name_plural = _("announcements read")
        constraints = [models.UniqueConstraint(fields=["user", "announcement"], name="mp_announcement_read_once")]
