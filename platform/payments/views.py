"""Payment pages outside the back-office: Stripe's webhook, and a store's "mark paid" for offline payments.

Thin: parse the request, call payments.services, say what happened.
"""

import logging

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from parties.scoping import scoped
from payments.errors import PaymentError, WebhookSignatureInvalid
from payments.models import Payment
from payments.services import payment_can_mark_paid, payment_mark_paid, stripe_webhook_receive
from portal.links import safe_next
from storeadmin.views import StoreAdminPortalMixin

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """400 for anything that does not verify (Stripe shows it as failed); 200 once the event is stored."""
    try:
        event = stripe_webhook_receive(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except WebhookSignatureInvalid as error:
        logger.warning("Stripe webhook refused: %s", error)
        return HttpResponseBadRequest("invalid webhook", content_type="text/plain")
    return HttpResponse(event.outcome or "ok", content_type="text/plain")


class MarkPaidView(StoreAdminPortalMixin, TemplateView):
    """A store's owner or manager confirms that an offline payment of one of the store's orders arrived.

    GET asks to confirm, POST marks paid. Payments of other stores' orders are 404 (scoped to the membership)."""

    template_name = "payments/mark_paid.html"

    def get_payment(self) -> Payment:
        payments = scoped(Payment.objects.select_related("order"), scope=self.scope)
        return get_object_or_404(payments, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.get_payment()
        context.update(payment=payment, order=payment.order, next=safe_next(self.request, ""),
                       can_mark_paid=payment_can_mark_paid(payment=payment, user=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        mark_paid_and_say(request, self.get_payment())
        return redirect(safe_next(request, request.path))


def mark_paid_and_say(request, payment) -> None:
    """Mark an offline payment paid for the store's or the operator's page, and tell them how it went."""
    try:
        payment_mark_paid(payment=payment, actor=request.user)
    except PaymentError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Order %(number)s is marked paid.") % {"number": payment.order.number})
