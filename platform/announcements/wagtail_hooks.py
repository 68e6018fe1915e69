"""The announcement snippet in Wagtail's admin (/cms-admin/snippets/): editors save drafts and publish.

Permissions are wagtail's by codename: add/change/delete_announcement and publish_announcement (wagtail creates
the last one because the model has drafts).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from announcements.models import Announcement


class AnnouncementViewSet(SnippetViewSet):
    model = Announcement
    icon = "warning"
    menu_label = _("Announcements")
    add_to_admin_menu = True
    list_display = ["title", "audience", "starts_at", "ends_at", "notified_at"]
    list_filter = ["audience", "live"]
    search_fields = ["title", "title_zh"]
    panels = [
        MultiFieldPanel([FieldPanel("title"), FieldPanel("body")], heading=_("English")),
        MultiFieldPanel([FieldPanel("title_zh"), FieldPanel("body_zh")], heading=_("Simplified Chinese")),
        FieldPanel("audience"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Shown")),
    ]


register_snippet(AnnouncementViewSet)
