"""Withdrawal pages. The portal page is one view bound to the supplier and the distributor portals; the
operator's pages live in the back-office (staff only, see backoffice.apps). Thin: parse, call, say what happened."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from distributor.views import DistributorPortalMixin
from parties.models import LEADING_ROLES
from parties.scoping import Scope, scoped
from portal.links import safe_next
from portal.mixins import bound_to_portal
from settlement.selectors import party_balances
from settlement.withdrawals import selectors, services
from settlement.withdrawals.forms import PayoutAccountForm, ReasonForm, ReferenceForm, RequestForm
from settlement.withdrawals.models import Withdrawal
from supplier.views import SupplierPortalMixin

OPERATOR = Scope.operator()


def _say_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class WithdrawalPageView(TemplateView):
    """The party's balances, a withdrawal request, its history and where the money goes (owner/manager act)."""

    template_name = "withdrawals/portal_page.html"
    ns = ""

    @property
    def party(self):
        return self.membership.party

    def may_act(self) -> bool:
        return self.membership.role in LEADING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        currency = services.ledger_currency()
        account = selectors.payout_account(scope=self.scope, party=self.party)
        context.update(
            balances=party_balances(party=self.party, currency=currency),
            currency=currency,
            minimum=services.minimum_amount(),
            fee=services.withdrawal_fee(),
            may_act=self.may_act(),
            withdrawals=selectors.party_withdrawals(scope=self.scope, party=self.party)[:100],
            payout_account=account,
            request_form=kwargs.get("request_form") or RequestForm(),
            account_form=kwargs.get("account_form") or PayoutAccountForm(instance=account),
            page_url=reverse(f"{self.ns}:withdrawal-list"),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_act():
            messages.error(request, _("Only the owner or a manager can request withdrawals or change where the "
                                      "money goes. Ask them."))
            return self.render_to_response(self.get_context_data(), status=403)
        if request.POST.get("action") == "account":
            return self._save_account()
        return self._request()

    def _request(self):
        form = RequestForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, _("Enter the amount to withdraw, e.g. 150.00."))
            return self.render_to_response(self.get_context_data(request_form=form), status=400)
        try:
            withdrawal = services.withdrawal_request(party=self.party, amount=form.cleaned_data["amount"],
                                                     currency=services.ledger_currency(), actor=self.request.user)
        except ValidationError as error:
            _say_errors(self.request, error)
            return self.render_to_response(self.get_context_data(request_form=form), status=400)
        messages.success(self.request, _("Withdrawal of %(amount)s %(currency)s requested. The operator reviews it; "
                                         "you receive %(net)s %(currency)s after the fee.")
                         % {"amount": withdrawal.amount, "currency": withdrawal.currency, "net": withdrawal.net})
        return redirect(f"{self.ns}:withdrawal-list")

    def _save_account(self):
        form = PayoutAccountForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, _("Check the payout account."))
            return self.render_to_response(self.get_context_data(account_form=form), status=400)
        try:
            services.payout_account_save(party=self.party, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _say_errors(self.request, error)
            return self.render_to_response(self.get_context_data(account_form=form), status=400)
        messages.success(self.request, _("Payout account saved."))
        return redirect(f"{self.ns}:withdrawal-list")


PORTAL_VIEWS = {"withdrawal-list": WithdrawalPageView}
SUPPLIER_VIEWS = bound_to_portal(SupplierPortalMixin, PORTAL_VIEWS, ns="supplier")
DISTRIBUTOR_VIEWS = bound_to_portal(DistributorPortalMixin, PORTAL_VIEWS, ns="distributor")


# --- back-office ---------------------------------------------------------------------------------------------------

def _withdrawal(pk) -> Withdrawal:
    return get_object_or_404(scoped(Withdrawal.objects.select_related("supplier", "distributor", "requested_by",
                                                                      "decided_by"), scope=OPERATOR), pk=pk)


def _back(request, withdrawal: Withdrawal):
    return redirect(safe_next(request, reverse("dashboard:mp-withdrawal-detail", kwargs={"pk": withdrawal.pk})))


class OperatorWithdrawalListView(ListView):
    """Every withdrawal, newest first; filter by status and party."""

    template_name = "withdrawals/backoffice/withdrawal_list.html"
    context_object_name = "withdrawals"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        party = self.request.GET.get("party", "")
        self.filters = {"status": status if status in Withdrawal.Status.values else "", "party": party}
        return selectors.withdrawal_list(scope=OPERATOR, **self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filters=self.filters, statuses=Withdrawal.Status.choices,
                       parties=selectors.parties_with_withdrawals())
        return context


class OperatorWithdrawalDetailView(DetailView):
    """One withdrawal: the party, its balances, where the money goes, and the actions its status allows."""

    template_name = "withdrawals/backoffice/withdrawal_detail.html"
    context_object_name = "withdrawal"

    def get_object(self, queryset=None):
        return _withdrawal(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        withdrawal = self.object
        context.update(balances=party_balances(party=withdrawal.party, currency=withdrawal.currency),
                       payout_account=services.payout_account_of(withdrawal.party),
                       reason_form=ReasonForm(), reference_form=ReferenceForm(),
                       Status=Withdrawal.Status, stripe=Withdrawal.Method.STRIPE)
        return context


class _Action(View):
    success = ""

    def act(self, request, withdrawal):
        raise NotImplementedError

    def post(self, request, pk):
        withdrawal = _withdrawal(pk)
        try:
            done = self.act(request, withdrawal)
        except ValidationError as error:
            _say_errors(request, error)
        else:
            if done.status == Withdrawal.Status.FAILED:
                messages.error(request, _("Withdrawal #%(pk)s failed: %(reason)s. The funds are back in the party's "
                                          "available balance.") % {"pk": done.pk, "reason": done.reason})
            elif done.status == Withdrawal.Status.APPROVED and done.reason:
                messages.warning(request, done.reason)
            else:
                messages.success(request, self.success % {"pk": done.pk, "status": done.get_status_display()})
        return _back(request, withdrawal)


class ApproveView(View):
    def post(self, request, pk):
        withdrawal = _withdrawal(pk)
        try:
            approved = services.withdrawal_approve(withdrawal=withdrawal, actor=request.user)
        except ValidationError as error:
            _say_errors(request, error)
        else:
            if approved.method == Withdrawal.Method.STRIPE:
                # sent when this request's transaction commits; the detail page shows paid or failed
                messages.success(request, _("Withdrawal #%(pk)s approved; the Stripe transfer is sent now.")
                                 % {"pk": approved.pk})
            else:
                messages.success(request, _("Withdrawal #%(pk)s approved. Pay it by bank transfer, then record the "
                                            "transfer's reference here.") % {"pk": approved.pk})
        return _back(request, withdrawal)


class RejectView(_Action):
    success = _("Withdrawal #%(pk)s rejected; the funds are back in the party's available balance.")

    def act(self, request, withdrawal):
        form = ReasonForm(request.POST)
        return services.withdrawal_reject(withdrawal=withdrawal, reason=form.data.get("reason", ""),
                                          actor=request.user)


class MarkPaidView(_Action):
    success = _("Withdrawal #%(pk)s marked paid.")

    def act(self, request, withdrawal):
        return services.withdrawal_mark_paid(withdrawal=withdrawal, reference=request.POST.get("reference", ""),
                                             actor=request.user)


class MarkFailedView(_Action):
    success = _("Withdrawal #%(pk)s marked failed.")

    def act(self, request, withdrawal):
        return services.withdrawal_mark_failed(withdrawal=withdrawal, reason=request.POST.get("reason", ""),
                                               actor=request.user)


class TransferView(_Action):
    """Send an approved Stripe withdrawal's transfer again (after Stripe could not be reached)."""

    success = _("Withdrawal #%(pk)s: %(status)s.")

    def act(self, request, withdrawal):
        return services.withdrawal_transfer(withdrawal=withdrawal, actor=request.user)
