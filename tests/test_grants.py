"""Giving roles (by e-mail, on a party or one of its stores, for good or until a moment), their lapse, and refusals."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from parties.grants import membership_grant, membership_revoke
from parties.models import Distributor, Membership, Role, Store, Supplier
from tests.isolation_grants import OPERATOR_ENTRIES, PORTAL_ENTRIES

User = get_user_model()


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def user(email: str):
    return User.objects.get(email=email)


def local_input(moment) -> str:
    """The value a datetime-local field posts for `moment`."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def snapshot() -> tuple:
    """What a refused grant must leave untouched: memberships, accounts and grant events."""
    return (sorted(Membership.all_objects.values_list("pk", "user_id", "role", "expires_at")), User.objects.count(),
            AuditEvent.objects.filter(action__startswith="membership.").count())


@pytest.fixture
def tea(demo):
    return Supplier.objects.get(slug="green-leaf-tea")


def test_a_temporary_grant_works_until_its_end_and_then_lapses(signed_in, tea, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    owner = signed_in("supplier@demo.test")
    until = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("supplier:member-grant"), {
            "email": "auditor@example.test", "place": f"supplier:{tea.pk}", "role": "finance",
            "until": local_input(until)}, follow=True)
    page = shown(response)
    assert "auditor@example.test now has the role Finance at Green Leaf Tea until" in page
    assert "An account was opened for auditor@example.test" in page
    grant = Membership.objects.get(user__email="auditor@example.test", supplier=tea)
    assert grant.role == Role.FINANCE and grant.granted_by == user("supplier@demo.test")
    assert abs(grant.expires_at - until) < timedelta(minutes=1)
    [mail] = mailoutbox
    assert mail.to == ["auditor@example.test"] and "Finance" in mail.subject and "/password-reset/confirm/" in mail.body
    event = AuditEvent.objects.get(action="membership.grant", target_id=str(grant.pk))
    assert (event.party_type, event.party_id, event.changes["role"]) == ("supplier", tea.pk, "finance")

    auditor = Client()
    auditor.force_login(grant.user)
    assert auditor.get(reverse("supplier:finance")).status_code == 200

    Membership.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))  # time passes
    ended = auditor.get(reverse("supplier:finance"))
    assert ended.status_code == 403 and "Your role at Green Leaf Tea ended on" in shown(ended)
    people = shown(owner.get(reverse("supplier:member-list")))
    row = people.split(f'data-member="{grant.pk}"')[1].split("</li>")[0]
    assert "Lapsed" in row and "auditor@example.test" in row and "Revoke" not in row
    assert not Membership.objects.filter(pk=grant.pk).exists()  # the in-force manager no longer sees it
    assert Membership.all_objects.filter(pk=grant.pk).exists()  # but the row stays, for the People page


def test_a_distributor_gives_a_role_on_one_of_its_stores_to_an_existing_account(signed_in, mailoutbox,
                                                                                django_capture_on_commit_callbacks):
    shop = Store.objects.get(slug="sunrise-nanjing-road")
    owner = signed_in("distributor@demo.test")
    with django_capture_on_commit_callbacks(execute=True):
        page = shown(owner.post(reverse("distributor:member-grant"), {
            "email": "shopper@demo.test", "place": f"store:{shop.pk}", "role": "staff", "until": ""}, follow=True))
    assert "shopper@demo.test now has the role Staff at Sunrise Nanjing Road Shop." in page
    assert "An account was opened" not in page
    assert User.objects.filter(email="shopper@demo.test").count() == 1
    assert "/login/" in mailoutbox[0].body
    shopper = signed_in("shopper@demo.test")
    till = shopper.get(reverse("storeadmin:pos"))
    assert till.status_code == 200 and "Sunrise Nanjing Road" in shown(till)


@pytest.mark.parametrize("case", ["not a leader", "role above own", "unlimited from temporary",
                                  "outlives grantor", "end in the past", "store of another distributor",
                                  "already a member", "own role"])
