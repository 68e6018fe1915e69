"""Reads of statements are in the audit log with the party they were for; the operator filters the log by user,
party, object, action and date."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_read, audit_record
from parties.models import Distributor, Store, Supplier


def shown(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def listed(client, **params) -> set[int]:
    """The ids of the events the operator's audit list shows for these filters."""
    response = client.get(reverse("dashboard:mp-audit-list"), params)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-event="(\d+)"', response.content.decode())}


def test_a_supplier_reading_its_statement_page_csv_and_excel_is_audited(signed_in, demo):
    tea = Supplier.objects.get(slug="green-leaf-tea")
    client = signed_in("supplier@demo.test")
    assert client.get(reverse("supplier:finance"), {"month": "2026-11"}).status_code == 200
    assert client.get(reverse("supplier:statement-csv"), {"month": "2026-11"}).status_code == 200
    assert client.get(reverse("supplier:statement-xlsx"), {"from": "2026-11-01", "to": "2026-11-15"}).status_code == 200
    reads = list(AuditEvent.objects.filter(action="read.statement").order_by("pk"))
    assert [e.changes for e in reads] == [{"format": "page", "period": "month=2026-11"},
                                          {"format": "csv", "period": "month=2026-11"},
                                          {"format": "xlsx", "period": "from=2026-11-01&to=2026-11-15"}]
    for event in reads:
        assert (event.actor_label, event.party_type, event.party_id) == ("supplier@demo.test", "supplier", tea.pk)
        assert event.party_repr == "Green Leaf Tea" and event.target_id == str(tea.pk)


def test_the_operator_reading_a_distributors_statement_is_audited_for_that_distributor(signed_in, demo):
    harbor = Distributor.objects.get(slug="harbor-goods")
    client = signed_in("operator@demo.test")
    args = {"kind": "distributor", "pk": harbor.pk}
    assert client.get(reverse("dashboard:mp-statement-party", kwargs=args)).status_code == 200
    assert client.get(reverse("dashboard:mp-statement-party-csv", kwargs=args)).status_code == 200
    reads = AuditEvent.objects.filter(action="read.statement", actor_label="operator@demo.test")
    assert sorted(e.changes["format"] for e in reads) == ["csv", "page"]
    assert {(e.party_type, e.party_id) for e in reads} == {("distributor", harbor.pk)}


def test_portal_changes_name_the_party_the_page_acted_for(signed_in, demo):
    client = signed_in("supplier@demo.test")
    client.post(reverse("supplier:warehouse-create"), {"code": "bj", "name": "Beijing"})
    event = AuditEvent.objects.get(action="warehouse.create")
    assert (event.party_type, event.party_repr) == ("supplier", "Green Leaf Tea")


def test_operator_filters_by_user_party_object_action_and_date(signed_in, demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    tea, harbor = Supplier.objects.get(slug="green-leaf-tea"), Distributor.objects.get(slug="harbor-goods")
    store = Store.objects.get(slug="harbor-online")
    supplier_user, harbor_user = users.get(email="supplier@demo.test"), users.get(email="harbor@demo.test")
    tea_read = audit_read(actor=supplier_user, target=tea, what="statement", party=tea)
    harbor_read = audit_read(actor=harbor_user, target=harbor, what="statement", party=harbor)
    store_change = audit_record(action="store.update", actor=harbor_user, target=store, party=harbor)
    old = audit_record(action="store.update", actor=harbor_user, target=store, party=harbor)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    ours = {tea_read.pk, harbor_read.pk, store_change.pk, old.pk}
    client = signed_in("operator@demo.test")

    assert listed(client, actor="harbor@") & ours == {harbor_read.pk, store_change.pk, old.pk}
    assert listed(client, party_type="distributor", party=str(harbor.pk)) & ours == {
        harbor_read.pk, store_change.pk, old.pk}
    assert listed(client, party="Green Leaf") & ours == {tea_read.pk}
    assert listed(client, object_type="store", object_id=str(store.pk)) & ours == {store_change.pk, old.pk}
    assert listed(client, target="Harbor Online") & ours == {store_change.pk, old.pk}
    assert listed(client, reads="1") & ours == {tea_read.pk, harbor_read.pk}
    assert listed(client, action="store.") & ours == {store_change.pk, old.pk}
    today = timezone.localdate()
    recent = listed(client, since=str(today - timedelta(days=1)), until=str(today))
    assert recent & ours == {tea_read.pk, harbor_read.pk, store_change.pk}
    long_ago = timezone.localdate(timezone.now() - timedelta(days=40))
    assert listed(client, since=str(long_ago), until=str(long_ago)) & ours == {old.pk}


def test_a_reversed_date_range_is_named_and_not_applied(signed_in, demo):
    client = signed_in("operator@demo.test")
    event = audit_record(action="store.update", actor_label="someone")
    response = client.get(reverse("dashboard:mp-audit-list"), {"since": "2026-12-31", "until": "2026-01-01"})
    assert "The range from 2026-12-31 to 2026-01-01 ends before it starts; the dates were not applied." in shown(
        response)
    assert f'data-event="{event.pk}"' in response.content.decode()


def test_the_audit_list_runs_a_fixed_number_of_queries(signed_in, demo):
    client = signed_in("operator@demo.test")
    tea = Supplier.objects.get(slug="green-leaf-tea")
    url = reverse("dashboard:mp-audit-list")
    audit_read(actor=None, target=tea, what="statement", party=tea)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"reads": "1"})
    for _n in range(15):
        audit_read(actor=None, target=tea, what="statement", party=tea)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"reads": "1"}).content.decode()
    assert page.count('class="audit-event"') >= 16
    assert len(many) == len(few)


def test_non_operators_do_not_reach_the_audit_log(signed_in):
    assert signed_in("supplier@demo.test").get(reverse("dashboard:mp-audit-list")).status_code == 404
