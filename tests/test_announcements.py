"""Portal announcements: who is told when one is published, what each portal's header shows, and the editor's form.

Announcements here are made either directly (header tests: the row as wagtail leaves it once published) or through
wagtail's snippet views as an editor (publish, edit, bad dates), so the signal bridge is exercised as in use.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from announcements.context_processors import announcements as announcements_context
from announcements.models import Announcement, AnnouncementRead
from announcements.tasks import announcements_due
from notifications.models import Notification, OutboxEvent

ADD_URL = "wagtailsnippets_mp_announcements_announcement:add"
EDIT_URL = "wagtailsnippets_mp_announcements_announcement:edit"
SUPPLIER_PEOPLE = {"supplier@demo.test", "warehouse@demo.test", "grain@demo.test", "home@demo.test",
                   "multi@demo.test"}
DISTRIBUTOR_PEOPLE = {"distributor@demo.test", "finance@demo.test", "harbor@demo.test", "maple@demo.test"}
STORE_PEOPLE = {"storeadmin@demo.test", "shopstaff@demo.test", "multi@demo.test"}


@pytest.fixture
def fresh(demo):
    """No earlier notifications or announcements: each test sees only what it caused."""
    OutboxEvent.objects.all().delete()
    Announcement.objects.all().delete()


def told(kind="announcement.published") -> dict[str, str]:
    """email → link of everyone notified of `kind`."""
    rows = Notification.objects.filter(event__kind=kind).select_related("user")
    return {row.user.email: row.link for row in rows}


def when(**delta) -> str:
    """A moment relative to now in the format wagtail's date-time widget posts (local time)."""
    return timezone.localtime(timezone.now() + timedelta(**delta)).strftime("%Y-%m-%d %H:%M")


def form(audience="suppliers", title="Maintenance tonight", starts=None, ends=None, **extra) -> dict:
    return {"title": title, "title_zh": "", "body": "The portals pause 22:00-22:30.", "body_zh": "",
            "audience": audience, "starts_at": starts or when(minutes=-5), "ends_at": ends or when(days=2), **extra}


def announcement(audience="all", title="Hello", started=True, ended=False, live=True, **fields) -> Announcement:
    now = timezone.now()
    starts = now - timedelta(hours=2) if started else now + timedelta(hours=2)
    ends = now - timedelta(hours=1) if ended else now + timedelta(days=1)
    fields.setdefault("body", f"{title} body")
    return Announcement.objects.create(title=title, audience=audience, starts_at=starts, ends_at=ends, live=live,
                                       **fields)


def strip(response) -> str:
    """The announcements strip of a portal page (empty when there is none)."""
    html = response.content.decode()
    start = html.find('<section class="announcements"')
    return "" if start < 0 else html[start:html.index("</section>", start)]


# --- publishing tells the audience ------------------------------------------------------------------------------

