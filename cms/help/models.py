"""Help centre pages: an index at /help/ (topics, search box) and one page per question, per language.

The index lists and searches only pages of its own locale, so the English and the Chinese help centre
(translations made with wagtail's "Translate") stay apart at the same URL.
"""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HelpTopic(models.TextChoices):
    SHOPPING = "shopping", _("Shopping and orders")
    DELIVERY = "delivery", _("Delivery")
    RETURNS = "returns", _("Returns and refunds")
    PAYMENTS = "payments", _("Payments and points")
    ACCOUNT = "account", _("Your account")
    SELLING = "selling", _("Selling on the marketplace")


class HelpIndexPage(Page):
    """The help centre's front page: an introduction, the help pages by topic, a search box (`?q=`)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["mp_cms.HomePage"]
    subpage_types = ["mp_help.HelpPage"]
    max_count_per_parent = 1
    template = "help/help_index_page.html"

    class Meta:
        verbose_name = _("help centre")

    def route(self, request, path_components):
        """A help page not yet translated into the visitor's language is shown in the default language rather
        than "not found" (same URL in every language)."""
        try:
            return super().route(request, path_components)
        except Http404:
            from wagtail.models import Locale

            default = Locale.get_default()
            if not path_components or self.locale_id == default.pk:
                raise
            source = self.get_translation_or_none(default)
            if source is None or not source.live:
                raise
            return source.specific.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from cms.help.selectors import help_pages_by_topic, help_search

        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:200]
        context["query"] = query
        if query:
            context["results"] = help_search(index_page=self, query=query)
        else:
            context["topics"] = help_pages_by_topic(index_page=self)
        return context


class HelpPage(Page):
    """One question answered: a title, a one-line summary for lists and results, the answer, a topic."""

    summary = models.CharField(_("summary"), max_length=255, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=HelpTopic.choices, default=HelpTopic.SHOPPING)
    body = RichTextField(_("answer"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("topic"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=1.5),
        index.SearchField("body"),
        index.FilterField("topic"),
    ]
    parent_page_types = ["mp_help.HelpIndexPage"]
    subpage_types = []
    template = "help/help_page.html"

    class Meta:
        verbose_name = _("help page")
