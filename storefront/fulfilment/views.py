"""Fulfilment pages, one set of views for both portals that ship: the store admin portal (a store's own locations)
and the supplier portal (its warehouses). Each view class is mixed with a portal mixin below (`STORE_VIEWS`,
`SUPPLIER_VIEWS`); `ns` names the portal's URL namespace. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from parties.models import LEADING_ROLES
from parties.scoping import scoped
from portal.mixins import bound_to_portal
from storeadmin.views import StoreAdminPortalMixin
from storefront.fulfilment import selectors, services
from storefront.fulfilment.forms import CancelForm, ShipForm
from storefront.fulfilment.models import Wave
from storefront.models import FulfilmentGroup
from supplier.views import SupplierPortalMixin

PAGE_SIZE = 25
Status = FulfilmentGroup.Status


class FulfilmentPortalMixin:
    """What every fulfilment page shares: the portal's URL names (`fu` in templates) and who may cancel."""

    ns = ""

    def url_name(self, short: str) -> str:
        return f"{self.ns}:{short}"

    def may_cancel(self) -> bool:
        """Cancelling gives the stock back and may refund the shopper: owners and managers only."""
        return self.membership.role in LEADING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fu"] = {short.replace("-", "_"): self.url_name(short) for short in (
            "fulfilment-list", "fulfilment-detail", "fulfilment-ship", "fulfilment-cancel", "fulfilment-parcel",
            "wave-list", "wave-detail")}
        return context

    def error_messages(self, error: ValidationError) -> None:
        for message in error.messages:
            messages.error(self.request, message)