def test_each_refused_grant_says_why_and_changes_nothing(demo, tea, case):
    now = timezone.now()
    manager = user("multi@demo.test")  # manager of golden-grain
    grain = Supplier.objects.get(slug="golden-grain")
    target = user("shopper@demo.test")
    kwargs = {"actor": manager, "user": target, "party_or_store": grain, "role": Role.STAFF}
    if case == "not a leader":
        kwargs.update(actor=user("warehouse@demo.test"), party_or_store=tea)
        expected = "only its owner or a manager"
    elif case == "role above own":
        kwargs.update(role=Role.OWNER)
        expected = "You cannot give the role Owner: it is above your own."
    elif case in ("unlimited from temporary", "outlives grantor"):
        Membership.objects.filter(user=manager, supplier=grain).update(expires_at=now + timedelta(days=2))
        if case == "outlives grantor":
            kwargs.update(expires_at=now + timedelta(days=5))
            expected = "after your own access to Golden Grain Foods ends"
        else:
            expected = "so a role you give must end by then too: set an end."
    elif case == "end in the past":
        kwargs.update(expires_at=now - timedelta(hours=1))
        expected = "is already past"
    elif case == "store of another distributor":
        kwargs.update(actor=user("distributor@demo.test"), party_or_store=Store.objects.get(slug="harbor-online"))
        expected = "You may not give roles on Harbor Online"
    elif case == "already a member":
        kwargs.update(user=user("grain@demo.test"))
        expected = "already has the role Owner at Golden Grain Foods"
    else:
        kwargs.update(user=manager)
        expected = "You cannot change your own role"
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        membership_grant(**kwargs)
    assert expected in " ".join(refused.value.messages)
    assert snapshot() == before


def test_a_temporary_manager_may_grant_within_their_own_end(demo):
    grain = Supplier.objects.get(slug="golden-grain")
    manager = user("multi@demo.test")
    end = timezone.now() + timedelta(days=2)
    Membership.objects.filter(user=manager, supplier=grain).update(expires_at=end)
    grant = membership_grant(actor=manager, user=user("shopper@demo.test"), party_or_store=grain,
                             role=Role.MANAGER, expires_at=end - timedelta(hours=1))
    assert grant.role == Role.MANAGER and grant.expires_at == end - timedelta(hours=1)


def test_a_refused_invitation_opens_no_account(signed_in, tea):
    owner = signed_in("supplier@demo.test")
    before = snapshot()
    page = shown(owner.post(reverse("supplier:member-grant"), {
        "email": "late@example.test", "place": f"supplier:{tea.pk}", "role": "staff",
        "until": local_input(timezone.now() - timedelta(days=1))}))
    assert "is already past; choose a moment in the future." in page
    assert 'value="late@example.test"' in page  # the form comes back as typed
    assert snapshot() == before and not User.objects.filter(email="late@example.test").exists()
    harbor_store = Store.objects.get(slug="harbor-online")
    page = shown(owner.post(reverse("supplier:member-grant"), {
        "email": "late@example.test", "place": f"store:{harbor_store.pk}", "role": "staff"}))
    assert "Choose where the role applies." in page and snapshot() == before


def test_revoking_early_ends_access_now_and_is_audited(signed_in, tea):
    owner = signed_in("supplier@demo.test")
    staff = Membership.objects.get(user__email="warehouse@demo.test", supplier=tea)
    assert owner.get(reverse("supplier:member-revoke", args=[staff.pk])).status_code == 200
    page = shown(owner.post(reverse("supplier:member-revoke", args=[staff.pk]), follow=True))
    assert "warehouse@demo.test no longer has the role Warehouse at Green Leaf Tea." in page
    assert signed_in("warehouse@demo.test").get(reverse("supplier:fulfilment-list")).status_code == 403
    event = AuditEvent.objects.get(action="membership.revoke", target_id=str(staff.pk))
    assert (event.actor_label, event.party_type, event.party_id) == ("supplier@demo.test", "supplier", tea.pk)


def test_revocation_refusals_change_nothing(demo, tea):
    grain = Supplier.objects.get(slug="golden-grain")
    owner_membership = Membership.objects.get(user__email="grain@demo.test", supplier=grain)
    before = snapshot()
    with pytest.raises(ValidationError, match="it is above your own"):
        membership_revoke(actor=user("multi@demo.test"), membership=owner_membership)
    with pytest.raises(ValidationError, match="is the only owner of Golden Grain Foods"):
        membership_revoke(actor=user("operator@demo.test"), membership=owner_membership)
    with pytest.raises(ValidationError, match="You cannot revoke your own role"):
        membership_revoke(actor=user("supplier@demo.test"),
                          membership=Membership.objects.get(user__email="supplier@demo.test", supplier=tea))
    assert snapshot() == before


