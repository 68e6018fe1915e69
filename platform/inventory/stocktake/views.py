"""Stocktake pages, the same in the store admin portal (the store's own locations, /store/stocktakes/) and the
supplier portal (its warehouses, /supplier/stocktakes/): the list, starting a count, the counting page
(scan box, bulk box, correction), the variance report with approval, and cancelling. Thin: parse, call a
service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from inventory.stocktake import selectors, services
from inventory.stocktake.forms import ApproveForm, BulkForm, ScanForm, StartForm
from inventory.stocktake.models import Stocktake
from portal.mixins import bound_to_portal
from storeadmin.views import StoreAdminPortalMixin
from supplier.views import SupplierPortalMixin

PAGE_SIZE = 25


class StocktakeMixin:
    """What differs between the portals: the URL namespace and the locations counted there."""

    namespace = ""

    def locations(self):
        raise NotImplementedError

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:stocktake-{name}", args=args)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["urls"] = {name: f"{self.namespace}:stocktake-{name}"
                           for name in ("list", "start", "detail", "variance", "cancel")}
        return context


class StocktakeObjectMixin(StocktakeMixin):
    def get_object(self) -> Stocktake:
        if not hasattr(self, "object"):
            self.object = selectors.stocktake_in_scope(scope=self.scope, pk=self.kwargs["pk"])
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stocktake = self.get_object()
        context.update(stocktake=stocktake,
                       may_approve=services.may_approve(actor=self.request.user, location=stocktake.location))
        return context


class StocktakeListView(StocktakeMixin, ListView):
    """Counts of the portal's locations, newest first, filterable by status."""

    template_name = "stocktake/list.html"
    context_object_name = "stocktakes"
    paginate_by = PAGE_SIZE

    def status_filter(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in Stocktake.Status.values else ""

    def get_queryset(self):
        return selectors.stocktakes(scope=self.scope, status=self.status_filter())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(statuses=Stocktake.Status.choices, status=self.status_filter(),
                       has_locations=self.locations().exists())
        return context


class StocktakeStartView(StocktakeMixin, TemplateView):
    """Choose the location and what to count (all SKUs, some, or some bins)."""

    template_name = "stocktake/start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or StartForm(locations=self.locations())
        return context

    def post(self, request, *args, **kwargs):
        form = StartForm(request.POST, locations=self.locations())
        if form.is_valid():
            try:
                stocktake = services.stocktake_start(location=form.cleaned_data["location"], actor=request.user,
                                                     skus=form.cleaned_data["skus"],
                                                     bin_prefix=form.cleaned_data["bin_prefix"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Count %(code)s started: %(what)s.")
                                 % {"code": stocktake.code, "what": stocktake.description})
                return redirect(self.url("detail", stocktake.pk))
        return self.render_to_response(self.get_context_data(form=form))


class StocktakeDetailView(StocktakeObjectMixin, TemplateView):
    """The counting page: scan or type a SKU/barcode and the units (focus comes back to the SKU box), paste
    several "SKU quantity" lines, or correct a line's count. Entries of several people add up."""

    template_name = "stocktake/count.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stocktake = self.get_object()
        search = self.request.GET.get("q", "").strip()
        uncounted = self.request.GET.get("uncounted") == "1"
        context.update(
            scan_form=kwargs.get("scan_form") or ScanForm(),
            bulk_form=kwargs.get("bulk_form") or BulkForm(),
            set_form=kwargs.get("set_form") or ScanForm(prefix="set", initial={"quantity": None}),
            lines=selectors.stocktake_lines(stocktake=stocktake, search=search, uncounted=uncounted),
            entries=selectors.recent_entries(stocktake=stocktake),
            search=search, uncounted=uncounted,
        )
        return context

    def post(self, request, *args, **kwargs):
        stocktake = self.get_object()
        action = request.POST.get("action", "scan")
        forms = {}
        try:
            if action == "bulk":
                form = forms["bulk_form"] = BulkForm(request.POST)
                if form.is_valid():
                    results = services.stocktake_count_add(stocktake=stocktake, items=form.cleaned_data["lines"],
                                                           actor=request.user)
                    messages.success(request, _("%(count)d counts added.") % {"count": len(results)})
                    return redirect(self.url("detail", stocktake.pk))
            elif action == "set":
                form = forms["set_form"] = ScanForm(request.POST, prefix="set")
                if form.is_valid():
                    result = services.stocktake_count_set(stocktake=stocktake, code=form.cleaned_data["code"],
                                                          quantity=form.cleaned_data["quantity"], actor=request.user)
                    messages.success(request, _("%(sku)s corrected: %(counted)d counted.")
                                     % {"sku": result.sku, "counted": result.counted})
                    return redirect(self.url("detail", stocktake.pk))
            else:
                form = forms["scan_form"] = ScanForm(request.POST)
                if form.is_valid():
                    [result] = services.stocktake_count_add(
                        stocktake=stocktake, items=[(form.cleaned_data["code"], form.cleaned_data["quantity"])],
                        actor=request.user)
                    messages.success(request, _("%(sku)s: +%(quantity)d, %(counted)d counted.")
                                     % {"sku": result.sku, "quantity": result.quantity, "counted": result.counted})
                    return redirect(self.url("detail", stocktake.pk))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        self.object = selectors.stocktake_in_scope(scope=self.scope, pk=stocktake.pk)
        return self.render_to_response(self.get_context_data(**forms), status=200)


class StocktakeVarianceView(StocktakeObjectMixin, TemplateView):
    """Expected vs counted per line, the value of the differences, the uncounted lines; approve (owner/manager)."""

    template_name = "stocktake/variance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stocktake = self.get_object()
        form = kwargs.get("form") or ApproveForm(initial={"uncounted_zero": self.request.GET.get("zero") == "1"})
        if not stocktake.is_open:
            zero = stocktake.uncounted_zero  # as approved
        elif form.is_bound:
            zero = form.is_valid() and form.cleaned_data["uncounted_zero"]
        else:
            zero = self.request.GET.get("zero") == "1"
        show = self.request.GET.get("show", "differing")
        report = selectors.variance_report(stocktake=stocktake, uncounted_zero=zero)
        shown = {"all": report.lines, "uncounted": report.uncounted}.get(show, report.differing)
        context.update(form=form, report=report, shown=shown, show=show if show in ("all", "uncounted")
                       else "differing", currency=_currency(stocktake))
        return context

    def post(self, request, *args, **kwargs):
        stocktake = self.get_object()
        form = ApproveForm(request.POST)
        if form.is_valid():
            try:
                services.stocktake_approve(stocktake=stocktake, actor=request.user,
                                           uncounted_zero=form.cleaned_data["uncounted_zero"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Count %(code)s approved; the stock now shows what was counted.")
                                 % {"code": stocktake.code})
                return redirect(self.url("variance", stocktake.pk))
        self.object = selectors.stocktake_in_scope(scope=self.scope, pk=stocktake.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _currency(stocktake: Stocktake) -> str:
    store = stocktake.location.store
    return store.currency if store is not None else "CNY"


class StocktakeCancelView(StocktakeObjectMixin, TemplateView):
    """Ask, then drop the count (stock is not touched)."""

    template_name = "stocktake/cancel.html"

    def post(self, request, *args, **kwargs):
        stocktake = self.get_object()
        try:
            services.stocktake_cancel(stocktake=stocktake, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.url("detail", stocktake.pk))
        messages.success(request, _("Count %(code)s cancelled; stock was not changed.") % {"code": stocktake.code})
        return redirect(self.url("list"))


# --- the two portals -----------------------------------------------------------------------------------------

class StoreStocktakes(StoreAdminPortalMixin):
    namespace = "storeadmin"

    def locations(self):
        return selectors.count_locations(scope=self.scope, store=self.membership.store)


class SupplierStocktakes(SupplierPortalMixin):
    namespace = "supplier"

    def locations(self):
        return selectors.count_locations(scope=self.scope, supplier=self.membership.supplier)


PAGES = {"stocktake-list": StocktakeListView, "stocktake-start": StocktakeStartView,
         "stocktake-detail": StocktakeDetailView, "stocktake-variance": StocktakeVarianceView,
         "stocktake-cancel": StocktakeCancelView}
STORE_VIEWS = bound_to_portal(StoreStocktakes, PAGES)
SUPPLIER_VIEWS = bound_to_portal(SupplierStocktakes, PAGES)
