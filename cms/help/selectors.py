"""Help centre queries: the pages of one help index by topic, and search within the index's language.

Wagtail's database search backend tokenises on spaces and punctuation, so a Chinese word inside a run of
Chinese characters ("退货" in "如何申请退货") is not a token of its own. When the backend finds nothing, or the
query contains CJK characters, the pages are also matched by substring on title, summary and answer.
"""

import re

from django.db.models import Q

from cms.help.models import HelpPage, HelpTopic

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_RESULTS = 50


def _pages(index_page):
    return HelpPage.objects.live().descendant_of(index_page).filter(locale_id=index_page.locale_id)


def help_pages_by_topic(*, index_page) -> list[tuple[str, list[HelpPage]]]:
    """[(topic label, [pages in tree order])] for the topics that have live pages, in the topics' order."""
    pages = list(_pages(index_page).order_by("path"))
    grouped = []
    for value, label in HelpTopic.choices:
        in_topic = [page for page in pages if page.topic == value]
        if in_topic:
            grouped.append((label, in_topic))
    return grouped


def help_search(*, index_page, query: str) -> list[HelpPage]:
    """Live help pages of the index's language matching `query`: wagtail search first, substring match added."""
    query = query.strip()
    if not query:
        return []
    pages = _pages(index_page)
    found = list(pages.search(query, operator="and")[:MAX_RESULTS])
    if not found or CJK.search(query):
        seen = {page.pk for page in found}
        words = query.split()
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        found += [page for page in pages.filter(condition).exclude(pk__in=seen).order_by("path")[:MAX_RESULTS]]
    return found[:MAX_RESULTS]
