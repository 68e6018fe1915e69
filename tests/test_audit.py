"""Every change in a portal or the back-office is in the audit log, and the operator can filter it."""

from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from parties.models import PartyStatus, Store


def test_suspending_a_store_is_audited_with_who_what_and_where(signed_in):
    client = signed_in("operator@demo.test")
    store = Store.objects.get(slug="harbor-online")
    url = reverse("dashboard:mp-party-status", kwargs={"kind": "store", "pk": store.pk})
    response = client.post(url, {"status": "suspended", "reason": "Counterfeit complaints"},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.status == PartyStatus.SUSPENDED
    event = AuditEvent.objects.get(action="store.suspend")
    assert event.actor_label == "operator@demo.test"
    assert event.target_repr == "Harbor Online"
    assert event.target_id == str(store.pk)
    assert event.ip_address == "203.0.113.9"
    assert event.changes == {"status": ["active", "suspended"], "reason": "Counterfeit complaints"}
    assert not AuditEvent.objects.filter(action="request", path=url).exists(), "no duplicate generic entry"


def test_suspension_without_reason_changes_nothing_and_says_why(signed_in):
    client = signed_in("operator@demo.test")
    store = Store.objects.get(slug="harbor-online")
    url = reverse("dashboard:mp-party-status", kwargs={"kind": "store", "pk": store.pk})
    response = client.post(url, {"status": "suspended", "reason": "  "}, follow=True)
    assert "Give a reason" in response.content.decode()
    store.refresh_from_db()
    assert store.status == PartyStatus.ACTIVE
    assert not AuditEvent.objects.filter(action="store.suspend").exists()


def test_oscar_dashboard_changes_are_audited_too(signed_in):
    client = signed_in("operator@demo.test")
    response = client.post(reverse("dashboard:partner-create"), {"name": "Audit Test Partner"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="request", path=reverse("dashboard:partner-create")).get()
    assert event.actor_label == "operator@demo.test"
    assert event.changes["view"] == "dashboard:partner-create"
    assert event.changes["fields"] == ["name"]


def test_sign_ins_and_failures_are_audited(signed_in):
    signed_in("supplier@demo.test")
    Client().post("/login/", {"username": "supplier@demo.test", "password": "nope"})
    assert AuditEvent.objects.filter(action="auth.login", actor_label="supplier@demo.test").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_label="supplier@demo.test").exists()


def test_operator_filters_the_log(signed_in):
    signed_in("supplier@demo.test")
    signed_in("distributor@demo.test")
    client = signed_in("operator@demo.test")
    page = client.get(reverse("dashboard:mp-audit-list"), {"actor": "supplier@", "action": "auth."})
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="audit-event"') == AuditEvent.objects.filter(
        actor_label__icontains="supplier@", action__startswith="auth.").count() >= 1
    assert "distributor@demo.test" not in body
    bad = client.get(reverse("dashboard:mp-audit-list"), {"since": "2026-13-45"})
    assert bad.status_code == 200 and "is not a date" in bad.content.decode()


def test_audit_log_is_operator_only(signed_in):
    response = signed_in("supplier@demo.test").get(reverse("dashboard:mp-audit-list"))
    assert response.status_code == 404
