"""Return e-mails, sent after the deciding transaction commits: the decision to the shopper, a new request to the
store's owners and managers."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parties.models import LEADING_ROLES, Membership
from portal.links import absolute_url
from storefront.returns.models import ReturnRequest
from storefront.selectors import order_access_token


def shopper_returns_url(order) -> str:
    """The order's return status page; guests' links carry the signed token that opens it without an account."""
    url = absolute_url(reverse("storefront:returns:list", args=[order.number]))
    return url if order.user_id else f"{url}?t={order_access_token(order=order)}"


def _load(request_id: int) -> ReturnRequest:
    return (ReturnRequest.objects.select_related("order").prefetch_related("lines__line__store")
            .get(pk=request_id))


def send_decided(request_id: int) -> None:
    """Tell the shopper whether the store approved (and what was refunded) or rejected (and why)."""
    request = _load(request_id)
    recipient = request.email or request.order.email
    if not recipient:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("returns/email/decided.txt", {
            "request": request, "order": request.order, "lines": request.lines.all(),
            "url": shopper_returns_url(request.order)})
        if request.status == ReturnRequest.Status.REJECTED:
            subject = _("Your return for order %(number)s was not accepted")
        else:
            subject = _("Your return for order %(number)s is accepted")
        send_mail(subject % {"number": request.order.number}, body, None, [recipient])


def send_requested(request_id: int) -> None:
    """Tell the owners and managers of the store(s) that a shopper asked for a return."""
    request = _load(request_id)
    store_ids = {item.line.store_id for item in request.lines.all() if item.line.store_id}
    recipients = sorted(set(Membership.objects.filter(store_id__in=store_ids, role__in=LEADING_ROLES)
                            .exclude(user__email="").values_list("user__email", flat=True)))
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("returns/email/requested.txt", {
            "request": request, "order": request.order, "lines": request.lines.all(),
            "url": absolute_url(reverse("storeadmin:return-detail", args=[request.pk]))})
        send_mail(_("Return requested for order %(number)s") % {"number": request.order.number}, body, None,
                  recipients)
