"""Bulk import of a supplier's catalogue from a spreadsheet: a dry run listing every error, then one write.

Rows with the same product_ref are the variants of one product. A row whose
SKU the supplier already uses updates the product that SKU belongs to (so
export → edit → import works); a product_ref with only new SKUs creates a
product. An import adds and changes, it never deletes: variants of an
existing product that the file leaves out are kept. Products the file
leaves exactly as they are are not written at all.

Every check runs before anything is written; the write goes through
services.product_create/product_update, so an import follows the same rules
(review, audit) as the portal's form.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from onboarding.selectors import effective_plan, plan_allows_more_products
from parties.locking import lock_rows
from parties.models import Supplier
from supplier import selectors, services
from supplier.catalogue_input import ProductInput, VariantInput, parse_attribute, parse_money, parse_quantity
from supplier.models import SupplierProduct
from supplier.spreadsheet.exporter import CurrentProduct, current_catalogue
from supplier.spreadsheet.search import search_index_deferred
from supplier.spreadsheet.tables import (
    ATTRIBUTE_PREFIX,
    BASE_COLUMNS,
    PRICE_COLUMNS,
    PRODUCT_COLUMNS,
    STOCK_PREFIX,
    FileProblem,
    Table,
    read_table,
)

Progress = Callable[[int, int], None]
MAX_VARIANT_NAME = 255  # a variant is an oscar child product; its name is the child's title


@dataclass(frozen=True)
class RowError:
    """One problem, located as the supplier sees the spreadsheet: row 1 is the header."""

    row: int | None  # None: the file as a whole (too big, not UTF-8, not a workbook)
    column: str  # "" when no single column is at fault
    message: str


@dataclass
class ImportReport:
    """What a file would do (dry run) or did (after `import_apply` with `applied` true)."""

    filename: str
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0  # data rows read (blank rows are skipped)
    products: int = 0  # distinct product_refs
    skus: int = 0  # rows with a SKU
    new_products: int = 0
    updated_products: int = 0
    unchanged_products: int = 0  # in the file exactly as they are now: not written
    new_skus: int = 0  # SKUs the supplier did not use yet
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """Plain JSON-ready data, e.g. for a progress message over the websocket."""
        return {**asdict(self), "ok": self.ok}


@dataclass
class _Group:
    """The rows of one product_ref and what they say about that product."""

    ref: str
    product_cells: tuple  # the product-level columns as the first row has them
    data: ProductInput
    rows: list[int] = field(default_factory=list)  # spreadsheet row of each variant in data.variants
    current: CurrentProduct | None = None  # the existing product the SKUs point at
    failed: bool = False
    changed: bool = True


@dataclass
class _Plan:
    report: ImportReport
    groups: list[_Group] = field(default_factory=list)
    lookups: services.Lookups | None = None


class _Rollback(Exception):
    def __init__(self, report: ImportReport):
        self.report = report


def import_preview(*, supplier: Supplier, file, filename: str) -> ImportReport:
    """The dry run: read and check the whole file, write nothing, report every error and what would change."""
    return _plan(supplier=supplier, file=file, filename=filename).report


def import_apply(*, actor, supplier: Supplier, file, filename: str, progress: Progress | None = None) -> ImportReport:
    """Check the whole file; with no error, write every product in one transaction, else write nothing.

    `progress(done, total)` is called as products are written (total counts only new and changed ones).
    """
    try:
        with transaction.atomic():
            lock_rows(Supplier.objects.filter(pk=supplier.pk))  # one import per supplier at a time
            plan = _plan(supplier=supplier, file=file, filename=filename)
            if plan.report.errors:
                return plan.report
            with search_index_deferred():
                _write(plan, actor=actor, supplier=supplier, progress=progress)
            report = plan.report
            report.applied = True
            audit_record(action="catalogue.import", actor=actor, target=supplier, changes={
                "filename": filename, "new_products": report.new_products,
                "updated_products": report.updated_products, "new_skus": report.new_skus})
            return report
    except _Rollback as rollback:
        return rollback.report


def _write(plan: _Plan, *, actor, supplier: Supplier, progress: Progress | None) -> None:
    work = [group for group in plan.groups if group.changed]
    total = len(work)
    step = max(1, min(50, total // 20))
    entries = SupplierProduct.objects.in_bulk([group.current.entry_id for group in work if group.current])
    taken = selectors.skus_of(supplier=supplier)
    if progress:
        progress(0, total)
    for done, group in enumerate(work, start=1):
        try:
            if group.current is None:
                services.product_create(actor=actor, supplier=supplier, data=group.data, lookups=plan.lookups,
                                        taken_skus=taken)
            else:
                services.product_update(actor=actor, entry=entries[group.current.entry_id], data=group.data,
                                        lookups=plan.lookups)
        except services.CatalogueInputError as refused:  # the catalogue changed since the checks ran
            plan.report.errors.extend(_located(group, refused.errors))
            plan.report.applied = False
            raise _Rollback(plan.report) from refused
        if progress and (done % step == 0 or done == total):
            progress(done, total)


# --- reading and checking ---------------------------------------------------------------------------------------


def _plan(*, supplier: Supplier, file, filename: str) -> _Plan:
    plan = _Plan(report=ImportReport(filename=filename))
    report = plan.report
    try:
        table = read_table(file=file, filename=filename)
    except FileProblem as problem:
        report.errors.append(RowError(None, "", problem.message))
        return plan
    plan.lookups = services.Lookups(supplier=supplier)
    attribute_codes = {code for codes in plan.lookups.attributes.values() for code in codes}
    header_error = _header_error(table, warehouses=set(plan.lookups.warehouses), attribute_codes=attribute_codes)
    if header_error:
        report.errors.append(header_error)
        return plan
    errors: dict[tuple[int, str], RowError] = {}  # one message per cell: the first found is the most specific

    def add(row: int, column: str, message: str) -> None:
        errors.setdefault((row, column), RowError(row, column, message))

    plan.groups = _group_rows(table, report=report, add=add)
    catalogue = current_catalogue(supplier=supplier)
    _match_existing(plan.groups, catalogue=catalogue, add=add)
    existing_skus = {variant.sku for product in catalogue for variant in product.data.variants}
    report.products = len(plan.groups)
    report.new_skus = len({variant.sku for group in plan.groups for variant in group.data.variants
                           if variant.sku and variant.sku not in existing_skus})
    for group in plan.groups:
        if group.failed:
            continue
        for error in _located(group, plan.lookups.errors(group.data, taken_skus=set())):
            add(error.row, error.column, error.message)
    failed_rows = {row for row, _column in errors}
    for group in plan.groups:
        if group.failed or failed_rows.intersection(group.rows):
            continue
        if group.current is None:
            report.new_products += 1
        elif _same(group.data, group.current.data,
                   attributes=plan.lookups.attributes.get(group.data.product_class, {})):
            group.changed = False
            report.unchanged_products += 1
        else:
            report.updated_products += 1
    report.errors = sorted(errors.values(), key=lambda e: (e.row or 0, _column_order(e.column, table.header)))
    if report.new_products and not plan_allows_more_products(supplier=supplier, adding=report.new_products,
                                                             current=len(catalogue)):
        plan_limit = effective_plan(party=supplier)
        report.errors.insert(0, RowError(None, "", _(
            "Your plan “%(plan)s” allows %(max)s products; you have %(count)s and this file adds %(new)s. Ask the "
            "operator for a larger plan, or import fewer new products.") % {
                "plan": plan_limit, "max": plan_limit.max_products, "count": len(catalogue),
                "new": report.new_products}))
    return plan


def _column_order(column: str, header: list[str]) -> int:
    return header.index(column) if column in header else len(header)


def _header_error(table: Table, *, warehouses: set[str], attribute_codes: set[str]) -> RowError | None:
    """One error naming every missing, unknown, unnamed or repeated column; None when the header is right."""
    header = table.header
    missing = [name for name in BASE_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in BASE_COLUMNS and not name.startswith(STOCK_PREFIX)
               and not (name.startswith(ATTRIBUTE_PREFIX) and name[len(ATTRIBUTE_PREFIX):] in attribute_codes)]
    no_warehouse = [name for name in header if name.startswith(STOCK_PREFIX) and name[len(STOCK_PREFIX):]
                    not in warehouses]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    unnamed = [str(position) for position, name in enumerate(header, start=1) if not name]
    if not (missing or unknown or no_warehouse or twice or unnamed):
        return None
    parts = [_("The header row does not match the template.")]
    if missing:
        parts.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if unknown:
        parts.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if no_warehouse:
        parts.append(_("Stock columns for warehouses you do not have: %(names)s (your warehouse codes: "
                       "%(codes)s).") % {"names": ", ".join(no_warehouse),
                                         "codes": ", ".join(sorted(warehouses)) or "—"})
    if twice:
        parts.append(_("Columns that appear twice: %(names)s.") % {"names": ", ".join(twice)})
    if unnamed:
        parts.append(_("Columns without a name: number %(numbers)s.") % {"numbers": ", ".join(unnamed)})
    parts.append(_("Download the template to see the expected columns."))
    return RowError(table.header_row, ", ".join(missing + unknown + no_warehouse + twice), " ".join(parts))


def _category(raw: str) -> str:
    """"Tea>Green tea" and "Tea > Green tea " name the same category."""
    return " > ".join(part.strip() for part in raw.split(">")) if raw.strip() else ""


def _tags(raw: str) -> tuple[str, ...]:
    """"hot, new" and "new,hot" are the same tags."""
    return tuple(sorted({code.strip() for code in raw.split(",") if code.strip()}))


def _description(raw: str) -> str:
    return raw.replace("\r\n", "\n").strip()


def _group_rows(table: Table, *, report: ImportReport, add) -> list[_Group]:
    """Parse every row into the variants of its product_ref; note cell-level errors as they are found."""
    index = {name: position for position, name in enumerate(table.header)}
    stock_columns = [(name, name[len(STOCK_PREFIX):]) for name in table.header if name.startswith(STOCK_PREFIX)]
    attribute_columns = [(name, name[len(ATTRIBUTE_PREFIX):]) for name in table.header
                         if name.startswith(ATTRIBUTE_PREFIX)]
    width = len(table.header)
    groups: dict[str, _Group] = {}
    sku_rows: dict[str, int] = {}
    for number, cells in table.rows:
        report.rows += 1

        def cell(name: str, cells=cells) -> str:
            position = index[name]
            return cells[position] if position < len(cells) else ""

        if any(value.strip() for value in cells[width:]):
            add(number, "", _("This row has more cells than the header has columns."))
        ref = cell("product_ref").strip()
        if not ref:
            add(number, "product_ref", _("product_ref is required: rows with the same product_ref are the "
                                         "variants of one product."))
            continue
        product_cells = (cell("title").strip(), _description(cell("description")), _category(cell("category")),
                         cell("product_class").strip(), _tags(cell("tags")))
        group = groups.get(ref)
        if group is None:
            title, description, category, product_class, tags = product_cells
            if not product_class:
                add(number, "product_class", _("Product type is required."))
            group = groups[ref] = _Group(ref=ref, product_cells=product_cells, data=ProductInput(
                title=title, description=description, category=category, product_class=product_class,
                tags=list(tags)))
        else:
            for column, mine, first in zip(PRODUCT_COLUMNS, product_cells, group.product_cells, strict=True):
                if mine != first:
                    add(number, column, _("Differs from row %(row)s of the same product_ref “%(ref)s”; title, "
                                          "description, category, product_class and tags must be the same on "
                                          "every row of a product.") % {"row": group.rows[0], "ref": ref})
        sku = cell("sku").strip()
        if sku:
            report.skus += 1
            if sku in sku_rows:
                add(number, "sku", _("SKU “%(sku)s” is also on row %(row)s; every row needs its own SKU.")
                    % {"sku": sku, "row": sku_rows[sku]})
            else:
                sku_rows[sku] = number
        prices = {}
        for column in PRICE_COLUMNS:
            try:
                prices[column] = parse_money(cell(column))
            except ValueError as problem:
                prices[column] = None
                add(number, column, _("%(column)s %(problem)s.") % {"column": column, "problem": problem})
        stock = {}
        for column, code in stock_columns:
            try:
                stock[code] = parse_quantity(cell(column))
            except ValueError as problem:
                add(number, column, _("%(column)s %(problem)s.") % {"column": column, "problem": problem})
        label = cell("variant").strip()
        if len(label) > MAX_VARIANT_NAME:
            add(number, "variant", _("Variant name is longer than %(max)s characters.") % {"max": MAX_VARIANT_NAME})
        attributes = {code: cell(column).strip() for column, code in attribute_columns}  # checked with the product
        group.data.variants.append(VariantInput(sku=sku, label=label, stock=stock, attributes=attributes, **prices))
        group.rows.append(number)
    return list(groups.values())


def _match_existing(groups: list[_Group], *, catalogue: list[CurrentProduct], add) -> None:
    """Point each product_ref at the existing product its SKUs belong to, or at none (a new product)."""
    owner = {variant.sku: product for product in catalogue for variant in product.data.variants}
    claimed: dict[int, tuple[_Group, int]] = {}
    for group in groups:
        hits = [(row, variant.sku, owner[variant.sku]) for row, variant in zip(group.rows, group.data.variants,
                                                                               strict=True)
                if variant.sku in owner]
        if not hits:
            continue
        first_row, first_sku, target = hits[0]
        for row, sku, product in hits[1:]:
            if product.entry_id != target.entry_id:
                add(row, "sku", _("SKU “%(sku)s” belongs to your product “%(title)s”, but SKU “%(first)s” on row "
                                  "%(row)s belongs to “%(first_title)s”; the rows of one product_ref must not "
                                  "mix SKUs of different products.")
                    % {"sku": sku, "title": product.data.title, "first": first_sku, "row": first_row,
                       "first_title": target.data.title})
                group.failed = True
        if group.failed:
            continue
        if target.entry_id in claimed:
            other, other_row = claimed[target.entry_id]
            add(first_row, "product_ref", _("SKU “%(sku)s” belongs to your product “%(title)s”, which product_ref "
                                            "“%(other)s” (row %(row)s) already updates; put all rows of one "
                                            "product under one product_ref.")
                % {"sku": first_sku, "title": target.data.title, "other": other.ref, "row": other_row})
            group.failed = True
            continue
        claimed[target.entry_id] = (group, first_row)
        group.current = target
        _merge_current(group)
        wants_parent = len(group.data.variants) > 1 or bool(group.data.variants[0].label)
        if wants_parent != target.is_parent:
            add(group.rows[0], "variant", _("Product “%(title)s” (SKU “%(sku)s”) %(structure)s; a product keeps "
                                            "or lacks variants for good, so create a new product instead.")
                % {"title": target.data.title, "sku": first_sku,
                   "structure": _("has variants, so every row needs a variant name") if target.is_parent
                   else _("has no variants, so its row has no variant name and no other rows")})
            group.failed = True


def _merge_current(group: _Group) -> None:
    """Keep the variants the file leaves out, and the stored description when only its line endings differ."""
    current = group.current.data
    in_file = {variant.sku for variant in group.data.variants}
    group.data.variants.extend(variant for variant in current.variants if variant.sku not in in_file)
    if _description(current.description) == group.data.description:
        group.data.description = current.description


def _same(wanted: ProductInput, current: ProductInput, *, attributes) -> bool:
    """True when writing `wanted` would change nothing (stock and attributes compared only for the columns in the
    file; `attributes` are the product type's, by code)."""
    if (wanted.title, wanted.description, wanted.category, wanted.product_class, sorted(wanted.tags)) != (
            current.title, current.description, current.category, current.product_class, sorted(current.tags)):
        return False
    now = {variant.sku: variant for variant in current.variants}
    if set(now) != {variant.sku for variant in wanted.variants}:
        return False
    for variant in wanted.variants:
        before = now[variant.sku]
        if (variant.label, variant.wholesale_price, variant.suggested_retail_price, variant.min_retail_price) != (
                before.label, before.wholesale_price, before.suggested_retail_price, before.min_retail_price):
            return False
        if any(before.stock.get(code, 0) != units for code, units in variant.stock.items()):
            return False
        for code, raw in variant.attributes.items():
            attribute = attributes.get(code)
            if attribute is not None and (parse_attribute(attribute.type, raw)
                                          != parse_attribute(attribute.type, before.attributes.get(code))):
                return False
    return True


def _located(group: _Group, errors) -> list[RowError]:
    """Catalogue errors (column, variant index) placed on the spreadsheet row they are about."""
    located = []
    for error in errors:
        if error.variant is not None and error.variant < len(group.rows):
            row = group.rows[error.variant]
        elif error.column == "variant":
            unnamed = [row for row, variant in zip(group.rows, group.data.variants, strict=False)
                       if not variant.label]
            row = unnamed[0] if unnamed else group.rows[0]
        else:
            row = group.rows[0]
        located.append(RowError(row, error.column, error.message))
    return located
