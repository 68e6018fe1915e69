"""The operator's customer pages in the back-office (staff only, see backoffice.apps): search, one profile across
every store, and merging another account into it. Thin: selectors and the merge service do the work."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from audit.services import audit_read
from customers import selectors
from customers.forms import MergeForm
from customers.services import customer_by_email, customer_merge
from parties.scoping import Scope
from points.selectors import points_balance

OPERATOR = Scope.operator()


class CustomerListView(ListView):
    """Every account, searched by e-mail or name, with its order count and last order."""

    template_name = "customers/backoffice/customer_list.html"
    context_object_name = "customers"
    paginate_by = 50

    def get_queryset(self):
        self.search = self.request.GET.get("q", "").strip()
        return selectors.customer_list(search=self.search)

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.search, **kwargs)


class CustomerDetailView(TemplateView):
    """One shopper across every store; each view of it is recorded in the audit log as a read."""

    template_name = "customers/backoffice/customer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = selectors.customer_get(pk=self.kwargs["pk"], scope=OPERATOR)
        audit_read(actor=self.request.user, target=customer, what="customer_profile")
        context.update(customer=customer, profile=selectors.customer_profile(customer=customer, scope=OPERATOR),
                       points=points_balance(user=customer), merge_form=kwargs.get("merge_form") or MergeForm())
        return context


class CustomerMergeView(View):
    """Merge the account named by e-mail into the profile's account; refusals say why and change nothing."""

    def post(self, request, pk):
        target = selectors.customer_get(pk=pk, scope=OPERATOR)
        form = MergeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(reverse("dashboard:mp-customer-detail", kwargs={"pk": target.pk}))
        try:
            source = customer_by_email(form.cleaned_data["email"])
            moved = customer_merge(source=source, target=target, actor=request.user)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _(
                "%(source)s is merged into %(target)s and closed. Moved: orders %(orders)d, addresses %(addresses)d, "
                "return requests %(returns)d, points %(points)d.") % {
                "source": source.email, "target": target.email, "orders": moved["orders"],
                "addresses": moved["addresses"], "returns": moved["return_requests"], "points": moved["points"]})
        return redirect(reverse("dashboard:mp-customer-detail", kwargs={"pk": target.pk}))
