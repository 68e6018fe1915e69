"""Pages in English and Simplified Chinese at the same URL, switched with the storefront's language form."""

import pytest
from django.test import Client

from tests import help_fixtures

help_centre = help_fixtures.help_centre

pytestmark = pytest.mark.django_db


def _switch(client: Client, language: str, next_url: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302


def test_chinese_locale_exists_for_editors_to_translate_into():
    from wagtail.models import Locale

    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"en", "zh-hans"}


def test_help_centre_same_url_english_then_chinese_after_switching(help_centre):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    english = client.get("/help/").content.decode()
    assert "Help centre" in english and "Answers about shopping" in english
    assert "帮助中心" not in english and "如何申请退货退款？" not in english
    assert "How do I return an item and get a refund?" in english

    _switch(client, "zh-hans", "/help/")
    chinese = client.get("/help/").content.decode()
    assert "帮助中心" in chinese and "关于购物、配送、退货" in chinese
    assert "如何申请退货退款？" in chinese
    assert "How do I return an item" not in chinese and "Answers about shopping" not in chinese

    page = client.get("/help/request-a-refund/").content.decode()
    assert "店铺收到退货后，退款将原路返回" in page
    _switch(client, "en", "/help/request-a-refund/")
    page = client.get("/help/request-a-refund/").content.decode()
    assert "the refund goes back to how you paid" in page and "原路返回" not in page


def test_home_page_is_chinese_at_the_same_url_after_switching(help_centre):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "来自可信供应商的茶叶" not in client.get("/").content.decode()
    _switch(client, "zh-hans", "/")
    response = client.get("/")
    assert response.status_code == 200
    assert "来自可信供应商的茶叶、食品与家居好物" in response.content.decode()


def test_translations_link_to_the_same_url(help_centre):
    from wagtail.models import Locale

    chinese = help_centre.get_translation(Locale.objects.get(language_code="zh-hans"))
    assert chinese.title == "帮助中心" and chinese.live
    assert help_centre.url == chinese.url == "/help/"


def test_a_page_not_yet_translated_shows_in_english_rather_than_not_found(help_centre):
    from cms.help.models import HelpPage

    page = help_centre.add_child(instance=HelpPage(title="Gift cards", slug="gift-cards", topic="payments",
                                                   summary="Only in English so far.", body="<p>Soon.</p>"))
    page.save_revision().publish()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    _switch(client, "zh-hans", "/help/gift-cards/")
    response = client.get("/help/gift-cards/")
    assert response.status_code == 200 and "Only in English so far." in response.content.decode()
    assert client.get("/help/no-such-page/").status_code == 404
