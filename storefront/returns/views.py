"""Return pages: the shopper's request form and status page, the store admin's queue and decision page, and the
supplier's read-only list. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from storeadmin.views import StoreAdminPortalMixin
from storefront.returns import selectors, services
from storefront.returns.forms import DecisionForm, ReturnRequestForm
from storefront.returns.models import ReturnLine, ReturnRequest
from storefront.selectors import shopper_order
from supplier.views import SupplierPortalMixin

PAGE_SIZE = 25


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


class ShopperOrderMixin:
    """Resolves the visitor's own order from the URL (404 otherwise); a guest's e-mailed token (`t`) opens it."""

    def dispatch(self, request, *args, **kwargs):
        token = request.GET.get("t") or request.GET.get("token") or ""
        self.order = shopper_order(request=request, number=kwargs["number"], token=token)
        first = self.order.lines.select_related("store").order_by("pk").first()
        self.store = first.store if first is not None else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(order=self.order, store=self.store)
        return context


class ReturnCreateView(ShopperOrderMixin, TemplateView):
    """Tick the items to send back (or have refunded), say why, attach photos."""

    template_name = "returns/request_form.html"

    def get_form(self):
        rows = selectors.returnable_lines(order=self.order)
        if self.request.method == "POST":
            return ReturnRequestForm(self.request.POST, self.request.FILES, rows=rows)
        return ReturnRequestForm(rows=rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        context.update(form=form, rows=form.line_rows(), any_returnable=any(row.can_return for row in form.rows),
                       multi_store=len({row.line.store_id for row in form.rows}) > 1)
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                services.return_request_create(
                    order=self.order, lines=form.cleaned_data["lines"], kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                    photos=form.cleaned_data["photos"], user=request.user)
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your return request was sent to the store. We will e-mail you "
                                            "its decision."))
                return redirect("storefront:returns:list", number=self.order.number)
        return self.render_to_response(self.get_context_data(form=form))


class OrderReturnsView(ShopperOrderMixin, TemplateView):
    """The order's return requests with their status and the store's decision."""

    template_name = "returns/order_returns.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["return_requests"] = selectors.order_return_requests(order=self.order)
        context["can_request"] = any(row.can_return for row in selectors.returnable_lines(order=self.order))
        return context


class StatusFilterMixin:
    def status_filter(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in ReturnRequest.Status.values else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(statuses=ReturnRequest.Status.choices, status=self.status_filter())
        return context


class StoreReturnListView(StoreAdminPortalMixin, StatusFilterMixin, ListView):
    """The store's return requests, newest first, filterable by status."""

    template_name = "returns/store_list.html"
    context_object_name = "return_requests"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.return_requests(scope=self.scope, status=self.status_filter())


class ReceiveMixin:
    """The "goods arrived" step of an approved return: per line restock or write off, a note, then the refund."""

    receive_url_name = ""

    def get_object(self) -> ReturnRequest:
        if not hasattr(self, "object"):
            self.object = selectors.return_request_in_scope(scope=self.scope, pk=self.kwargs["pk"])
        return self.object

    def receive_context(self, obj, **kwargs) -> dict:
        return {
            "return_request": obj,
            "order": obj.order,
            "can_receive": obj.awaits_goods and services.may_receive(actor=self.request.user, request=obj),
            "receive_errors": kwargs.get("receive_errors", []),
            "receive_choices": ReturnLine.Outcome.choices,
            "refund_amount": obj.refund_amount if obj.refund_amount is not None
            else selectors.return_refund_amount(request=obj),
        }

    def receive(self, request, obj):
        decisions = {}
        for item in obj.visible_lines:
            value = request.POST.get(f"outcome_{item.pk}", "")
            if value:
                decisions[item.pk] = value
        try:
            services.return_request_receive(request=obj, decisions=decisions,
                                            note=request.POST.get("received_note", ""), actor=request.user)
        except ValidationError as error:
            self.object = selectors.return_request_in_scope(scope=self.scope, pk=obj.pk)
            return self.render_to_response(self.get_context_data(receive_errors=_errors(error)))
        messages.success(request, _("Return received; the refund was sent to the shopper."))
        return redirect(reverse(self.receive_url_name, args=[obj.pk]))


class StoreReturnDetailView(StoreAdminPortalMixin, ReceiveMixin, TemplateView):
    """One request of the store: lines, photos, the refund it is worth; approve, or reject with a note; once an
    approved return arrives, restock or write off each line (which refunds)."""

    template_name = "returns/store_detail.html"
    receive_url_name = "storeadmin:return-detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(self.receive_context(obj, **kwargs))
        context.update(
            form=kwargs.get("form") or DecisionForm(),
            can_decide=obj.is_open and services.may_decide(actor=self.request.user, request=obj),
        )
        return context

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        if request.POST.get("action") == "receive":
            return self.receive(request, obj)
        form = DecisionForm(request.POST)
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject"):
            form.add_error(None, _("Choose Approve or Reject."))
        if form.is_valid():
            approve = decision == "approve"
            try:
                services.return_request_decide(request=obj, approve=approve, note=form.cleaned_data["note"],
                                               actor=request.user)
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                if not approve:
                    messages.success(request, _("Return request rejected; the shopper was told why."))
                elif obj.kind == ReturnRequest.Kind.RETURN:
                    messages.success(request, _("Return approved; the refund goes out once the goods arrive."))
                else:
                    messages.success(request, _("Refund sent to the shopper."))
                return redirect(reverse("storeadmin:return-detail", args=[obj.pk]))
        self.object = selectors.return_request_in_scope(scope=self.scope, pk=obj.pk)  # as it is now
        return self.render_to_response(self.get_context_data(form=form))


class SupplierReturnListView(SupplierPortalMixin, StatusFilterMixin, ListView):
    """Read-only: the return requests that include this supplier's lines, with only those lines."""

    template_name = "returns/supplier_list.html"
    context_object_name = "return_requests"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.return_requests(scope=self.scope, status=self.status_filter())


class SupplierReturnDetailView(SupplierPortalMixin, ReceiveMixin, TemplateView):
    """One request with this supplier's lines; when its warehouses shipped the goods, it records their arrival."""

    template_name = "returns/supplier_detail.html"
    receive_url_name = "supplier:return-detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.receive_context(self.get_object(), **kwargs))
        return context

    def post(self, request, *args, **kwargs):
        return self.receive(request, self.get_object())
