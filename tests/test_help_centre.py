"""The help centre at /help/: topics, search in the visitor's language (Chinese too), scheduled publishing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import help_fixtures

help_centre = help_fixtures.help_centre
pytestmark = pytest.mark.django_db


def _chinese_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/help/"}).status_code == 302
    return client


def _add_page(index, slug: str, title: str, **fields):
    from cms.help.models import HelpPage

    page = index.add_child(instance=HelpPage(title=title, slug=slug, topic=fields.pop("topic", "delivery"),
                                             summary=fields.pop("summary", ""), body=fields.pop("body", ""),
                                             **fields))
    page.save_revision().publish()
    return page


def test_index_lists_help_pages_under_their_topics(help_centre):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/help/").content.decode()
    returns_at = html.index("Returns and refunds")
    assert html.index("How do I return an item and get a refund?") > returns_at
    assert "Ask for a return from your order within the return window." in html
    assert 'href="/help/request-a-refund/"' in html
    assert 'name="q"' in html  # the search box


def test_english_search_finds_english_pages_only(help_centre):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/help/", {"q": "refund"}).content.decode()
    assert "How do I return an item and get a refund?" in html
    assert "如何申请退货退款？" not in html
    assert "Nothing found" not in html
    assert "How do I place an order?" not in html


def test_search_with_no_match_says_nothing_found(help_centre):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/help/", {"q": "submarine"}).content.decode()
    assert "Nothing found for “submarine”" in html
    # a Chinese word in the English help centre: nothing (the Chinese pages are not mixed in)
    html = client.get("/help/", {"q": "退货"}).content.decode()
    assert "help-nothing" in html and "如何申请退货退款？" not in html


def test_chinese_search_finds_chinese_words_inside_sentences(help_centre):
    client = _chinese_client()
    html = client.get("/help/", {"q": "退货"}).content.decode()
    assert "如何申请退货退款？" in html and "help-nothing" not in html
    assert "How do I return" not in html
    html = client.get("/help/", {"q": "积分"}).content.decode()  # found in the title and the answer
    assert "积分如何使用？" in html and "如何下单？" not in html
    html = client.get("/help/", {"q": "refund"}).content.decode()  # English word, Chinese help centre
    assert "help-nothing" in html


def test_search_ignores_pages_that_are_not_live(help_centre):
    page = _add_page(help_centre, "customs-duties", "Do I pay customs duties?", body="<p>Zeppelin freight.</p>")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Do I pay customs duties?" in client.get("/help/", {"q": "zeppelin"}).content.decode()
    page.unpublish()
    html = client.get("/help/", {"q": "zeppelin"}).content.decode()
    assert "Do I pay customs duties?" not in html and "help-nothing" in html


def test_help_index_runs_a_fixed_number_of_queries(help_centre):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get("/help/")  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/help/").status_code == 200
    for number in range(6):
        _add_page(help_centre, f"extra-{number}", f"Extra question {number}", topic="account")
    with CaptureQueriesContext(connection) as after:
        html = client.get("/help/").content.decode()
    assert "Extra question 5" in html
    assert len(after.captured_queries) == len(before.captured_queries)
    with CaptureQueriesContext(connection) as searching:
        html = client.get("/help/", {"q": "Extra"}).content.decode()
    assert "Extra question 3" in html
    assert len(searching.captured_queries) <= len(before.captured_queries) + 3


def test_scheduled_page_goes_live_only_when_the_task_runs_and_expires_the_same_way(help_centre):
    from freezegun import freeze_time

    from cms.help.models import HelpPage
    from cms.tasks import publish_scheduled

    now = timezone.now()
    page = help_centre.add_child(instance=HelpPage(title="Holiday deliveries", slug="holiday-deliveries",
                                                   topic="delivery", body="<p>Spring festival times.</p>",
                                                   live=False))
    page.go_live_at = now + timedelta(hours=1)
    page.save_revision().publish()  # scheduled, not published
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/help/holiday-deliveries/").status_code == 404

    with freeze_time(now + timedelta(hours=2)):  # the go-live time has passed ...
        assert client.get("/help/holiday-deliveries/").status_code == 404  # ... but the task has not run
        assert "Holiday deliveries" not in client.get("/help/").content.decode()
        publish_scheduled.call()
        response = client.get("/help/holiday-deliveries/")
        assert response.status_code == 200 and "Spring festival times." in response.content.decode()
        assert "Holiday deliveries" in client.get("/help/").content.decode()

    HelpPage.objects.filter(pk=page.pk).update(expire_at=now + timedelta(hours=3))
    with freeze_time(now + timedelta(hours=4)):  # expired ...
        assert client.get("/help/holiday-deliveries/").status_code == 200  # ... but the task has not run
        publish_scheduled.call()
        page.refresh_from_db()
        assert page.expired and not page.live
        assert client.get("/help/holiday-deliveries/").status_code == 404
