"""Merging two accounts of one person: orders, addresses, reviews, return requests and points move to the account
kept, the other is closed, the audit log records it; every refusal says why and changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from oscar.core.loading import get_model

from audit.models import AuditEvent
from customers.services import customer_merge
from points.selectors import points_balance
from storefront.returns.models import ReturnRequest
from tests import test_customers, test_returns
from tests.test_customers import buy, new_shopper, user

listed = test_returns.listed
pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")
ProductReview = get_model("reviews", "ProductReview")
Country = get_model("address", "Country")


@pytest.fixture
def accounts(listed, online):
    """keep@ (one paid order) and old@ (one paid order, delivered, a refund request open, an address, a review)."""
    keep, old = new_shopper("keep@example.test"), new_shopper("old@example.test")
    buy(online, [("LST-a", 1)], owner=keep, days_ago=3)
    order = buy(online, [("LST-b", 1)], owner=old, days_ago=4)
    test_returns.deliver(order)
    test_returns.ask(order, {"LST-b": 1}, kind=ReturnRequest.Kind.REFUND, by="old@example.test")
    country = Country.objects.order_by("pk").first()
    UserAddress.objects.create(user=old, first_name="Old", last_name="Lee", line1="1 Old Road", line4="Hangzhou",
                               postcode="310000", country=country)
    ProductReview.objects.create(product=listed.product, user=old, title="Nice", body="Good tea", score=5)
    return keep, old


def merge(client, target, email, confirm=True):
    data = {"email": email, **({"confirm": "on"} if confirm else {})}
    response = client.post(reverse("dashboard:mp-customer-merge", args=[target.pk]), data, follow=True)
    assert response.status_code == 200
    return test_customers.text(response)


def state(*users):
    """What a refused merge must leave as it was."""
    return ([(Order.objects.filter(user=u).count(), UserAddress.objects.filter(user=u).count(),
              get_user_model().objects.get(pk=u.pk).is_active, points_balance(user=u)) for u in users],
            AuditEvent.objects.filter(action="customer.merge").count())


def test_merging_moves_orders_points_and_the_rest_and_is_audited(accounts, signed_in):
    keep, old = accounts
    old_points, keep_points = points_balance(user=old), points_balance(user=keep)
    assert old_points > 0, "a paid order earns points, or the merge of points proves nothing"
    page = merge(signed_in("operator@demo.test"), keep, "OLD@example.test")
    assert "old@example.test is merged into keep@example.test and closed." in page
    assert Order.objects.filter(user=keep).count() == 2 and not Order.objects.filter(user=old).exists()
    assert points_balance(user=keep) == keep_points + old_points and points_balance(user=old) == 0
    assert UserAddress.objects.filter(user=keep, line1="1 Old Road").exists()
    assert not UserAddress.objects.filter(user=old).exists()
    assert ProductReview.objects.get(title="Nice").user == keep
    assert ReturnRequest.objects.get(order__user=keep, status=ReturnRequest.Status.REQUESTED).created_by == keep
    assert not get_user_model().objects.get(pk=old.pk).is_active
    event = AuditEvent.objects.filter(action="customer.merge").latest("pk")
    assert event.actor == user("operator@demo.test") and event.target_id == str(keep.pk)
    assert event.changes["orders"] == 1 and event.changes["source"] == "old@example.test"
    assert event.changes["points"] == old_points and event.changes["return_requests"] == 1
    assert test_customers.cell(page, "order-count") == "2"  # the profile now holds both accounts' orders


@pytest.mark.parametrize(("source", "message"), [
    ("keep@example.test", "An account cannot be merged into itself."),
    ("operator@demo.test", "operator@demo.test is an operator account: only shoppers' accounts can be merged."),
    ("supplier@demo.test", "supplier@demo.test belongs to a supplier, distributor or store team"),
    ("nobody@example.test", "No account uses the e-mail address nobody@example.test."),
])
def test_a_refused_merge_says_why_and_changes_nothing(accounts, source, message, signed_in):
    keep, old = accounts
    others = get_user_model().objects.filter(email=source)
    before = state(keep, old, *others)
    page = merge(signed_in("operator@demo.test"), keep, source)
    assert message in page
    assert state(keep, old, *others) == before


def test_an_account_merged_once_cannot_be_merged_again(accounts, signed_in):
    keep, old = accounts
    other = new_shopper("third@example.test")
    client = signed_in("operator@demo.test")
    merge(client, keep, "old@example.test")
    before = state(keep, old, other)
    page = merge(client, other, "old@example.test")
    assert "old@example.test is already closed" in page
    assert state(keep, old, other) == before


def test_the_merge_needs_the_confirmation(accounts, signed_in):
    keep, old = accounts
    before = state(keep, old)
    page = merge(signed_in("operator@demo.test"), keep, "old@example.test", confirm=False)
    assert "Tick the confirmation to merge the accounts." in page
    assert state(keep, old) == before


def test_the_service_refuses_a_closed_target(accounts):
    keep, old = accounts
    get_user_model().objects.filter(pk=keep.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="is closed: merge into an active account"):
        customer_merge(source=old, target=keep, actor=user("operator@demo.test"))
    assert Order.objects.filter(user=old).count() == 1


def test_the_merge_page_is_for_operators_only(accounts, signed_in):
    keep, old = accounts
    response = signed_in("distributor@demo.test").post(
        reverse("dashboard:mp-customer-merge", args=[keep.pk]), {"email": "old@example.test", "confirm": "on"})
    assert response.status_code == 404
    assert Order.objects.filter(user=old).count() == 1
