"""Operator pages for suppliers' catalogues: the review queue (approve or reject, one or many) and the catalogue.

Every URL here is staff-only (see BackofficeConfig.get_url_decorator); the
views read through the catalogue selectors with the operator scope and
change state only through the catalogue services.
"""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from parties.scoping import Scope
from parties.selectors import supplier_list
from supplier import selectors, services
from supplier.models import ReviewState, SupplierProduct

OPERATOR = Scope.operator()
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


FIELD_LABELS = {"title": gettext_lazy("Title"), "description": gettext_lazy("Description"),
                "category": gettext_lazy("Category"), "images": gettext_lazy("Images")}


def _shown(field: str, value) -> str:
    if value is None:
        return "—"
    if field == "images":
        return ", ".join(os.path.basename(name) for name in value) or _("no images")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):  # one SKU: variant name and retail floor
        name = value.get("name") or _("no variant name")
        return _("%(name)s, retail floor %(floor)s") % {"name": name, "floor": value.get("min_retail_price")}
    if field == "description":
        return Truncator(strip_tags(value)).chars(160) or "—"
    return str(value)


def shown_changes(changes: list[dict]) -> list[dict]:
    """A snapshot diff as the operator reads it: field, before → after."""
    shown = []
    for change in changes:
        field = change["field"]
        if field.startswith("sku "):
            label = _("SKU %(sku)s") % {"sku": field[4:]}
        else:
            label = FIELD_LABELS.get(field, field)
        shown.append({"field": field, "label": label, "before": _shown(field, change["before"]),
                      "after": _shown(field, change["after"])})
    return shown


def _int_or_none(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _product_context(entry: SupplierProduct) -> dict:
    rows = selectors.variant_rows(entry=entry)
    warehouses = selectors.warehouse_codes(supplier=entry.supplier)
    for row in rows:
        row["cells"] = [(code, warehouse, row["stock"].get(code, 0)) for code, warehouse in warehouses.items()]
    return {"entry": entry, "product": entry.product, "rows": rows, "warehouses": warehouses,
            "images": list(entry.product.images.all()), "categories": list(entry.product.categories.all()),
            "history": list(entry.history.all()), "tags": list(entry.tags.all())}


def _entry_or_404(pk) -> SupplierProduct:
    try:
        return selectors.supplier_product_detail(scope=OPERATOR, pk=pk)
    except SupplierProduct.DoesNotExist:
        raise Http404(_("No such product.")) from None


class ReviewQueueView(ListView):
    """Products waiting for review, oldest first, with what changed since the last approval; bulk decisions."""

    template_name = "backoffice/review_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def supplier_id(self) -> int | None:
        return _int_or_none(self.request.GET.get("supplier"))

    def get_queryset(self):
        return selectors.review_queue(supplier_id=self.supplier_id())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(context["entries"])
        snapshots = selectors.review_snapshots(entries)
        for entry in entries:
            entry.changes = shown_changes(services.snapshot_diff(entry.approved_snapshot, snapshots[entry.pk]))
        context.update(entries=entries, suppliers=supplier_list(scope=OPERATOR), supplier_id=self.supplier_id())
        return context

    def post(self, request, *args, **kwargs):
        back = request.get_full_path()
        ids = {_int_or_none(raw) for raw in request.POST.getlist("products")}
        action = request.POST.get("action")
        if not ids or None in ids:
            messages.error(request, _("Tick at least one product first."))
            return redirect(back)
        if action not in {"approve", "reject"}:
            messages.error(request, _("Choose approve or reject."))
            return redirect(back)
        entries = list(selectors.operator_catalogue().filter(pk__in=ids))
        if len(entries) != len(ids):
            messages.error(request, _("Some ticked products no longer exist; nothing was changed."))
            return redirect(back)
        try:
            count = services.products_review(actor=request.user, entries=entries, approve=action == "approve",
                                             reason=request.POST.get("reason", ""))
        except ValidationError as refused:
            stale = [e.product.title for e in entries if e.state != ReviewState.SUBMITTED]
            text = " ".join(refused.messages)
            if stale:
                text += " " + _("Not waiting for review: %(titles)s.") % {"titles": ", ".join(stale)}
            messages.error(request, _("Nothing was changed. %(reason)s") % {"reason": text})
            return redirect(back)
        if action == "approve":
            messages.success(request, _("%(count)d products approved; those on shelf with stock are now in the "
                                        "distribution market.") % {"count": count})
        else:
            messages.success(request, _("%(count)d products rejected; their suppliers see the reason.")
                             % {"count": count})
        return redirect(back)


class ReviewDetailView(TemplateView):
    """One product under review: content, variants, images, the diff since the last approval, history."""

    template_name = "backoffice/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = _entry_or_404(self.kwargs["pk"])
        context.update(_product_context(entry))
        context.update(
            waiting=entry.state == ReviewState.SUBMITTED,
            first_review=entry.approved_snapshot is None,
            changes=shown_changes(services.snapshot_diff(entry.approved_snapshot, services.review_snapshot(entry))),
        )
        return context

    def post(self, request, *args, **kwargs):
        entry = _entry_or_404(self.kwargs["pk"])
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.product_approve(actor=request.user, entry=entry)
            elif action == "reject":
                services.product_reject(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
            else:
                raise ValidationError(_("Choose approve or reject."))
        except ValidationError as refused:
            messages.error(request, _("Nothing was changed. %(reason)s") % {"reason": " ".join(refused.messages)})
            return redirect("dashboard:mp-review-detail", pk=entry.pk)
        if action == "approve":
            messages.success(request, _("“%(title)s” approved.") % {"title": entry.product.title})
        else:
            messages.success(request, _("“%(title)s” rejected; the supplier sees the reason.")
                             % {"title": entry.product.title})
        return redirect(reverse("dashboard:mp-review-list"))


class CatalogueListView(ListView):
    """All products of all suppliers, filtered by supplier, review state, category and title."""

    template_name = "backoffice/catalogue_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def filters(self) -> dict:
        params = self.request.GET
        return {key: params.get(key, "").strip() for key in ("supplier", "state", "category", "q")}

    def get_queryset(self):
        f = self.filters()
        return selectors.operator_catalogue(supplier_id=_int_or_none(f["supplier"]), state=f["state"],
                                            category=f["category"], search=f["q"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters(), suppliers=supplier_list(scope=OPERATOR), states=ReviewState.choices,
            categories=[(category.name, path) for path, category in selectors.category_paths().items()],
        )
        return context


class CatalogueDetailView(TemplateView):
    """One product of any supplier with its whole approval history."""

    template_name = "backoffice/catalogue_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_product_context(_entry_or_404(self.kwargs["pk"])))
        return context
