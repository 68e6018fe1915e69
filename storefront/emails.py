"""E-mails to shoppers, sent after the order's transaction commits, in the language they shopped in."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from points.selectors import order_payable, order_redeemed
from portal.links import absolute_url
from storefront.selectors import order_access_token, order_summary

Order = get_model("order", "Order")


def order_url(order) -> str:
    """The order page; guests' links carry the signed token that opens it without an account."""
    url = absolute_url(reverse("storefront:order", args=[order.number]))
    return url if order.user_id else f"{url}?t={order_access_token(order=order)}"


def send_order_confirmation(order_id: int, language: str) -> None:
    """What was ordered from which store, the delivery charges, the total and how to pay."""
    order = Order.objects.get(pk=order_id)
    if not order.email:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string("storefront/email/order_placed.txt", {
            "order": order, "summary": order_summary(order=order), "url": order_url(order),
            "points": order_redeemed(order=order), "to_pay": order_payable(order=order)})
        send_mail(_("Your order %(number)s") % {"number": order.number}, body, None, [order.email])
