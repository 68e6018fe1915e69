"""Wagtail page types of the marketplace."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The marketplace's front page, edited by operator staff in Wagtail."""

    intro = RichTextField(_("introduction"), blank=True)
    intro_zh = RichTextField(_("introduction (Simplified Chinese)"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("intro_zh")]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")
