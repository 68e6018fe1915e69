"""Supplier portal pages. Every query goes through the scoping helper via the portal mixin."""

import uuid
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from parties import services as party_services
from parties.models import PartyKind
from parties.scoping import scoped
from parties.selectors import member_list, store_list, warehouse_list
from portal import people
from portal.links import safe_next
from portal.mixins import PortalViewMixin, bound_to_portal
from settlement.selectors import party_balances
from supplier import forms, imports, selectors, services, spreadsheet
from supplier.imports import import_staging
from supplier.models import ImportJob, ReviewState, SupplierProduct


class SupplierPortalMixin(PortalViewMixin):
    portal_kind = PartyKind.SUPPLIER
    portal_title = _("Supplier portal")
    portal_nav = [
        ("supplier:home", _("Overview")),
        ("supplier:product-list", _("Products")),
        ("supplier:product-create", _("New product")),
        ("supplier:warehouse-list", _("Warehouses")),
        ("supplier:stock", _("Stock")),
        ("supplier:stocktake-list", _("Stocktakes")),
        ("supplier:member-list", _("Team")),
        ("supplier:return-list", _("Returns")),
        ("supplier:fulfilment-list", _("To ship")),
        ("supplier:wave-list", _("Pick waves")),
        ("supplier:finance", _("Finance")),
        ("supplier:api-token-list", _("API tokens")),
        ("supplier:webhook-list", _("Webhooks")),
    ]


class HomeView(SupplierPortalMixin, TemplateView):
    template_name = "supplier/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouses"] = warehouse_list(scope=self.scope)
        context["stores"] = store_list(scope=self.scope)
        context["member_count"] = member_list(scope=self.scope).count()
        context["balances"] = party_balances(party=self.membership.supplier)
        return context


class WarehouseListView(SupplierPortalMixin, ListView):
    template_name = "supplier/warehouse_list.html"
    context_object_name = "warehouses"

    def get_queryset(self):
        return warehouse_list(scope=self.scope)


class WarehouseCreateView(SupplierPortalMixin, TemplateView):
    """Add a stock location; a new supplier has none until it creates one here."""

    template_name = "supplier/warehouse_form.html"

    def post(self, request, *args, **kwargs):
        fields = {key: request.POST.get(key, "") for key in ("code", "name", "name_zh", "address")}
        try:
            warehouse = party_services.warehouse_create(actor=request.user, supplier=self.membership.supplier,
                                                        **fields)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(values=fields, errors=error.message_dict))
        messages.success(request, _t("Warehouse %(name)s added.") % {"name": warehouse})
        return redirect("supplier:warehouse-list")


class WarehouseDetailView(SupplierPortalMixin, DetailView):
    template_name = "supplier/warehouse_detail.html"
    context_object_name = "warehouse"

    def get_object(self, queryset=None):
        return get_object_or_404(warehouse_list(scope=self.scope), pk=self.kwargs["pk"])


# The People page (roles in force and lapsed, what each role may do) with giving and revoking roles: portal.people.
MemberListView, MemberGrantView, MemberRevokeView = bound_to_portal(
    SupplierPortalMixin, people.VIEWS, namespace="supplier").values()


# --- Catalogue -------------------------------------------------------------------------------------------

PAGE_SIZES = (20, 50, 100)
SORT_CHOICES = [
    ("updated", _("Recently updated")), ("title", _("Title A–Z")), ("-title", _("Title Z–A")),
    ("stock", _("Stock, low first")), ("-stock", _("Stock, high first")),
    ("price", _("Wholesale price, low first")), ("-price", _("Wholesale price, high first")),
]
SUBMITTABLE = {ReviewState.DRAFT, ReviewState.REJECTED}


class ProductEntryMixin(SupplierPortalMixin):
    """Views about one product of the acting supplier; another supplier's id is a 404."""

    def get_entry(self) -> SupplierProduct:
        if not hasattr(self, "_entry"):
            try:
                self._entry = selectors.supplier_product_detail(scope=self.scope, pk=self.kwargs["pk"])
            except SupplierProduct.DoesNotExist:
                raise Http404(_t("No such product.")) from None
        return self._entry

    def detail_url(self) -> str:
        return reverse("supplier:product-detail", kwargs={"pk": self.kwargs["pk"]})


