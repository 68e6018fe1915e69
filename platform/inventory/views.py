"""Stock pages of the store admin and supplier portals: stock per location, one row's ledger and actions,
low-stock alerts, the reorder view, transfers. Thin: parse, call inventory.selectors / services, render.

Every view exists once here (`*Base`) and is bound to a portal by its mixin (`StoreAdmin*` / `Supplier*`
below); `ns` names the URL namespace so the shared templates link inside the right portal.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from inventory import selectors, services
from inventory.forms import ACTION_FORMS
from inventory.models import Transfer
from parties.models import Warehouse
from portal.links import safe_next
from portal.mixins import bound_to_portal
from storeadmin.views import StoreAdminPortalMixin
from supplier.models import WarehouseStock
from supplier.views import SupplierPortalMixin

PAGE_SIZE = 25
POOL = "pool"


class StockPagesMixin:
    """What every stock page needs: the portal's URL namespace, its locations, the sub-navigation."""

    ns = ""
    tab = ""

    def url_name(self, name: str) -> str:
        return f"{self.ns}:{name}"

    def locations(self) -> list[Warehouse]:
        if not hasattr(self, "_locations"):
            self._locations = list(selectors.stock_locations(scope=self.scope))
        return self._locations

    def chosen_location(self) -> Warehouse | None:
        """The location picked by ?location= (must be one of ours: else 404), or None."""
        raw = self.request.GET.get("location", "")
        if not raw or raw == POOL:
            return None
        for location in self.locations():
            if str(location.pk) == raw:
                return location
        raise Http404(_("No such stock location."))

    def store(self):
        return self.membership.store if self.membership is not None else None

    def _pager_query(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            ns=self.ns, tab=self.tab, locations=self.locations(), store=self.store(),
            stock_url=self.url_name("stock"), detail_url=self.url_name("stock-detail"),
            alerts_url=self.url_name("stock-alerts"), reorder_url=self.url_name("stock-reorder"),
            transfers_url=self.url_name("transfer-list"), transfer_create_url=self.url_name("transfer-create"),
            transfer_url=self.url_name("transfer-detail"),
            pager_query=self._pager_query(),
        )
        return context


# --- stock per location -------------------------------------------------------------------------------------

class StockListBase(StockPagesMixin, ListView):
    """One location's stock (or, for a store, the sellable availability of its listings), searchable, paged."""

    template_name = "inventory/stock_list.html"
    context_object_name = "rows"
    paginate_by = PAGE_SIZE
    tab = "stock"

    def mode(self) -> tuple[str, Warehouse | None]:
        location = self.chosen_location()
        if location is not None:
            return "location", location
        if self.request.GET.get("location") == POOL and self.store() is not None:
            return POOL, None
        if self.locations():
            return "location", self.locations()[0]
        return (POOL, None) if self.store() is not None else ("none", None)

    def search(self) -> str:
        return self.request.GET.get("q", "").strip()

    def get_queryset(self):
        mode, location = self.mode()
        if mode == "location":
            return selectors.stock_rows(scope=self.scope, location=location, search=self.search())
        if mode == POOL:
            return selectors.pool_listings(store=self.store(), search=self.search())
        return WarehouseStock.objects.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode, location = self.mode()
        rows = list(context["rows"])
        if mode == "location":
            transit = selectors.in_transit(location_ids=[location.pk])
            for row in rows:
                row.in_transit = transit.get((location.pk, row.stockrecord_id), 0)
            context["arriving"] = sum(transit.values())
        elif mode == POOL:
            free = selectors.available_in(store=self.store(), stockrecord_ids=[row.stockrecord_id for row in rows])
            for row in rows:
                row.available = free.get(row.stockrecord_id, 0)
        context.update(mode=mode, location=location, rows=rows, q=self.search(), pool=POOL)
        return context