class GroupListView(FulfilmentPortalMixin, ListView):
    """Orders to ship, oldest first, with filters; tick pending ones and start a wave (POST)."""

    template_name = "fulfilment/group_list.html"
    context_object_name = "groups"
    paginate_by = PAGE_SIZE

    def filters(self) -> dict:
        params = self.request.GET
        values = {key: params.get(key, "").strip() for key in ("status", "store", "carrier", "sku", "age")}
        values["status"] = values["status"] or selectors.OPEN
        return values

    def get_queryset(self):
        f = self.filters()
        store_id = int(f["store"]) if f["store"].isdigit() else None
        return selectors.fulfilment_groups(scope=self.scope, status=f["status"], store_id=store_id,
                                           carrier=f["carrier"], sku=f["sku"], older_than=selectors.parse_age(f["age"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filters=self.filters(), statuses=selectors.STATUS_CHOICES, ages=selectors.AGE_CHOICES,
                       **selectors.filter_choices(scope=self.scope))
        return context

    def post(self, request, *args, **kwargs):
        ids = sorted({int(value) for value in request.POST.getlist("groups") if value.isdigit()})
        groups = list(scoped(FulfilmentGroup.objects.all(), scope=self.scope).filter(pk__in=ids))
        if len(groups) != len(ids):
            raise Http404(_("No such shipment."))
        try:
            wave = services.wave_create(groups=groups, actor=request.user)
        except ValidationError as error:
            self.error_messages(error)
            return redirect(f"{reverse(self.url_name('fulfilment-list'))}?{request.GET.urlencode()}")
        messages.success(request, _("Wave %(code)s started: %(count)d orders to pick.")
                         % {"code": wave.code, "count": len(groups)})
        return redirect(self.url_name("wave-detail"), pk=wave.pk)


class GroupMixin(FulfilmentPortalMixin):
    def get_group(self) -> FulfilmentGroup:
        if not hasattr(self, "_group"):
            self._group = selectors.fulfilment_group_in_scope(scope=self.scope, pk=self.kwargs["pk"])
        return self._group

    def detail_url(self) -> str:
        return reverse(self.url_name("fulfilment-detail"), args=[self.kwargs["pk"]])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.get_group()
        detail = selectors.group_detail(group=group)
        context.update(group=group, order=group.order, detail=detail, may_cancel=self.may_cancel(),
                       can_cancel=group.status in services.NOT_SHIPPED and not detail.parcels)
        return context


# (POST action → (the status it moves to, the message when done)) on the group page
MOVES = {
    "picking": (Status.PICKING, _("Picking started.")),
    "packed": (Status.PACKED, _("Marked packed.")),
    "delivered": (Status.DELIVERED, _("Marked delivered.")),
}


class GroupDetailView(GroupMixin, TemplateView):
    """One order's shipment from this location: lines with units left, parcels, and the next steps."""

    template_name = "fulfilment/group_detail.html"

    def post(self, request, *args, **kwargs):
        group = self.get_group()
        action = request.POST.get("action", "")
        if action not in MOVES:
            messages.error(request, _("Choose what to do with the shipment."))
            return redirect(self.detail_url())
        status, done = MOVES[action]
        try:
            services.fulfilment_group_move(group=group, status=status, actor=request.user)
        except ValidationError as error:
            self.error_messages(error)
        else:
            messages.success(request, str(done))
        return redirect(self.detail_url())


class GroupShipView(GroupMixin, TemplateView):
    """Ship a parcel: carrier, tracking number and how many of each line go in it (default: all that is left)."""

    template_name = "fulfilment/group_ship.html"

    def get_form(self, data=None) -> ShipForm:
        rows = selectors.group_detail(group=self.get_group()).lines
        form = ShipForm(data, rows=rows, initial={"carrier": self.last_carrier()})
        return form

    def last_carrier(self) -> str:
        group = self.get_group()
        last = group.parcels.exclude(carrier="").order_by("-shipped_at", "-pk").first()
        return last.carrier if last else group.carrier

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        context["closed"] = self.get_group().status not in services.NOT_SHIPPED
        return context

    def post(self, request, *args, **kwargs):
        group = self.get_group()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                parcel = services.fulfilment_group_ship(
                    group=group, carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"], quantities=form.quantities(),
                    actor=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                group.refresh_from_db()
                if group.status == Status.SHIPPED:
                    messages.success(request, _("Parcel %(tracking)s shipped; the order is shipped in full.")
                                     % {"tracking": parcel.tracking_number})
                else:
                    messages.success(request, _("Parcel %(tracking)s shipped; the rest is still to ship.")
                                     % {"tracking": parcel.tracking_number})
                return redirect(self.detail_url())
        return self.render_to_response(self.get_context_data(form=form))


class GroupCancelView(GroupMixin, TemplateView):
    """Cancel before anything shipped, with a reason: the allocation goes back to stock."""

    template_name = "fulfilment/group_cancel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or CancelForm()
        return context

    def post(self, request, *args, **kwargs):
        group = self.get_group()
        form = CancelForm(request.POST)
        if not self.may_cancel():
            form.add_error(None, _("Only an owner or manager can cancel a shipment."))
        elif form.is_valid():
            try:
                services.fulfilment_group_cancel(group=group, reason=form.cleaned_data["reason"],
                                                 actor=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Shipment cancelled; its stock is back on sale."))
                return redirect(self.detail_url())
        return self.render_to_response(self.get_context_data(form=form))


class ParcelDetailView(FulfilmentPortalMixin, TemplateView):
    """A parcel's packing slip: what went in it, where it goes, carrier and tracking number (printable)."""

    template_name = "fulfilment/parcel_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parcel = selectors.parcel_in_scope(scope=self.scope, pk=self.kwargs["pk"])
        context.update(parcel=parcel, group=parcel.group, order=parcel.group.order)
        return context


class WaveListView(FulfilmentPortalMixin, ListView):
    template_name = "fulfilment/wave_list.html"
    context_object_name = "waves"
    paginate_by = PAGE_SIZE

    def status_filter(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in Wave.Status.values else ""

    def get_queryset(self):
        return selectors.waves(scope=self.scope, status=self.status_filter())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(statuses=Wave.Status.choices, status=self.status_filter())
        return context


class WaveDetailView(FulfilmentPortalMixin, TemplateView):
    """The wave's pick list (by location, bin, SKU; printable); "Mark wave picked" (POST) packs its groups."""

    template_name = "fulfilment/wave_detail.html"

    def get_wave(self) -> Wave:
        return selectors.wave_in_scope(scope=self.scope, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wave = self.get_wave()
        groups = list(wave.groups.select_related("order").order_by("order__number", "pk"))
        context.update(wave=wave, locations=selectors.pick_list(wave=wave), wave_groups=groups)
        return context

    def post(self, request, *args, **kwargs):
        wave = self.get_wave()
        try:
            services.wave_picked(wave=wave, actor=request.user)
        except ValidationError as error:
            self.error_messages(error)
        else:
            messages.success(request, _("Wave %(code)s picked: its orders are packed and ready to ship.")
                             % {"code": wave.code})
        return redirect(self.url_name("wave-detail"), pk=wave.pk)


VIEWS = {
    "fulfilment-list": GroupListView,
    "fulfilment-detail": GroupDetailView,
    "fulfilment-ship": GroupShipView,
    "fulfilment-cancel": GroupCancelView,
    "fulfilment-parcel": ParcelDetailView,
    "wave-list": WaveListView,
    "wave-detail": WaveDetailView,
}


STORE_VIEWS = bound_to_portal(StoreAdminPortalMixin, VIEWS, ns="storeadmin")
SUPPLIER_VIEWS = bound_to_portal(SupplierPortalMixin, VIEWS, ns="supplier")