def test_publishing_tells_every_member_of_the_audience_only(fresh, signed_in):
    editor = signed_in("operator@demo.test")
    response = editor.post(reverse(ADD_URL), form(audience="suppliers", **{"action-publish": "action-publish"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Announcement.objects.get(title="Maintenance tonight")
    assert row.live and row.notified_at is not None
    reached = told()
    assert set(reached) & (SUPPLIER_PEOPLE | DISTRIBUTOR_PEOPLE | STORE_PEOPLE | {"shopper@demo.test",
                                                                                 "operator@demo.test"}) \
        == SUPPLIER_PEOPLE
    assert reached["supplier@demo.test"] == reverse("supplier:home")
    event = OutboxEvent.objects.get(kind="announcement.published")
    assert [route["group"] for route in event.audiences] == ["every.supplier"]  # one group, not one per supplier


def test_all_reaches_each_portal_once(fresh, signed_in):
    editor = signed_in("operator@demo.test")
    editor.post(reverse(ADD_URL), form(audience="all", **{"action-publish": "action-publish"}))
    reached = told()
    people = SUPPLIER_PEOPLE | DISTRIBUTOR_PEOPLE | STORE_PEOPLE
    assert set(reached) & (people | {"shopper@demo.test", "operator@demo.test"}) == people
    multi = get_user_model().objects.get(email="multi@demo.test")  # a supplier's and a store's member: told once
    assert Notification.objects.filter(user=multi, event__kind="announcement.published").count() == 1
    assert reached["distributor@demo.test"] == reverse("distributor:home")
    assert reached["storeadmin@demo.test"] == reverse("storeadmin:home")
    event = OutboxEvent.objects.get(kind="announcement.published")
    assert sorted(route["group"] for route in event.audiences) == ["every.distributor", "every.store",
                                                                   "every.supplier"]


def test_a_draft_tells_nobody_and_shows_nowhere(fresh, signed_in):
    editor = signed_in("operator@demo.test")
    response = editor.post(reverse(ADD_URL), form(title="Just a draft"))  # "Save draft"
    assert response.status_code == 302
    row = Announcement.objects.get(title="Just a draft")
    assert not row.live and row.notified_at is None
    assert told() == {}
    assert "Just a draft" not in strip(signed_in("supplier@demo.test").get(reverse("supplier:home")))


def test_editing_a_published_announcement_does_not_tell_twice(fresh, signed_in):
    editor = signed_in("operator@demo.test")
    editor.post(reverse(ADD_URL), form(**{"action-publish": "action-publish"}))
    row = Announcement.objects.get()
    first = len(told())
    response = editor.post(reverse(EDIT_URL, args=[row.pk]),
                           form(title="Maintenance tonight (moved to 23:00)", **{"action-publish": "action-publish"}))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.title == "Maintenance tonight (moved to 23:00)" and row.notified_at is not None
    assert OutboxEvent.objects.filter(kind="announcement.published").count() == 1
    assert len(told()) == first
    first_version = row.revisions.order_by("pk").first()  # saved before the notification went out
    first_version.publish()  # the editor reverts to it and publishes
    row.refresh_from_db()
    assert row.title == "Maintenance tonight" and row.notified_at is not None
    assert OutboxEvent.objects.filter(kind="announcement.published").count() == 1


def test_a_future_start_is_told_by_the_due_task_once_it_has_passed(fresh, signed_in):
    editor = signed_in("operator@demo.test")
    editor.post(reverse(ADD_URL), form(starts=when(hours=1), **{"action-publish": "action-publish"}))
    row = Announcement.objects.get()
    assert row.live and row.notified_at is None
    assert told() == {}
    assert announcements_due.call() == 0  # not started yet: still nothing
    assert told() == {}
    Announcement.objects.filter(pk=row.pk).update(starts_at=timezone.now() - timedelta(minutes=1))  # time passes
    assert announcements_due.call() == 1
    assert "supplier@demo.test" in told() and "distributor@demo.test" not in told()
    assert announcements_due.call() == 0  # told once
    assert OutboxEvent.objects.filter(kind="announcement.published").count() == 1


def test_an_ended_announcement_is_never_told(fresh):
    announcement(audience="all", ended=True)
    assert announcements_due.call() == 0
    assert told() == {}


# --- the editor's form ------------------------------------------------------------------------------------------

def test_an_end_before_the_start_is_refused_with_a_message(fresh, signed_in):
    editor = signed_in("operator@demo.test")
    response = editor.post(reverse(ADD_URL), form(title="Backwards", starts=when(days=2), ends=when(days=1),
                                                  **{"action-publish": "action-publish"}))
    assert response.status_code == 200
    assert "The end must come after the start." in response.content.decode()
    assert not Announcement.objects.filter(title="Backwards").exists()
    assert told() == {}


# --- the portal headers -----------------------------------------------------------------------------------------

def test_each_portal_shows_its_own_and_everyones_announcements(fresh, signed_in):
    announcement(audience="suppliers", title="For suppliers")
    announcement(audience="distributors", title="For distributors")
    announcement(audience="stores", title="For store admins")
    announcement(audience="all", title="For everyone")
    pages = {"supplier@demo.test": "supplier:home", "distributor@demo.test": "distributor:home",
             "storeadmin@demo.test": "storeadmin:home"}
    seen = {}
    for email, page in pages.items():
        shown = strip(signed_in(email).get(reverse(page)))
        seen[email] = {title for title in ("For suppliers", "For distributors", "For store admins", "For everyone")
                       if title in shown}
    assert seen == {"supplier@demo.test": {"For suppliers", "For everyone"},
                    "distributor@demo.test": {"For distributors", "For everyone"},
                    "storeadmin@demo.test": {"For store admins", "For everyone"}}


def test_not_started_ended_and_unpublished_ones_do_not_show(fresh, signed_in):
    announcement(title="Shown now")
    announcement(title="Starts later", started=False)
    announcement(title="Already over", ended=True)
    announcement(title="Unpublished", live=False)
    shown = strip(signed_in("supplier@demo.test").get(reverse("supplier:home")))
    assert "Shown now" in shown
    assert "Starts later" not in shown and "Already over" not in shown and "Unpublished" not in shown


def test_mark_as_read_hides_it_for_that_user_only(fresh, signed_in):
    row = announcement(audience="suppliers", title="Read me")
    client = signed_in("supplier@demo.test")
    home = reverse("supplier:home")
    assert "Read me" in strip(client.get(home))
    page = client.get(reverse("announcements:read", args=[row.pk]))
    assert page.status_code == 200 and "Mark as read" in page.content.decode()
    response = client.post(reverse("announcements:read", args=[row.pk]), {"next": home})
    assert response.status_code == 302 and response["Location"] == home
    assert "Read me" not in strip(client.get(home))
    assert AnnouncementRead.objects.filter(announcement=row, user__email="supplier@demo.test").count() == 1
    assert "Read me" in strip(signed_in("warehouse@demo.test").get(home))  # a colleague still sees it


def test_reading_one_not_addressed_to_you_is_a_404(fresh, signed_in):
    row = announcement(audience="distributors", title="Not for suppliers")
    client = signed_in("supplier@demo.test")
    assert client.post(reverse("announcements:read", args=[row.pk])).status_code == 404
    assert client.get(reverse("announcements:read", args=[row.pk])).status_code == 404
    draft = announcement(audience="suppliers", live=False)
    assert client.post(reverse("announcements:read", args=[draft.pk])).status_code == 404
    assert not AnnouncementRead.objects.exists()


def test_the_header_reads_in_the_users_language_falling_back_to_english(fresh, signed_in):
    announcement(audience="suppliers", title="Holiday hours", title_zh="假期营业时间", body_zh="春节期间暂停发货")
    announcement(audience="suppliers", title="English only")
    shown = strip(signed_in("supplier@demo.test", language="zh-hans").get(reverse("supplier:home")))
    assert "假期营业时间" in shown and "春节期间暂停发货" in shown and "Holiday hours" not in shown
    assert "English only" in shown
    english = strip(signed_in("warehouse@demo.test").get(reverse("supplier:home")))
    assert "Holiday hours" in english and "假期营业时间" not in english


def test_the_body_is_escaped(fresh, signed_in):
    announcement(audience="suppliers", title="Careful", body='<script>alert("x")</script>')
    shown = strip(signed_in("supplier@demo.test").get(reverse("supplier:home")))
    assert "<script>alert" not in shown and "&lt;script&gt;" in shown


def test_the_header_costs_one_query_however_many_announcements(fresh, demo):
    supplier = get_user_model().objects.get(email="supplier@demo.test")
    request = RequestFactory().get(reverse("supplier:home"))
    request.user, request.resolver_match = supplier, resolve(reverse("supplier:home"))
    announcement(audience="suppliers", title="One")
    with CaptureQueriesContext(connection) as one:
        assert [row.title for row in announcements_context(request)["portal_announcements"]] == ["One"]
    for number in range(5):
        announcement(audience="all", title=f"More {number}")
    with CaptureQueriesContext(connection) as six:
        assert len(announcements_context(request)["portal_announcements"]) == 6
    assert len(one) == len(six) == 1


def test_no_queries_for_anonymous_users_or_other_pages(fresh, demo):
    from django.contrib.auth.models import AnonymousUser

    announcement(audience="all")
    supplier = get_user_model().objects.get(email="supplier@demo.test")
    anonymous = RequestFactory().get(reverse("supplier:home"))
    anonymous.user, anonymous.resolver_match = AnonymousUser(), resolve(reverse("supplier:home"))
    other = RequestFactory().get(reverse("notifications:list"))
    other.user, other.resolver_match = supplier, resolve(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as queries:
        assert announcements_context(anonymous) == {}
        assert announcements_context(other) == {}
    assert len(queries) == 0


def test_editors_list_shows_announcements_with_their_audience(fresh, signed_in):
    announcement(audience="stores", title="Stocktake week")
    response = signed_in("operator@demo.test").get(
        reverse("wagtailsnippets_mp_announcements_announcement:list") + "?audience=stores")
    assert response.status_code == 200
    assert "Stocktake week" in response.content.decode() and "Store admins" in response.content.decode()


def test_a_members_socket_joins_the_group_of_each_kind_of_party_once(demo):
    from notifications.audiences import socket_groups

    users = get_user_model().objects
    supplier_groups = socket_groups(user=users.get(email="supplier@demo.test"))
    assert "every.supplier" in supplier_groups and "every.distributor" not in supplier_groups
    multi_groups = socket_groups(user=users.get(email="multi@demo.test"))  # a supplier's and a store's member
    assert [group for group in multi_groups if group.startswith("every.")] == ["every.supplier", "every.store"]
    assert not [group for group in socket_groups(user=users.get(email="shopper@demo.test"))
                if group.startswith("every.")]


def test_the_notification_reads_in_the_readers_language(fresh, signed_in):
    from django.utils import translation

    from notifications.events import render

    editor = signed_in("operator@demo.test")
    editor.post(reverse(ADD_URL), form(audience="suppliers", title="Holiday hours", title_zh="假期营业时间",
                                       **{"action-publish": "action-publish"}))
    event = OutboxEvent.objects.get(kind="announcement.published")
    with translation.override("zh-hans"):
        assert "假期营业时间" in render(kind=event.kind, params=event.params)[0]
    with translation.override("en"):
        assert "Holiday hours" in render(kind=event.kind, params=event.params)[0]