class StockDetailBase(StockPagesMixin, TemplateView):
    """One stock row: figures, receive / adjust / threshold forms, and its ledger of movements."""

    template_name = "inventory/stock_detail.html"
    tab = "stock"

    def get_object(self) -> WarehouseStock:
        if not hasattr(self, "object"):
            try:
                self.object = selectors.stock_row_detail(scope=self.scope, pk=self.kwargs["pk"])
            except WarehouseStock.DoesNotExist:
                raise Http404(_("No such stock row.")) from None
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.get_object()
        forms = {name: form_class(prefix=name) for name, form_class in ACTION_FORMS.items()}
        forms["threshold"].initial = {"threshold": row.low_stock_threshold}
        forms.update(kwargs.get("bound", {}))
        page = Paginator(selectors.stock_movements(stock=row), 50).get_page(self.request.GET.get("page"))
        transit = selectors.in_transit(location_ids=[row.warehouse_id]).get((row.warehouse_id, row.stockrecord_id), 0)
        context.update(row=row, title=services.sku_title(row.stockrecord), forms=forms, movements=page,
                       in_transit=transit, open_alert=row.alerts.filter(cleared_at__isnull=True).first())
        return context

    def post(self, request, *args, **kwargs):
        row = self.get_object()
        action = request.POST.get("action", "")
        if action not in ACTION_FORMS:
            messages.error(request, _("Choose what to do: receive, adjust or set the threshold."))
            return redirect(self.request.path)
        form = ACTION_FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(bound={action: form}), status=400)
        values = form.cleaned_data
        try:
            if action == "receive":
                services.stock_row_receive(stock=row, units=values["units"], actor=request.user,
                                           reason=values["reason"] or _("Received"))
                message = _("%(units)d received.") % {"units": values["units"]}
            elif action == "adjust":
                services.stock_adjust(stock=row, counted=values["counted"], actor=request.user,
                                      reason=values["reason"])
                message = _("On hand set to %(units)d.") % {"units": values["counted"]}
            else:
                services.stock_threshold_set(stock=row, threshold=values["threshold"], actor=request.user)
                message = (_("Low-stock threshold set to %(units)d.") % {"units": values["threshold"]}
                           if values["threshold"] is not None else _("Low-stock alert turned off."))
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
            return self.render_to_response(self.get_context_data(bound={action: form}), status=400)
        messages.success(request, message)
        return redirect(self.request.path)


# --- alerts and reorder ---------------------------------------------------------------------------------------

class AlertListBase(StockPagesMixin, ListView):
    template_name = "inventory/alert_list.html"
    context_object_name = "alerts"
    paginate_by = PAGE_SIZE
    tab = "alerts"

    def get_queryset(self):
        return selectors.stock_alerts(scope=self.scope, location=self.chosen_location())


class ReorderBase(StockPagesMixin, TemplateView):
    template_name = "inventory/reorder.html"
    tab = "reorder"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        location = self.chosen_location()
        context.update(rows=selectors.reorder_rows(scope=self.scope, location=location), location=location,
                       rate_days=selectors.RATE_DAYS)
        return context


# --- transfers ------------------------------------------------------------------------------------------------

class TransferListBase(StockPagesMixin, ListView):
    template_name = "inventory/transfer_list.html"
    context_object_name = "transfers"
    paginate_by = PAGE_SIZE
    tab = "transfers"

    def get_queryset(self):
        return selectors.transfer_list(scope=self.scope)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mine = {location.pk for location in self.locations()}
        for transfer in context["transfers"]:
            transfer.incoming = transfer.to_location_id in mine
            transfer.outgoing = transfer.from_location_id in mine
        return context


