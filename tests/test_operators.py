"""Operator accounts: the list of staff users, suspend/reactivate with a reason (audited), and the refusals that keep
the marketplace run by someone: never yourself, never the last active operator."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from parties.operator_services import operator_set_active
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def operator(demo):
    return User.objects.get(email="operator@demo.test")


@pytest.fixture
def second(demo):
    return User.objects.create_user(username="ops2@demo.test", email="ops2@demo.test", password=DEMO_PASSWORD,
                                    is_staff=True)


def status_url(user) -> str:
    return reverse("dashboard:mp-operator-status", args=[user.pk])


def test_the_list_shows_the_operators_and_no_one_else(signed_in, second):
    page = shown(signed_in("operator@demo.test").get(reverse("dashboard:mp-operator-list")))
    listed = re.findall(r'data-operator="([^"]+)"', page)
    assert sorted(listed) == sorted(User.objects.filter(is_staff=True).values_list("email", flat=True))
    assert "ops2@demo.test" in listed and "supplier@demo.test" not in listed
    assert "operator@demo.test (you)" in page


def test_suspending_an_operator_stops_their_sign_in_and_is_audited(signed_in, operator, second):
    client = signed_in("operator@demo.test")
    page = shown(client.post(status_url(second), {"active": "0", "reason": "left the company"}, follow=True))
    assert "ops2@demo.test is suspended and can no longer sign in." in page
    second.refresh_from_db()
    assert not second.is_active
    event = AuditEvent.objects.filter(action="operator.suspend", target_id=str(second.pk)).latest("pk")
    assert event.actor == operator and event.changes == {"is_active": [True, False], "reason": "left the company"}
    assert Client().post("/login/", {"username": "ops2@demo.test", "password": DEMO_PASSWORD}).status_code != 302

    page = shown(client.post(status_url(second), {"active": "1", "reason": "came back"}, follow=True))
    assert "ops2@demo.test is active again." in page
    second.refresh_from_db()
    assert second.is_active
    assert AuditEvent.objects.filter(action="operator.reactivate", target_id=str(second.pk)).exists()


def test_suspending_yourself_is_refused_and_nothing_changes(signed_in, operator, second):
    audited = AuditEvent.objects.filter(action__startswith="operator.").count()
    page = shown(signed_in("operator@demo.test").post(status_url(operator), {"active": "0", "reason": "test"},
                                                      follow=True))
    assert "You cannot suspend yourself; ask another operator." in page
    operator.refresh_from_db()
    assert operator.is_active
    assert AuditEvent.objects.filter(action__startswith="operator.").count() == audited


def test_the_last_active_operator_cannot_be_suspended(operator, second):
    operator_set_active(actor=operator, operator=second, active=False, reason="left")
    # ops2's suspension and a request of theirs crossed: the lock makes theirs see one active operator left
    with pytest.raises(ValidationError, match="operator@demo.test is the last active operator"):
        operator_set_active(actor=second, operator=operator, active=False, reason="takeover")
    operator.refresh_from_db()
    assert operator.is_active
    assert not AuditEvent.objects.filter(action="operator.suspend", target_id=str(operator.pk)).exists()


@pytest.mark.parametrize(("who", "active", "reason", "says"), [
    ("second", "0", "  ", "Give a reason; it is kept in the audit log."),
    ("second", "1", "again", "ops2@demo.test is already active."),
])
def test_bad_requests_are_refused_with_a_message(signed_in, second, who, active, reason, says):
    page = shown(signed_in("operator@demo.test").post(status_url(second), {"active": active, "reason": reason},
                                                      follow=True))
    assert says in page
    second.refresh_from_db()
    assert second.is_active


def test_a_non_operator_cannot_be_suspended_here_and_party_users_never_reach_the_page(signed_in, second):
    supplier = User.objects.get(email="supplier@demo.test")
    assert signed_in("operator@demo.test").post(status_url(supplier), {"active": "0", "reason": "x"}).status_code == 404
    supplier.refresh_from_db()
    assert supplier.is_active
    party = signed_in("distributor@demo.test")
    assert party.get(reverse("dashboard:mp-operator-list")).status_code == 404
    assert party.post(status_url(second), {"active": "0", "reason": "x"}).status_code == 404
    second.refresh_from_db()
    assert second.is_active