class ProductListView(SupplierPortalMixin, ListView):
    """Search, filter, sort and page through the supplier's products; shelve them one by one or in bulk."""

    template_name = "supplier/product_list.html"
    context_object_name = "products"

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("size", PAGE_SIZES[0]))
        except ValueError:
            size = PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def filters(self) -> dict:
        params = self.request.GET
        return {key: params.get(key, "").strip() for key in ("q", "state", "shelf", "category", "sort")}

    def get_queryset(self):
        f = self.filters()
        return selectors.supplier_product_list(scope=self.scope, search=f["q"], state=f["state"], shelf=f["shelf"],
                                               category=f["category"], sort=f["sort"] or "updated")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters(),
            page_size=self.get_paginate_by(None),
            page_sizes=[(size, size) for size in PAGE_SIZES],
            shelves=[("on", _t("On shelf")), ("off", _t("Off shelf"))],
            states=ReviewState.choices,
            sorts=SORT_CHOICES,
            categories=[(category.name, path) for path, category in selectors.category_paths().items()],
        )
        return context


class ProductBulkShelfView(SupplierPortalMixin, View):
    """Put the ticked products on or off shelf; ids outside the supplier's catalogue are a 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = safe_next(request, reverse("supplier:product-list"))
        form = forms.BulkShelfForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        ids = set(form.cleaned_data["products"])
        entries = list(selectors.supplier_product_list(scope=self.scope).filter(pk__in=ids))
        if len(entries) != len(ids):
            raise Http404(_t("No such product."))
        on_shelf = form.cleaned_data["on_shelf"] == "on"
        changed = services.products_set_shelf(actor=request.user, entries=entries, on_shelf=on_shelf)
        if on_shelf:
            messages.success(request, _t("%(changed)d of %(count)d products put on shelf.")
                             % {"changed": changed, "count": len(entries)})
        else:
            messages.success(request, _t("%(changed)d of %(count)d products taken off shelf.")
                             % {"changed": changed, "count": len(entries)})
        return redirect(back)


class ProductDetailView(ProductEntryMixin, TemplateView):
    template_name = "supplier/product_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        context.update(product_context(entry))
        context["can_submit"] = entry.state in SUBMITTABLE
        return context


def product_context(entry: SupplierProduct) -> dict:
    """What the detail and stock pages show about one product."""
    warehouses = selectors.warehouse_codes(supplier=entry.supplier)
    rows = selectors.variant_rows(entry=entry)
    for row in rows:
        row["cells"] = [(code, warehouse, row["stock"].get(code, 0)) for code, warehouse in warehouses.items()]
    return {
        "entry": entry, "product": entry.product, "rows": rows, "warehouses": warehouses,
        "images": list(entry.product.images.all()), "categories": list(entry.product.categories.all()),
        "history": list(entry.history.all()), "tags": list(entry.tags.all()),
    }


class ProductFormMixin:
    """The create and edit pages: a product form, a variants formset, errors from the service put in place."""

    template_name = "supplier/product_form.html"
    prefix = "variants"

    def lookups(self) -> services.Lookups:
        if not hasattr(self, "_lookups"):
            self._lookups = services.Lookups(supplier=self.membership.supplier)
        return self._lookups

    def build(self, data=None, files=None, *, initial=None, rows=None, extra=1, can_delete=False, images=()):
        lookups = self.lookups()
        form = forms.ProductForm(data, files, lookups=lookups, initial=initial, existing_images=images)
        formset_class = forms.variant_formset(extra=extra, can_delete=can_delete)
        formset = formset_class(data, initial=rows, prefix=self.prefix,
                                form_kwargs={"warehouses": lookups.warehouses, "attributes": lookups.attributes})
        return form, formset

    def add_row(self, request, **build_kwargs):
        """The no-JavaScript "add row" button: the same input again with one more blank variant row."""
        data = request.POST.copy()
        total = f"{self.prefix}-TOTAL_FORMS"
        try:
            data[total] = str(int(data.get(total, "0")) + 1)
        except ValueError:
            data[total] = "1"
        form, formset = self.build(data, None, **build_kwargs)
        if request.FILES:
            messages.info(request, _t("Choose the images again: a browser does not resend files."))
        return form, formset

    def save(self, form, formset, write) -> tuple[SupplierProduct | None, list[str]]:
        """Run `write(data, images)` if both forms parse; on refusal put each error next to what it names."""
        if not (form.is_valid() & formset.is_valid()):
            return None, list(formset.non_form_errors())
        data, row_of = forms.product_input(form, formset)
        try:
            return write(data, form.cleaned_data["images"]), []
        except services.CatalogueInputError as refused:
            general = forms.apply_input_errors(refused.errors, form=form, formset=formset, row_of=row_of)
            return None, general
        except ValidationError as refused:
            return None, refused.messages

    def render_form(self, form, formset, general_errors=(), **extra):
        context = self.get_context_data(form=form, formset=formset, general_errors=list(general_errors),
                                        warehouses=self.lookups().warehouses, **extra)
        return self.render_to_response(context)


class ProductCreateView(ProductFormMixin, SupplierPortalMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        return self.render_form(*self.build())

    def post(self, request, *args, **kwargs):
        if "add_row" in request.POST:
            return self.render_form(*self.add_row(request))
        form, formset = self.build(request.POST, request.FILES)

        def write(data, images):
            return services.product_create(actor=request.user, supplier=self.membership.supplier, data=data,
                                           images=images, lookups=self.lookups())

        entry, general = self.save(form, formset, write)
        if entry is None:
            messages.error(request, _t("The product was not saved; see the notes next to the fields."))
            return self.render_form(form, formset, general)
        messages.success(request, _t("“%(title)s” was created as a draft. Submit it for review when it is ready.")
                         % {"title": entry.product.title})
        return redirect("supplier:product-detail", pk=entry.pk)


class ProductEditView(ProductFormMixin, ProductEntryMixin, TemplateView):
    def edit_kwargs(self) -> dict:
        entry = self.get_entry()
        initial, rows = forms.product_initial(entry=entry, rows=selectors.variant_rows(entry=entry),
                                              lookups=self.lookups())
        with_variants = entry.product.is_parent
        return {"initial": initial, "rows": rows, "extra": 0, "can_delete": with_variants,
                "images": list(entry.product.images.all())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        context.update(entry=entry, product=entry.product, can_add_rows=entry.product.is_parent)
        return context

    def get(self, request, *args, **kwargs):
        return self.render_form(*self.build(**self.edit_kwargs()))

    def post(self, request, *args, **kwargs):
        build_kwargs = self.edit_kwargs()
        if "add_row" in request.POST:
            return self.render_form(*self.add_row(request, **build_kwargs))
        form, formset = self.build(request.POST, request.FILES, **build_kwargs)
        entry = self.get_entry()
        was_approved = entry.state == ReviewState.APPROVED

        def write(data, images):
            return services.product_update(actor=request.user, entry=entry, data=data, images=images,
                                           remove_image_ids=form.cleaned_data.get("remove_images") or (),
                                           lookups=self.lookups())

        saved, general = self.save(form, formset, write)
        if saved is None:
            messages.error(request, _t("Nothing was changed; see the notes next to the fields."))
            return self.render_form(form, formset, general)
        if was_approved and saved.state == ReviewState.SUBMITTED:
            messages.warning(request, _t("Saved. These changes need the operator's approval again; the product is "
                                         "out of the distribution market until then."))
        else:
            messages.success(request, _t("Saved."))
        return redirect("supplier:product-detail", pk=saved.pk)


class ProductSubmitView(ProductEntryMixin, TemplateView):
    """GET asks for confirmation (works without JavaScript); POST submits a draft or rejected product."""

    template_name = "supplier/product_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        context.update(entry=entry, product=entry.product, action="submit",
                       heading=_t("Submit “%(title)s” for review?") % {"title": entry.product.title},
                       allowed=entry.state in SUBMITTABLE)
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.product_submit(actor=request.user, entry=self.get_entry())
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _t("Submitted for review. The operator will approve or reject it."))
        return redirect(self.detail_url())


class ProductShelfView(ProductEntryMixin, TemplateView):
    """Put one product on or off shelf (POST on_shelf=on|off); GET asks for confirmation."""

    template_name = "supplier/product_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        heading = (_t("Take “%(title)s” off shelf?") if entry.on_shelf else _t("Put “%(title)s” on shelf?"))
        context.update(entry=entry, product=entry.product, action="shelf", allowed=True,
                       heading=heading % {"title": entry.product.title},
                       next=safe_next(self.request, self.detail_url()))
        return context

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        form = forms.ShelfForm(request.POST)
        back = safe_next(request, self.detail_url())
        if not form.is_valid():
            messages.error(request, _t("Choose on shelf or off shelf."))
            return redirect(back)
        on_shelf = form.cleaned_data["on_shelf"] == "on"
        entry = services.product_set_shelf(actor=request.user, entry=entry, on_shelf=on_shelf)
        title = entry.product.title
        if on_shelf and entry.state != ReviewState.APPROVED:
            messages.success(request, _t("“%(title)s” is on shelf; it enters the market once approved.")
                             % {"title": title})
        elif on_shelf:
            messages.success(request, _t("“%(title)s” is on shelf.") % {"title": title})
        else:
            messages.success(request, _t("“%(title)s” is off shelf and out of the market.") % {"title": title})
        return redirect(back)


class ProductStockView(ProductEntryMixin, TemplateView):
    """Units on hand per SKU and warehouse; a stock change never sends a product back to review."""

    template_name = "supplier/product_stock.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(product_context(self.get_entry()))
        return context

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        form = forms.StockForm(request.POST)
        back = safe_next(request, self.detail_url())
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        values = form.cleaned_data
        try:
            total = services.stock_set(actor=request.user, entry=entry, sku=values["sku"],
                                       warehouse_code=values["warehouse"], on_hand=values["on_hand"])
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _t("%(sku)s in %(warehouse)s: %(on_hand)d on hand (%(total)d in all).")
                             % {"sku": values["sku"], "warehouse": values["warehouse"],
                                "on_hand": values["on_hand"], "total": total})
        return redirect(back)


# --- Spreadsheet import and export (supplier.spreadsheet does the work) ------------------------------------

IMPORT_SESSION_KEY = "supplier_import"


class ProductImportView(SupplierPortalMixin, TemplateView):
    """Upload → dry run listing every error (row, column, message) → "Import" writes it all or nothing."""

    template_name = "supplier/product_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supplier = self.membership.supplier
        context.update(formats=spreadsheet.FORMATS, max_mb=spreadsheet.MAX_FILE_BYTES // (1024 * 1024),
                       max_rows=spreadsheet.MAX_ROWS,
                       columns=spreadsheet.columns_for(
                           warehouse_codes=selectors.warehouse_codes(supplier=supplier),
                           attribute_codes={code for codes in selectors.product_attributes().values()
                                            for code in codes}))
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "apply":
            return self.apply(request)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _t("Choose a CSV or Excel (.xlsx) file first."))
            return self.render_to_response(self.get_context_data())
        self.discard_staged(request)
        report = spreadsheet.import_preview(supplier=self.membership.supplier, file=upload, filename=upload.name)
        token = self.stage(request, upload) if report.ok else ""
        return self.render_to_response(self.get_context_data(report=report, token=token))

    def stage(self, request, upload) -> str:
        token = uuid.uuid4().hex
        suffix = Path(upload.name).suffix.lower()
        upload.seek(0)
        imports.staged_uploads_prune()
        name = import_staging().save(f"{self.membership.supplier_id}-{token}{suffix}", upload)
        request.session[IMPORT_SESSION_KEY] = {"token": token, "name": name, "filename": upload.name,
                                               "supplier": self.membership.supplier_id}
        return token

    def discard_staged(self, request) -> None:
        staged = request.session.pop(IMPORT_SESSION_KEY, None)
        if staged:
            import_staging().delete(staged["name"])

    def apply(self, request):
        staged = request.session.get(IMPORT_SESSION_KEY)
        if (not staged or staged.get("token") != request.POST.get("token")
                or staged.get("supplier") != self.membership.supplier_id):
            messages.error(request, _t("That upload is no longer waiting; choose the file again."))
            return redirect("supplier:product-import")
        request.session.pop(IMPORT_SESSION_KEY)
        job = imports.import_job_start(actor=request.user, supplier=self.membership.supplier,
                                       staged_name=staged["name"], filename=staged["filename"])
        return redirect("supplier:import-job", pk=job.pk)


class ImportJobView(SupplierPortalMixin, TemplateView):
    """A running or finished import: a progress bar while it runs (polling `?format=json`), then the result."""

    template_name = "supplier/import_job.html"

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(scoped(ImportJob.objects.all(), scope=self.scope), pk=kwargs["pk"])
        state = imports.import_job_progress(job=job)
        if request.GET.get("format") == "json":
            return JsonResponse(state)
        return self.render_to_response(self.get_context_data(job=job, state=state))


class SpreadsheetDownloadView(SupplierPortalMixin, View):
    """The supplier's catalogue (`?format=csv|xlsx`), or the blank import template with `template = True`."""

    template = False

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format", "xlsx")
        if fmt not in spreadsheet.FORMATS:
            raise Http404(_t("Unknown format."))
        supplier = self.membership.supplier
        if self.template:
            data = spreadsheet.import_template(supplier=supplier, fmt=fmt)
        else:
            data = spreadsheet.export_catalogue(supplier=supplier, fmt=fmt)
        response = HttpResponse(data, content_type=spreadsheet.CONTENT_TYPES[fmt])
        filename = spreadsheet.download_filename(supplier=supplier, fmt=fmt, template=self.template)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