class TransferCreateBase(StockPagesMixin, TemplateView):
    """Pick a source of ours, a destination of the same owner, and units of SKUs free at the source."""

    template_name = "inventory/transfer_form.html"
    tab = "transfers"

    def source(self) -> Warehouse | None:
        raw = self.request.POST.get("source") or self.request.GET.get("source") or ""
        for location in self.locations():
            if str(location.pk) == raw:
                return location
        if raw:
            raise Http404(_("No such stock location."))
        return self.locations()[0] if self.locations() else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.source()
        q = (self.request.POST.get("q") or self.request.GET.get("q") or "").strip()
        rows = []
        if source is not None:
            rows = [row for row in selectors.stock_rows(scope=self.scope, location=source, search=q)[:200]
                    if row.available > 0]
        entered = {key: value for key, value in self.request.POST.items() if key.startswith("units_")}
        for row in rows:
            row.entered = entered.get(f"units_{row.stockrecord_id}", "")
        context.update(source=source, q=q, rows=rows, errors=kwargs.get("errors", []),
                       destinations=selectors.transfer_destinations(source=source) if source else [],
                       destination_id=self.request.POST.get("destination", ""),
                       note=self.request.POST.get("note", ""))
        return context

    def post(self, request, *args, **kwargs):
        source = self.source()
        destination = Warehouse.objects.filter(pk=request.POST.get("destination") or 0).first()
        errors, items = [], []
        for key, value in request.POST.items():
            if not key.startswith("units_") or not value.strip():
                continue
            try:
                items.append((int(key.removeprefix("units_")), int(value)))
            except ValueError:
                errors.append(_("Enter whole numbers of units."))
                break
        if source is None or destination is None:
            errors.append(_("Choose where the stock goes."))
        if not errors:
            try:
                transfer = services.transfer_dispatch(source=source, destination=destination, items=items,
                                                      actor=request.user, note=request.POST.get("note", ""),
                                                      scope=self.scope)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, _("Transfer %(ref)s dispatched to %(destination)s.")
                                 % {"ref": transfer.reference, "destination": destination})
                return redirect(self.url_name("transfer-detail"), pk=transfer.pk)
        return self.render_to_response(self.get_context_data(errors=errors), status=400)


class TransferDetailBase(StockPagesMixin, TemplateView):
    """One transfer: its lines; Receive (at the destination) or Cancel (at the source) while in transit."""

    template_name = "inventory/transfer_detail.html"
    tab = "transfers"

    def get_object(self) -> Transfer:
        if not hasattr(self, "object"):
            try:
                self.object = selectors.transfer_detail(scope=self.scope, pk=self.kwargs["pk"])
            except Transfer.DoesNotExist:
                raise Http404(_("No such transfer.")) from None
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = self.get_object()
        mine = {location.pk for location in self.locations()}
        open_ = transfer.status == Transfer.Status.DISPATCHED
        lines = list(transfer.lines.select_related("stockrecord__product__parent").order_by("stockrecord__partner_sku"))
        for line in lines:
            line.title = services.sku_title(line.stockrecord)
        context.update(transfer=transfer, lines=lines, can_receive=open_ and transfer.to_location_id in mine,
                       can_cancel=open_ and transfer.from_location_id in mine)
        return context

    def post(self, request, *args, **kwargs):
        transfer = self.get_object()
        action = request.POST.get("action")
        back = safe_next(request, reverse(self.url_name("transfer-detail"), kwargs={"pk": transfer.pk}))
        try:
            if action == "receive":
                services.transfer_receive(transfer=transfer, actor=request.user, scope=self.scope)
                messages.success(request, _("Transfer %(ref)s received.") % {"ref": transfer.reference})
            elif action == "cancel":
                services.transfer_cancel(transfer=transfer, actor=request.user, scope=self.scope)
                messages.success(request, _("Transfer %(ref)s cancelled: its units are back at %(source)s.")
                                 % {"ref": transfer.reference, "source": transfer.from_location})
            else:
                messages.error(request, _("Choose Receive or Cancel."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(back)


# --- bound to the two portals ---------------------------------------------------------------------------------

class StoreAdminStock(StoreAdminPortalMixin):
    ns = "storeadmin"


class SupplierStock(SupplierPortalMixin):
    ns = "supplier"

    def store(self):
        return None


PAGES = {"stock": StockListBase, "stock-detail": StockDetailBase, "stock-alerts": AlertListBase,
         "stock-reorder": ReorderBase, "transfer-list": TransferListBase, "transfer-create": TransferCreateBase,
         "transfer-detail": TransferDetailBase}
VIEWS = {portal.ns: bound_to_portal(portal, PAGES) for portal in (StoreAdminStock, SupplierStock)}