def test_operator_lists_grants_in_force_and_lapsed_and_revokes_one(signed_in, demo):
    operator_user = user("operator@demo.test")
    harbor = Distributor.objects.get(slug="harbor-goods")
    live = membership_grant(actor=operator_user, user=user("shopper@demo.test"), party_or_store=harbor,
                            role=Role.FINANCE, expires_at=timezone.now() + timedelta(days=1))
    old = membership_grant(actor=operator_user, user=user("maple@demo.test"), party_or_store=harbor,
                           role=Role.STAFF, expires_at=timezone.now() + timedelta(days=1))
    Membership.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client = signed_in("operator@demo.test")
    page = shown(client.get(reverse("dashboard:mp-grant-list")))
    for grant, status in ((live, "In force"), (old, "Lapsed")):
        row = page.split(f'data-grant="{grant.pk}"')[1].split("</tr>")[0]
        assert status in row and "Harbor Goods" in row
    lapsed_only = shown(client.get(reverse("dashboard:mp-grant-list"), {"status": "lapsed"}))
    assert f'data-grant="{old.pk}"' in lapsed_only and f'data-grant="{live.pk}"' not in lapsed_only
    page = shown(client.post(reverse("dashboard:mp-grant-revoke", args=[live.pk]), follow=True))
    assert "shopper@demo.test no longer has the role Finance at Harbor Goods." in page
    assert not Membership.objects.filter(pk=live.pk).exists()


def test_operator_gives_a_role_from_the_back_office(signed_in, demo):
    client = signed_in("operator@demo.test")
    page = shown(client.post(reverse("dashboard:mp-grant-create"), {
        "email": "shopper@demo.test", "kind": "store", "slug": "harbor-online", "role": "warehouse", "until": ""},
        follow=True))
    assert "shopper@demo.test now has the role Warehouse at Harbor Online." in page
    page = shown(client.post(reverse("dashboard:mp-grant-create"), {
        "email": "shopper@demo.test", "kind": "store", "slug": "nowhere", "role": "staff"}))
    assert "No store has the slug “nowhere”." in page


@pytest.mark.parametrize("email", ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test"])
def test_non_operators_get_404_on_the_grant_pages(signed_in, email):
    client = signed_in(email)
    assert client.get(reverse("dashboard:mp-grant-list")).status_code == 404
    assert client.post(reverse("dashboard:mp-grant-create"), {"email": "x@example.test"}).status_code == 404


def test_people_page_runs_a_fixed_number_of_queries(signed_in, tea):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = signed_in("supplier@demo.test")
    owner.get(reverse("supplier:member-list"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        owner.get(reverse("supplier:member-list"))
    for n in range(8):
        person = User.objects.create_user(username=f"p{n}@example.test", email=f"p{n}@example.test")
        Membership.objects.create(user=person, supplier=tea, role=Role.STAFF, granted_by=user("supplier@demo.test"),
                                  expires_at=timezone.now() + timedelta(days=n - 4))
    with CaptureQueriesContext(connection) as many:
        page = shown(owner.get(reverse("supplier:member-list")))
    assert page.count("Lapsed</span>") >= 4 and page.count("given by supplier@demo.test") >= 8
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize("name", sorted(PORTAL_ENTRIES))
def test_revoke_pages_reach_only_the_own_partys_people(name, signed_in):
    """The isolation sweep's entries for these URLs (tests/isolation_grants.py), run here until they are merged."""
    entry = PORTAL_ENTRIES[name]
    client = signed_in(entry["actor"])
    assert client.get(reverse(name, kwargs=entry["own"]())).status_code == 200
    for method in entry["methods"]:
        assert getattr(client, method)(reverse(name, kwargs=entry["foreign"]())).status_code == 404
    for email in ("supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test"):
        url = reverse("dashboard:mp-grant-revoke", kwargs=OPERATOR_ENTRIES["dashboard:mp-grant-revoke"]())
        assert signed_in(email).post(url).status_code == 404
