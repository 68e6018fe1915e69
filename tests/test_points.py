"""Platform points, service by service: earned on a paid order at the rate in force, replays earning nothing
more, taken back in proportion to each refund (the last one exactly what is left, never below zero), adjusted by
the operator with a reason, and moved whole by a customer merge."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from payments.models import Payment
from payments.selectors import order_payment
from payments.services import payment_refund
from points.models import PointsAccount, PointsEntry
from points.selectors import points_balance
from points.services import points_adjust, points_earn, points_merge
from tests import test_returns

D = Decimal
listed, placed = test_returns.listed, test_returns.placed
pytestmark = pytest.mark.django_db


def shopper():
    return get_user_model().objects.get(email="shopper@demo.test")


def operator():
    return get_user_model().objects.get(email="operator@demo.test")


def test_a_paid_order_earns_points_at_the_rate_in_settings(placed, settings):
    settings.POINTS_PER_YUAN = 3
    assert points_balance(user=shopper()) == 0
    test_returns.pay(placed)  # 84.00 paid
    payment = order_payment(order=placed)
    assert points_balance(user=shopper()) == 252  # floor(84.00 × 3)
    entry = PointsEntry.objects.get(key=f"earn:{payment.pk}")
    assert (entry.kind, entry.points, entry.order_id) == ("earn", 252, placed.pk)


def test_replaying_the_payment_earns_nothing_more_and_a_duplicate_earns_nothing(placed):
    test_returns.pay(placed)
    payment = order_payment(order=placed)
    assert points_balance(user=shopper()) == 84
    again = points_earn(payment=payment)
    assert again.key == f"earn:{payment.pk}"
    duplicate = Payment.objects.create(order=placed, method="stripe", amount=D("84.00"), currency="CNY",
                                       status=Payment.Status.PAID, duplicate=True)
    assert points_earn(payment=duplicate) is None
    assert points_balance(user=shopper()) == 84
    assert PointsEntry.objects.filter(user=shopper()).count() == 1


def test_a_guest_order_earns_nothing(listed, online):
    order = test_returns.place(test_returns.basket_in(online, ("LST-a", 1), owner=None), online,
                               guest_email="guest@example.test")
    test_returns.pay(order)
    assert not PointsEntry.objects.filter(order=order).exists()


def test_refunds_take_back_the_earning_in_proportion_and_the_last_takes_what_is_left(placed, settings):
    settings.POINTS_PER_YUAN = 3
    test_returns.pay(placed)  # 252 points on 84.00
    payment = order_payment(order=placed)
    first = payment_refund(payment=payment, amount=D("10.00"), reason="part", key="pts-1")
    assert PointsEntry.objects.get(key=f"lose:{first.pk}").points == -30  # floor(252 × 10 / 84)
    assert points_balance(user=shopper()) == 222
    second = payment_refund(payment=payment, amount=D("25.00"), reason="part", key="pts-2")
    # cumulative: floor(252 × 35 / 84) = 105 taken in all, so 75 this time
    assert PointsEntry.objects.get(key=f"lose:{second.pk}").points == -75
    payment_refund(payment=payment, amount=D("49.00"), reason="rest", key="pts-3")
    assert points_balance(user=shopper()) == 0
    lost = sum(PointsEntry.objects.filter(order=placed, kind="lose").values_list("points", flat=True))
    assert lost == -252


def test_a_refund_after_the_points_were_spent_takes_only_what_is_there(placed):
    test_returns.pay(placed)  # 84 points
    points_adjust(user=shopper(), points=-80, note="spent elsewhere (test)", actor=operator())
    payment_refund(payment=order_payment(order=placed), amount=D("84.00"), reason="all", key="pts-all")
    lose = PointsEntry.objects.get(order=placed, kind="lose")
    assert lose.points == -4
    assert "80 points already spent could not be taken back" in lose.note
    assert points_balance(user=shopper()) == 0


def test_an_adjustment_needs_a_reason_and_cannot_go_below_zero(demo):
    user = shopper()
    with pytest.raises(ValidationError, match="Say why"):
        points_adjust(user=user, points=10, note=" ", actor=operator())
    points_adjust(user=user, points=10, note="goodwill", actor=operator())
    with pytest.raises(ValidationError, match="has 10 points"):
        points_adjust(user=user, points=-11, note="too much", actor=operator())
    assert points_balance(user=user) == 10
    assert AuditEvent.objects.filter(action="points.adjust").count() == 1


def test_a_merge_moves_every_entry_and_the_balance(demo):
    source = shopper()
    target = get_user_model().objects.create_user(username="twin", email="twin@example.test", password="x")
    points_adjust(user=source, points=120, note="welcome", actor=operator())
    points_adjust(user=source, points=-20, note="correction", actor=operator())
    points_adjust(user=target, points=5, note="welcome", actor=operator())
    assert points_merge(source_user=source, target_user=target, actor=operator()) == 100
    assert points_balance(user=source) == 0
    assert points_balance(user=target) == 105
    assert not PointsEntry.objects.filter(user=source).exists()
    assert sum(PointsEntry.objects.filter(user=target).values_list("points", flat=True)) == 105
    merge = PointsEntry.objects.get(user=target, kind="merge")
    assert "100 points and 2 entries moved from shopper@demo.test" in merge.note
    event = AuditEvent.objects.get(action="points.merge")
    assert event.changes["points"] == 100
    with pytest.raises(ValidationError, match="two different accounts"):
        points_merge(source_user=target, target_user=target, actor=operator())
    assert PointsAccount.objects.get(user=target).balance == 105
