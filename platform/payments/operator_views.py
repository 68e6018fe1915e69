"""Operator pages for payments, mounted in the back-office (staff only, see backoffice.apps).

Thin: parse the request, call a selector or a service, say what happened.
"""

import uuid

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from parties.scoping import Scope, scoped
from payments.errors import PaymentError
from payments.models import Payment
from payments.registry import OfflinePayment, all_methods
from payments.selectors import payment_list
from payments.services import payment_refund
from payments.views import mark_paid_and_say
from portal.links import safe_next

OPERATOR = Scope.operator()


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=12, decimal_places=2,
                                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _payment(pk) -> Payment:
    return get_object_or_404(scoped(Payment.objects.select_related("order", "marked_paid_by"), scope=OPERATOR),
                             pk=pk)


def _back(request, payment: Payment):
    return redirect(safe_next(request, reverse("dashboard:mp-payment-detail", kwargs={"pk": payment.pk})))


class PaymentListView(ListView):
    """Every payment, newest first; filter by status, method, order number or provider reference."""

    template_name = "payments/backoffice/payment_list.html"
    context_object_name = "payments"
    paginate_by = 50

    def _filter(self, name, allowed):
        value = self.request.GET.get(name, "")
        return value if value in allowed else ""

    def get_queryset(self):
        self.filters = {"status": self._filter("status", Payment.Status.values),
                        "method": self._filter("method", [m.code for m in all_methods()]),
                        "search": self.request.GET.get("q", "").strip()}
        return payment_list(scope=OPERATOR, **self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filters=self.filters, statuses=Payment.Status.choices,
                       methods=[(m.code, m.label) for m in all_methods()], offline=OfflinePayment.code)
        return context


class PaymentDetailView(DetailView):
    """One payment: its order, refunds and the actions that fit (mark paid, refund)."""

    template_name = "payments/backoffice/payment_detail.html"
    context_object_name = "payment"

    def get_object(self, queryset=None):
        return _payment(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.object
        context.update(
            refunds=payment.refunds.select_related("created_by"),
            others=payment.order.payments.exclude(pk=payment.pk),
            can_mark_paid=payment.method == OfflinePayment.code and payment.status == Payment.Status.PENDING,
            refund_form=kwargs.get("refund_form") or RefundForm(initial={
                "amount": payment.refundable, "key": uuid.uuid4().hex}),
        )
        return context


class PaymentMarkPaidView(View):
    def post(self, request, pk):
        payment = _payment(pk)
        mark_paid_and_say(request, payment)
        return _back(request, payment)


class PaymentRefundView(View):
    """Refund part or all of a payment. The form's one-time key makes a double submit refund once."""

    def post(self, request, pk):
        payment = _payment(pk)
        form = RefundForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(f"{form.fields[name].label or name}: {' '.join(errors)}"
                                             for name, errors in form.errors.items()))
            return _back(request, payment)
        data = form.cleaned_data
        try:
            refund = payment_refund(payment=payment, amount=data["amount"], reason=data["reason"],
                                    actor=request.user, key=f"operator-{data['key']}")
        except PaymentError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(amount)s %(currency)s of order %(number)s is refunded.")
                             % {"amount": refund.amount, "currency": payment.currency,
                                "number": payment.order.number})
        return _back(request, payment)


def payment_urls():
    """The back-office URL patterns (mounted by backoffice.apps under /shop/dashboard/platform/)."""
    from django.urls import path

    return [
        path("payments/", PaymentListView.as_view(), name="mp-payment-list"),
        path("payments/<int:pk>/", PaymentDetailView.as_view(), name="mp-payment-detail"),
        path("payments/<int:pk>/mark-paid/", PaymentMarkPaidView.as_view(), name="mp-payment-mark-paid"),
        path("payments/<int:pk>/refund/", PaymentRefundView.as_view(), name="mp-payment-refund"),
    ]
