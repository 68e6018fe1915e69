"""The distributor portal's shoppers: who bought in its stores, and one shopper's profile restricted to them.

Everything goes through the acting membership's scope: orders, spend and returns of the distributor's own stores
only; a shopper who never ordered in them is a 404."""

from django.views.generic import ListView, TemplateView

from audit.services import audit_read
from customers import selectors
from distributor.views import DistributorPortalMixin


class CustomerListView(DistributorPortalMixin, ListView):
    template_name = "customers/portal/customer_list.html"
    context_object_name = "customers"
    paginate_by = 30

    def get_queryset(self):
        self.search = self.request.GET.get("q", "").strip()
        return selectors.store_customer_list(scope=self.scope, search=self.search)

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.search, **kwargs)


class CustomerDetailView(DistributorPortalMixin, TemplateView):
    template_name = "customers/portal/customer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = selectors.customer_get(pk=self.kwargs["pk"], scope=self.scope)
        audit_read(actor=self.request.user, target=customer, what="customer_profile",
                   details={"distributor": self.distributor.pk})
        context.update(customer=customer, profile=selectors.customer_profile(customer=customer, scope=self.scope))
        return context
