"""The point of sale of a physical shop's store admin portal (/store/pos/) and the sale's receipt.

The ticket lives in the session ({stock record id: quantity}, per shop) until it is paid; the scan box adds the
SKU (or barcode) typed exactly, otherwise it searches the shop's listings by title and shows matches to tap.
"Complete sale" calls `instore_sale_create`, which checks everything again and writes the order in one go.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from inventory.selectors import store_locations
from inventory.services import sku_title
from parties.models import Store
from storeadmin.views import StoreAdminPortalMixin
from storefront.instore import selectors, services
from storefront.instore.models import InStoreSale
from supplier.models import WarehouseStock

MAX_UNITS = 9999


def _ticket_key(store) -> str:
    return f"instore_ticket_{store.pk}"


class PosMixin(StoreAdminPortalMixin):
    @property
    def store(self) -> Store:
        return self.membership.store

    @property
    def is_shop(self) -> bool:
        return self.store.channel == Store.Channel.OFFLINE

    def ticket(self) -> dict[int, int]:
        raw = self.request.session.get(_ticket_key(self.store), {})
        return {int(record_id): int(quantity) for record_id, quantity in raw.items()}

    def save_ticket(self, ticket: dict[int, int]) -> None:
        self.request.session[_ticket_key(self.store)] = {str(k): v for k, v in ticket.items() if v > 0}


class PosView(PosMixin, TemplateView):
    """Scan or search, adjust quantities, take cash or card, complete the sale."""

    template_name = "instore/pos.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(store=self.store, is_shop=self.is_shop)
        if not self.is_shop:
            return context
        ticket = self.ticket()
        lines, problem = [], ""
        if ticket:
            try:
                lines = services.sale_priced_lines(store=self.store, items=list(ticket.items()))
            except ValidationError as error:  # an item stopped being sold since it was scanned: say so
                problem = " ".join(error.messages)
        free = self._free_in_shop([line.stockrecord.pk for line in lines])
        query = self.request.GET.get("q", "").strip()
        context.update(
            lines=[(line, free.get(line.stockrecord.pk, 0)) for line in lines],
            ticket_problem=problem,
            total=sum((line.line_total for line in lines), Decimal("0.00")),
            query=query,
            matches=selectors.till_search(store=self.store, text=query) if query else [],
            methods=InStoreSale.Method.choices,
            form=kwargs.get("form", {}),
        )
        return context

    def _free_in_shop(self, record_ids) -> dict[int, int]:
        free: dict[int, int] = {}
        for row in WarehouseStock.objects.filter(warehouse__in=store_locations(store=self.store),
                                                 stockrecord_id__in=record_ids):
            free[row.stockrecord_id] = free.get(row.stockrecord_id, 0) + max(row.available, 0)
        return free

    def post(self, request, *args, **kwargs):
        if not self.is_shop:
            messages.error(request, _("Only physical shops ring up sales here."))
            return redirect("storeadmin:pos")
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None) if action in {"scan", "add", "plus", "minus", "remove",
                                                                   "clear", "complete"} else None
        if handler is None:
            messages.error(request, _("Unknown action."))
            return redirect("storeadmin:pos")
        return handler(request)

    def _record_id(self, request) -> int | None:
        value = request.POST.get("record", "")
        return int(value) if value.isdigit() else None

    def _add(self, listing, units: int = 1) -> None:
        ticket = self.ticket()
        ticket[listing.stockrecord_id] = min(ticket.get(listing.stockrecord_id, 0) + units, MAX_UNITS)
        self.save_ticket(ticket)
        messages.success(self.request, _("Added %(item)s.") % {"item": sku_title(listing.stockrecord)})

    def do_scan(self, request):
        code = request.POST.get("code", "").strip()
        if not code:
            messages.error(request, _("Scan a barcode or type a SKU or a product name."))
            return redirect("storeadmin:pos")
        listing = selectors.till_exact(store=self.store, code=code)
        if listing is not None:
            self._add(listing)
            return redirect("storeadmin:pos")
        if not selectors.till_search(store=self.store, text=code):
            messages.error(request, _("Nothing sold in this shop matches “%(code)s”.") % {"code": code})
            return redirect("storeadmin:pos")
        return redirect(f"{reverse('storeadmin:pos')}?{urlencode({'q': code})}")

    def do_add(self, request):
        record_id = self._record_id(request)
        listing = selectors.till_listings(store=self.store).filter(stockrecord_id=record_id).first()
        if listing is None:
            messages.error(request, _("That item is not sold in this shop."))
        else:
            self._add(listing)
        return redirect("storeadmin:pos")

    def _change(self, request, delta: int | None):
        record_id = self._record_id(request)
        ticket = self.ticket()
        if record_id in ticket:
            ticket[record_id] = 0 if delta is None else min(max(ticket[record_id] + delta, 0), MAX_UNITS)
            self.save_ticket(ticket)
        return redirect("storeadmin:pos")

    def do_plus(self, request):
        return self._change(request, 1)

    def do_minus(self, request):
        return self._change(request, -1)

    def do_remove(self, request):
        return self._change(request, None)

    def do_clear(self, request):
        self.save_ticket({})
        return redirect("storeadmin:pos")

    def do_complete(self, request):
        method = request.POST.get("method", "")
        tendered = None
        raw = request.POST.get("tendered", "").strip().replace(",", ".")
        form = {"method": method, "tendered": raw, "terminal_reference": request.POST.get("terminal_reference", "")}
        errors = []
        if method == InStoreSale.Method.CASH:
            try:
                tendered = Decimal(raw) if raw else None
            except InvalidOperation:
                errors.append(_("Enter the cash received as an amount, e.g. 100.00."))
            if tendered is not None and not tendered.is_finite():
                tendered, errors = None, [_("Enter the cash received as an amount, e.g. 100.00.")]
        if not errors:
            try:
                sale = services.instore_sale_create(
                    store=self.store, items=list(self.ticket().items()), payment_method=method, tendered=tendered,
                    terminal_reference=form["terminal_reference"], actor=request.user)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                self.save_ticket({})
                messages.success(request, _("Sale %(number)s completed.") % {"number": sale.order.number})
                return redirect("storeadmin:pos-receipt", number=sale.order.number)
        for message in errors:
            messages.error(request, message)
        return self.render_to_response(self.get_context_data(form=form), status=200)


class ReceiptView(PosMixin, TemplateView):
    """A printable receipt, readable on a phone; another shop's sale is a 404."""

    template_name = "instore/receipt.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sale = selectors.instore_sale_in_scope(scope=self.scope, number=self.kwargs["number"])
        staff = sale.staff
        context.update(sale=sale, order=sale.order, lines=sale.order.lines.all(),
                       staff_name=(staff.get_full_name() or staff.get_username()) if staff else "")
        return context
