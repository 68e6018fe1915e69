"""Wagtail page types of the marketplace: the home page and its campaign landing pages.

Both are built from `cms.blocks.PageBodyBlock` and render inside the storefront's chrome (header, basket, language
switch, live notifications). Previews and scheduled publishing (go-live / expiry) are Wagtail's own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import PageBodyBlock


class HomePage(Page):
    """The marketplace's front page, edited by operator staff in Wagtail."""

    body = StreamField(PageBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("body")]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import live_campaigns

        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = list(live_campaigns(home=self))
        return context


class CampaignPage(Page):
    """A time-limited promotion's landing page under the home page (listed there while it is live)."""

    summary = models.TextField(_("summary"), blank=True, max_length=300,
                               help_text=_("One or two sentences for the home page's list of campaigns."))
    body = StreamField(PageBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["mp_cms.HomePage"]
    subpage_types: list[str] = []
    template = "cms/campaign_page.html"

    class Meta:
        verbose_name = _("campaign page")
