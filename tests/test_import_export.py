"""Catalogue spreadsheets: template, dry run, all-or-nothing import, export round trip, and the two commands."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from oscar.core.loading import get_model

from audit.models import AuditEvent
from parties.models import Supplier
from supplier import services
from supplier.models import ReviewEvent, ReviewState, SupplierProduct, WarehouseStock
from supplier.spreadsheet import (
    MAX_FILE_BYTES,
    columns_for,
    export_catalogue,
    import_apply,
    import_preview,
    import_template,
)

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")

HEADER = columns_for(warehouse_codes=["hz", "sh"])
TEA_HEADER = columns_for(warehouse_codes=["hz", "sh"], attribute_codes=["origin", "harvest_year"])  # template, export


@pytest.fixture
def tea(demo):
    return Supplier.objects.get(slug="green-leaf-tea")


@pytest.fixture
def owner(demo):
    return get_user_model().objects.get(email="supplier@demo.test")


def row(**values) -> dict:
    """One valid row of a new standalone product; keyword arguments change cells (stock_hz → stock:hz)."""
    cells = {"product_ref": "NEW-1", "title": "Imported Longjing", "description": "Picked in April.",
             "category": "Tea > Green tea", "product_class": "Tea", "tags": "new", "sku": "IMP-1", "variant": "",
             "wholesale_price": "10.00", "suggested_retail_price": "20.00", "min_retail_price": "15.00",
             "stock:hz": "5", "stock:sh": "7"}
    for key, value in values.items():
        cells[key.replace("stock_", "stock:")] = value
    return cells


def as_csv(rows: list[dict], header=HEADER, bom=True) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for cells in rows:
        writer.writerow([cells.get(name, "") for name in header])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def errors_of(report) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in report.errors]


def catalogue_state(supplier) -> dict:
    """Everything a supplier or the review queue would notice changing, per SKU and per product."""
    skus = {
        sr.partner_sku: (sr.product.title, sr.wholesale_price, sr.price, sr.min_retail_price, sr.num_in_stock,
                         tuple(sorted(sr.warehouse_stock.values_list("warehouse__code", "on_hand"))),
                         tuple(sorted((v.attribute.code, v.value) for v in sr.product.attribute_values.all())))
        for sr in StockRecord.objects.filter(partner_id=supplier.partner_id).select_related("product")
    }
    products = {
        e.pk: (e.product.title, e.product.description, e.state, e.on_shelf, e.updated_at, e.history.count(),
               sorted(e.tags.values_list("code", flat=True)))
        for e in SupplierProduct.objects.filter(supplier=supplier).select_related("product")
    }
    return {"skus": skus, "products": products}


def entry_of(sku: str, supplier) -> SupplierProduct:
    record = StockRecord.objects.select_related("product").get(partner_id=supplier.partner_id, partner_sku=sku)
    product = record.product.parent or record.product
    return SupplierProduct.objects.get(product=product)


# --- template -----------------------------------------------------------------------------------------------------


def test_template_has_the_suppliers_warehouse_columns_and_an_example_that_imports(tea):
    rows = read_csv(import_template(supplier=tea, fmt="csv"))
    assert list(rows[0]) == [*TEA_HEADER] == [*HEADER, "attr:harvest_year", "attr:origin"]
    assert len(rows) == 1 and rows[0]["category"] == "Tea > Green tea" and rows[0]["stock:hz"] == "10"

    sheet = openpyxl.load_workbook(io.BytesIO(import_template(supplier=tea, fmt="xlsx"))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == TEA_HEADER and len(values) == 2

    grain = Supplier.objects.get(slug="golden-grain")
    assert read_csv(import_template(supplier=grain, fmt="csv"))[0].keys() >= {"stock:zz"}

    for fmt in ("csv", "xlsx"):
        report = import_preview(supplier=tea, file=import_template(supplier=tea, fmt=fmt), filename=f"t.{fmt}")
        assert report.ok, report.errors
        assert (report.new_products, report.skus) == (1, 1)


# --- a good import --------------------------------------------------------------------------------------------------


def test_csv_import_creates_products_with_variants_prices_and_warehouse_stock(tea, owner):
    data = as_csv([
        row(product_ref="PU", title="Pu'er Cake", category="Tea > Black tea", tags="new, hot", sku="PU-357",
            variant="357 g cake", wholesale_price="120", suggested_retail_price="199.00",
            min_retail_price="150.5", stock_hz="3", stock_sh=""),
        row(product_ref="PU", title="Pu'er Cake", category="Tea > Black tea", tags="hot,new", sku="PU-100",
            variant="100 g brick", wholesale_price="40.00", suggested_retail_price="66.00",
            min_retail_price="50.00", stock_hz="12", stock_sh="8"),
        row(),
    ], bom=False)
    report = import_apply(actor=owner, supplier=tea, file=data, filename="new.csv")

    assert report.applied and report.ok
    assert (report.rows, report.products, report.new_products, report.new_skus) == (3, 2, 2, 3)
    cake = entry_of("PU-357", tea)
    assert cake.state == ReviewState.DRAFT and cake.product.is_parent
    assert cake.product.title == "Pu'er Cake"
    assert [c.full_name for c in cake.product.categories.all()] == ["Tea > Black tea"]
    assert sorted(cake.tags.values_list("code", flat=True)) == ["hot", "new"]
    assert sorted(cake.product.children.values_list("title", flat=True)) == ["100 g brick", "357 g cake"]
    record = StockRecord.objects.get(partner_sku="PU-357")
    assert (record.wholesale_price, record.price, record.min_retail_price) == (
        Decimal("120.00"), Decimal("199.00"), Decimal("150.50"))
    assert record.num_in_stock == 3
    brick = StockRecord.objects.get(partner_sku="PU-100")
    assert dict(brick.warehouse_stock.values_list("warehouse__code", "on_hand")) == {"hz": 12, "sh": 8}
    assert brick.num_in_stock == 20
    single = entry_of("IMP-1", tea)
    assert not single.product.is_parent and single.product.stockrecords.get().partner_sku == "IMP-1"
    assert cake.history.filter(action=ReviewEvent.Action.CREATED, actor=owner).exists()
    assert AuditEvent.objects.filter(action="catalogue.import", actor=owner, target_id=str(tea.pk)).exists()


def test_xlsx_import_reads_numbers_as_excel_stores_them(tea, owner):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["XL", "Excel Oolong", "", "Tea > Oolong", "Tea", "", "XL-1", "", 68, 108.8, 81.6, 4, 0])
    sheet.append([])  # blank rows are skipped, and row numbers still match what Excel shows
    sheet.append(["XL2", "Excel Green", "", "Tea > Green tea", "Tea", "promotion", 12345, "", 10.5, 30, "abc",
                  1.5, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = import_preview(supplier=tea, file=buffer.getvalue(), filename="upload.XLSX")
    assert errors_of(preview) == [
        (4, "min_retail_price", "min_retail_price “abc” is not a price."),
        (4, "stock:hz", "stock:hz must be a whole number of zero or more."),
    ]
    sheet.delete_rows(4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_apply(actor=owner, supplier=tea, file=buffer, filename="upload.xlsx")
    assert report.applied, report.errors
    record = StockRecord.objects.get(partner_sku="XL-1")
    assert (record.wholesale_price, record.price, record.min_retail_price, record.num_in_stock) == (
        Decimal("68.00"), Decimal("108.80"), Decimal("81.60"), 4)


def test_dry_run_reports_what_would_change_and_writes_nothing(tea):
    before = catalogue_state(tea)
    exported = read_csv(export_catalogue(supplier=tea, fmt="csv"))
    for cells in exported[:3]:
        cells["title"] = "West Lake Longjing, spring"
    report = import_preview(supplier=tea, file=as_csv([*exported, row()]), filename="plan.csv")

    assert report.ok and not report.applied
    assert (report.new_products, report.updated_products, report.unchanged_products) == (1, 1, 20)
    assert (report.products, report.skus, report.new_skus) == (22, 36, 1)  # the demo has 35 SKUs
    assert catalogue_state(tea) == before


# --- bad input: a clear message and nothing written ------------------------------------------------------------------


def _longjing(**values):
    return row(product_ref="GLT-001-1", **values)


BAD_ROWS = {
    "zero price": ([row(wholesale_price="0")], (2, "wholesale_price", "wholesale_price must be more than zero.")),
    "negative price": ([row(suggested_retail_price="-5")],
                       (2, "suggested_retail_price", "suggested_retail_price must be more than zero.")),
    "three decimals": ([row(wholesale_price="10.005")],
                       (2, "wholesale_price", "wholesale_price has more than two decimals.")),
    "floor below wholesale": ([row(wholesale_price="12.00", min_retail_price="11.99")],
                              (2, "min_retail_price",
                               "The retail floor (11.99) is below the wholesale price (12.00).")),
    "duplicate SKU in the file": ([row(), row(product_ref="NEW-2", sku="IMP-1")],
                                  (3, "sku", "SKU “IMP-1” is also on row 2; every row needs its own SKU.")),
    "unknown category": ([row(category="Tea > Coffee")], (2, "category", "Unknown category “Tea > Coffee”.")),
    "unknown product type": ([row(product_class="Wine")], (2, "product_class", "Unknown product type “Wine”.")),
    "unknown tag": ([row(tags="new,cheap")], (2, "tags", "Unknown tag “cheap”.")),
    "no product type": ([row(product_class="")], (2, "product_class", "Product type is required.")),
    "variant name too long": ([row(variant="x" * 256)],
                              (2, "variant", "Variant name is longer than 255 characters.")),
    "non-numeric stock": ([row(stock_sh="lots")], (2, "stock:sh", "stock:sh “lots” is not a whole number.")),
    "negative stock": ([row(stock_hz="-1")], (2, "stock:hz", "stock:hz must be a whole number of zero or more.")),
    "missing product_ref": ([row(product_ref="")], (2, "product_ref", "product_ref is required: rows with the "
                                                                      "same product_ref are the variants of one "
                                                                      "product.")),
    "product columns differ between rows": (
        [row(variant="50 g"), row(sku="IMP-2", variant="100 g", category="Tea > Oolong")],
        (3, "category", "Differs from row 2 of the same product_ref “NEW-1”; title, description, category, "
                        "product_class and tags must be the same on every row of a product.")),
    "variant without a name": ([row(variant="50 g"), row(sku="IMP-2")],
                               (3, "variant", "Every variant of a product with several SKUs needs a name.")),
    "SKUs of two of your products under one product_ref": (
        [_longjing(sku="GLT-001-1", variant="50 g tin"), _longjing(sku="GLT-002-1", variant="50 g")],
        (3, "sku", "SKU “GLT-002-1” belongs to your product “Biluochun Spring Pick”, but SKU “GLT-001-1” on row 2 "
                   "belongs to “West Lake Longjing”; the rows of one product_ref must not mix SKUs of different "
                   "products.")),
    "one product under two product_refs": (
        [_longjing(sku="GLT-001-1", variant="50 g tin"), row(product_ref="OTHER", sku="GLT-001-2", variant="x")],
        (3, "product_ref", "SKU “GLT-001-2” belongs to your product “West Lake Longjing”, which product_ref "
                           "“GLT-001-1” (row 2) already updates; put all rows of one product under one "
                           "product_ref.")),
    "variants added to a product without variants": (
        [row(product_ref="L", title="Lu'an Guapian", sku="GLT-005-1", variant="50 g"),
         row(product_ref="L", title="Lu'an Guapian", sku="GLT-005-2", variant="100 g")],
        (2, "variant", "Product “Lu'an Guapian” (SKU “GLT-005-1”) has no variants, so its row has no variant name "
                       "and no other rows; a product keeps or lacks variants for good, so create a new product "
                       "instead.")),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_written(case, tea, owner):
    rows, expected = BAD_ROWS[case]
    before = catalogue_state(tea)
    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows), filename="bad.csv")
    assert not report.applied
    assert expected in errors_of(report), errors_of(report)
    assert catalogue_state(tea) == before


@pytest.mark.parametrize("header, named", [
    ([c for c in HEADER if c not in {"sku", "variant"}] + ["price"],
     "Missing columns: sku, variant. Unknown columns: price."),
    ([*HEADER, "stock:gz"],
     "Stock columns for warehouses you do not have: stock:gz (your warehouse codes: hz, sh)."),
    ([*HEADER, "title"], "Columns that appear twice: title."),
])
def test_wrong_columns_give_one_file_level_error_naming_them(header, named, tea):
    report = import_preview(supplier=tea, file=as_csv([row(price="1", stock_gz="1")], header=header),
                            filename="cols.csv")
    [error] = report.errors
    assert error.row == 1
    assert named in error.message and "Download the template" in error.message


def test_header_is_matched_without_regard_to_case_order_or_missing_warehouses(tea, owner):
    header = ["SKU", "Product_Ref", *[c for c in HEADER if c not in {"sku", "product_ref", "stock:sh"}]]
    cells = row()
    cells.update(SKU="IMP-1", Product_Ref="NEW-1")
    report = import_apply(actor=owner, supplier=tea, file=as_csv([cells], header=header), filename="x.csv")
    assert report.applied, report.errors
    assert dict(StockRecord.objects.get(partner_sku="IMP-1").warehouse_stock.values_list(
        "warehouse__code", "on_hand")) == {"hz": 5}


@pytest.mark.parametrize("data, filename, message", [
    ("product_ref,title\nCafé,x\n".encode("latin-1"), "products.csv", "The file is not UTF-8 text"),
    (b"PK\x03\x04 definitely not a workbook", "products.xlsx", "not a readable Excel workbook"),
    (b"a,b\n", "products.txt", "Upload a .csv or .xlsx file"),
    (b"", "products.csv", "The file is empty"),
    (b"x" * (MAX_FILE_BYTES + 1), "products.csv", "larger than 20 MB"),
])
def test_unreadable_files_get_one_clear_message(data, filename, message, tea):
    report = import_preview(supplier=tea, file=data, filename=filename)
    [error] = report.errors
    assert error.row is None and message in error.message


def test_more_than_100000_rows_is_refused_before_checking_them(tea):
    data = as_csv([row(product_ref=f"P{n}", sku=f"S{n}") for n in range(100_001)])
    report = import_preview(supplier=tea, file=data, filename="huge.csv")
    assert [e.message for e in report.errors] == [
        "The file has more than 100,000 rows; split it into several files."]


def test_a_long_file_lists_every_bad_row_and_writes_none(tea, owner):
    rows = [row(product_ref=f"P{n:03d}", sku=f"BULK-{n:03d}", title=f"Bulk tea {n}") for n in range(300)]
    rows[7]["wholesale_price"] = "free"
    rows[150]["category"] = "Tea > Nope"
    rows[298]["sku"] = "BULK-000"
    rows[299]["min_retail_price"] = "1.00"
    before = SupplierProduct.objects.count()

    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows), filename="bulk.csv")

    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [
        (9, "wholesale_price"), (152, "category"), (300, "sku"), (301, "min_retail_price")]
    assert SupplierProduct.objects.count() == before
    assert not StockRecord.objects.filter(partner_sku__startswith="BULK-").exists()


def test_plan_limit_counts_the_new_products_of_the_file(demo):
    home = Supplier.objects.get(slug="blue-river-home")  # basic plan: 100 products, the demo has 21
    header = columns_for(warehouse_codes=home.warehouses.values_list("code", flat=True))
    rows = [row(product_ref=f"H{n}", sku=f"H-{n}", category="Home > Kitchen", product_class="Homeware")
            for n in range(80)]
    report = import_preview(supplier=home, file=as_csv(rows, header=header), filename="home.csv")
    assert [e.message for e in report.errors] == [
        "Your plan “Basic” allows 100 products; you have 21 and this file adds 80. Ask the operator for a larger "
        "plan, or import fewer new products."]
    assert import_preview(supplier=home, file=as_csv(rows[:79], header=header), filename="home.csv").ok


# --- updates, review and the round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_unchanged_changes_nothing(fmt, tea, owner):
    before = catalogue_state(tea)
    data = export_catalogue(supplier=tea, fmt=fmt)
    report = import_apply(actor=owner, supplier=tea, file=data, filename=f"catalogue.{fmt}")
    assert report.applied and report.ok
    assert (report.unchanged_products, report.new_products, report.updated_products) == (21, 0, 0)
    assert report.skus == len(before["skus"]) == 35
    assert catalogue_state(tea) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_title_that_looks_like_a_formula_is_exported_as_text_and_imports_back_unchanged(fmt, tea, owner):
    sneaky = '=HYPERLINK("http://evil.test","Click")'
    import_apply(actor=owner, supplier=tea, file=as_csv([row(title=sneaky, variant="-5 g")]), filename="new.csv")
    data = export_catalogue(supplier=tea, fmt=fmt)
    if fmt == "csv":
        exported = [r for r in read_csv(data) if r["sku"] == "IMP-1"][0]
        assert (exported["title"], exported["wholesale_price"]) == ("'" + sneaky, "10.00")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        header = [cell.value for cell in sheet[1]]
        [cells] = [r for r in sheet.iter_rows(min_row=2) if r[header.index("sku")].value == "IMP-1"]
        title = cells[header.index("title")]
        assert (title.value, title.data_type) == (sneaky, "s")  # text in Excel, not a formula it would run
    report = import_apply(actor=owner, supplier=tea, file=data, filename=f"catalogue.{fmt}")
    assert report.applied and (report.new_products, report.updated_products) == (0, 0)
    assert entry_of("IMP-1", tea).product.title == sneaky


def test_export_lists_every_sku_with_prices_and_stock_in_import_columns(tea):
    rows = read_csv(export_catalogue(supplier=tea, fmt="csv"))
    assert list(rows[0]) == TEA_HEADER
    longjing = [r for r in rows if r["product_ref"] == "GLT-001-1"]
    assert [r["variant"] for r in longjing] == ["50 g tin", "125 g tin", "250 g gift box"]
    record = StockRecord.objects.get(partner_sku="GLT-001-2")
    stock = dict(record.warehouse_stock.values_list("warehouse__code", "on_hand"))
    assert {k: longjing[1][k] for k in (
        "sku", "wholesale_price", "min_retail_price", "stock:hz", "stock:sh")} == {
        "sku": "GLT-001-2", "wholesale_price": str(record.wholesale_price),
        "min_retail_price": str(record.min_retail_price), "stock:hz": str(stock.get("hz", 0)),
        "stock:sh": str(stock.get("sh", 0))}
    assert not any(r["sku"].startswith("GGF-") for r in rows)  # another supplier's goods never leak in


def test_stock_only_change_keeps_an_approved_product_approved(tea, owner):
    longjing = entry_of("GLT-001-1", tea)
    assert longjing.state == ReviewState.APPROVED and longjing.product.is_public
    rows = read_csv(export_catalogue(supplier=tea, fmt="csv"))
    rows[0]["stock:hz"] = "250"
    rows[1]["suggested_retail_price"] = "299.00"  # not reviewed either

    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows), filename="stock.csv")

    assert report.applied and (report.updated_products, report.unchanged_products) == (1, 20)
    longjing.refresh_from_db()
    assert longjing.state == ReviewState.APPROVED and longjing.product.is_public
    record = StockRecord.objects.get(partner_sku="GLT-001-1")
    assert WarehouseStock.objects.get(stockrecord=record, warehouse__code="hz").on_hand == 250
    assert record.num_in_stock == 250 + int(rows[0]["stock:sh"])
    assert StockRecord.objects.get(partner_sku="GLT-001-2").price == Decimal("299.00")


def test_changing_the_retail_floor_sends_an_approved_product_back_to_review(tea, owner):
    rows = read_csv(export_catalogue(supplier=tea, fmt="csv"))
    rows[2]["min_retail_price"] = "220.00"

    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows), filename="floor.csv")

    assert report.applied and report.updated_products == 1
    longjing = entry_of("GLT-001-3", tea)
    assert longjing.state == ReviewState.SUBMITTED and not longjing.product.is_public
    event = longjing.history.first()
    assert event.action == ReviewEvent.Action.RESUBMITTED
    assert event.changes == [{"field": "sku GLT-001-3", "before": {"name": "250 g gift box",
                                                                  "min_retail_price": "212.16"},
                              "after": {"name": "250 g gift box", "min_retail_price": "220.00"}}]


def test_import_adds_a_variant_and_keeps_the_ones_the_file_leaves_out(tea, owner):
    longjing = entry_of("GLT-001-1", tea)
    rows = [r for r in read_csv(export_catalogue(supplier=tea, fmt="csv")) if r["product_ref"] == "GLT-001-1"]
    new_variant = dict(rows[0], sku="GLT-001-4", variant="500 g sack", wholesale_price="300.00",
                       suggested_retail_price="480.00", min_retail_price="360.00")

    report = import_apply(actor=owner, supplier=tea, file=as_csv([rows[0], new_variant]), filename="add.csv")

    assert report.applied and (report.updated_products, report.new_skus) == (1, 1)
    assert sorted(longjing.product.children.values_list("title", flat=True)) == [
        "125 g tin", "250 g gift box", "50 g tin", "500 g sack"]
    assert entry_of("GLT-001-4", tea).pk == longjing.pk


def test_a_supplier_imports_only_into_its_own_catalogue(tea, owner):
    grain = Supplier.objects.get(slug="golden-grain")
    tea_before = catalogue_state(tea)
    header = columns_for(warehouse_codes=grain.warehouses.values_list("code", flat=True))
    hijack = row(product_ref="X", title="Hijacked", sku="GLT-001-1", category="Food > Grains",
                 product_class="Food", tags="")
    report = import_apply(actor=owner, supplier=grain, file=as_csv([hijack], header=header), filename="g.csv")

    assert report.applied and report.new_products == 1  # a SKU is the supplier's own: grain gets its own product
    assert catalogue_state(tea) == tea_before
    assert entry_of("GLT-001-1", grain).supplier == grain
    assert "stock:hz" not in read_csv(export_catalogue(supplier=grain, fmt="csv"))[0]


def test_progress_is_reported_while_writing(tea, owner):
    calls = []
    rows = [row(product_ref=f"P{n}", sku=f"PR-{n}") for n in range(30)]
    import_apply(actor=owner, supplier=tea, file=as_csv(rows), filename="p.csv",
                 progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 30) and calls[-1] == (30, 30)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls) and len(calls) > 3


def test_search_index_gets_one_batch_after_commit_with_only_what_shoppers_can_find(
        tea, owner, monkeypatch, django_capture_on_commit_callbacks):
    from haystack import connections

    batches = []
    backend = type(connections["default"].get_backend())
    monkeypatch.setattr(backend, "update", lambda self, index, objects, commit=True: batches.append(
        sorted(obj.title for obj in objects)))
    rows = read_csv(export_catalogue(supplier=tea, fmt="csv"))
    rows[0]["stock:hz"] = "99"  # an approved, public product changes; the new draft is not searchable

    with django_capture_on_commit_callbacks(execute=True):
        report = import_apply(actor=owner, supplier=tea, file=as_csv([*rows, row()]), filename="s.csv")

    assert report.applied and (report.new_products, report.updated_products) == (1, 1)
    assert batches == [["West Lake Longjing"]]
    Product.objects.get(title="Imported Longjing").save()  # outside an import, oscar's realtime indexing is back
    assert batches[-1] == ["Imported Longjing"]


def test_a_refusal_by_the_services_while_writing_rolls_everything_back(tea, owner, monkeypatch):
    """Should the catalogue change between the checks and the write, the service's refusal undoes the batch."""
    original = services.product_create
    calls = []

    def refuse_the_third(**kwargs):
        calls.append(kwargs["data"].title)
        if len(calls) == 3:
            raise services.CatalogueInputError([services.InputError("sku", "Taken meanwhile.", 0)])
        return original(**kwargs)

    monkeypatch.setattr(services, "product_create", refuse_the_third)
    rows = [row(product_ref=f"P{n}", sku=f"RB-{n}", title=f"Rollback {n}") for n in range(5)]
    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows), filename="race.csv")
    assert not report.applied and errors_of(report) == [(4, "sku", "Taken meanwhile.")]
    assert not StockRecord.objects.filter(partner_sku__startswith="RB-").exists()


# --- commands --------------------------------------------------------------------------------------------------------


def test_import_command_prints_row_errors_and_fails(tea, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(as_csv([row(), row(product_ref="NEW-2", sku="IMP-1", wholesale_price="-3")]))
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_products", str(path), supplier="green-leaf-tea", stdout=out)
    assert failure.value.returncode == 1
    assert "2 errors in bad.csv; nothing was imported" in str(failure.value)
    lines = out.getvalue().splitlines()
    assert any("row 3" in line and "sku" in line and "also on row 2" in line for line in lines)
    assert any("row 3" in line and "wholesale_price must be more than zero." in line for line in lines)
    assert not StockRecord.objects.filter(partner_sku="IMP-1").exists()


def test_import_command_dry_run_then_real_run_with_progress(tea, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(as_csv([row(product_ref=f"P{n}", sku=f"CMD-{n}") for n in range(12)]))
    out = io.StringIO()
    call_command("import_products", str(path), "--dry-run", supplier="green-leaf-tea", stdout=out)
    assert "Dry run: no errors; nothing was written. 12 rows, 12 products: 12 new" in out.getvalue()
    assert not StockRecord.objects.filter(partner_sku__startswith="CMD-").exists()

    out = io.StringIO()
    call_command("import_products", str(path), supplier="green-leaf-tea", user="supplier@demo.test", stdout=out)
    text = out.getvalue()
    assert "Writing products: 0% (0/12)" in text and "Writing products: 100% (12/12)" in text
    assert "Imported into green-leaf-tea. 12 rows, 12 products: 12 new" in text
    assert StockRecord.objects.filter(partner_sku__startswith="CMD-").count() == 12
    assert entry_of("CMD-0", tea).history.get().actor.email == "supplier@demo.test"


def test_import_command_needs_a_known_supplier(demo, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(as_csv([row()]))
    with pytest.raises(CommandError, match="--supplier"):
        call_command("import_products", str(path))
    with pytest.raises(CommandError, match="No supplier with slug “nobody”"):
        call_command("import_products", str(path), supplier="nobody")


def test_export_command_writes_csv_and_xlsx(tea, tmp_path):
    call_command("export_products", supplier="green-leaf-tea", output=str(tmp_path / "c.xlsx"),
                 stdout=io.StringIO())
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == TEA_HEADER
    call_command("export_products", "--format", "csv", supplier="green-leaf-tea", output=str(tmp_path / "c.txt"),
                 stdout=io.StringIO())
    assert len(read_csv((tmp_path / "c.txt").read_bytes())) == 35
    out = io.StringIO()
    call_command("export_products", supplier="green-leaf-tea", output="-", stdout=out)
    assert out.getvalue().startswith("product_ref,title,")


# --- product attributes ------------------------------------------------------------------------------------------

ATTR_HEADER = [*HEADER, "attr:harvest_year", "attr:origin", "attr:organic"]


def test_attribute_columns_are_imported_onto_the_sku(tea, owner):
    rows = [row(**{"attr:origin": "Anji", "attr:harvest_year": "2025"}),
            row(product_ref="NEW-2", sku="IMP-2a", variant="50 g", **{"attr:origin": "Hangzhou"}),
            row(product_ref="NEW-2", sku="IMP-2b", variant="100 g", **{"attr:harvest_year": "2024.0"})]
    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows, header=ATTR_HEADER), filename="a.csv")
    assert report.applied, report.errors
    standalone = StockRecord.objects.get(partner_sku="IMP-1").product
    assert (standalone.attr.origin, standalone.attr.harvest_year) == ("Anji", 2025)
    child_a = Product.objects.get(stockrecords__partner_sku="IMP-2a")
    child_b = Product.objects.get(stockrecords__partner_sku="IMP-2b")
    assert child_a.is_child and child_a.attr.origin == "Hangzhou"
    assert child_b.attr.harvest_year == 2024 and not child_b.attribute_values.filter(
        attribute__code="origin").exists()
    assert not child_a.parent.attribute_values.exists()


@pytest.mark.parametrize("cells, expected", [
    ({"attr:harvest_year": "soon"}, (2, "attr:harvest_year", "Harvest year “soon” is not a whole number.")),
    ({"attr:harvest_year": "2024.5"}, (2, "attr:harvest_year", "Harvest year “2024.5” is not a whole number.")),
    ({"attr:organic": "yes"}, (2, "attr:organic", "Product type “Tea” has no attribute “organic”.")),
    ({"attr:origin": "x" * 256}, (2, "attr:origin", "Origin is longer than 255 characters.")),
])
def test_a_bad_attribute_value_is_named_by_row_and_column_and_nothing_is_written(cells, expected, tea, owner):
    before = catalogue_state(tea)
    report = import_apply(actor=owner, supplier=tea, file=as_csv([row(**cells)], header=ATTR_HEADER),
                          filename="bad.csv")
    assert not report.applied
    assert expected in errors_of(report), errors_of(report)
    assert catalogue_state(tea) == before


def test_an_unknown_attribute_column_is_a_header_error(tea):
    report = import_preview(supplier=tea, file=as_csv([row()], header=[*HEADER, "attr:colour"]), filename="c.csv")
    [error] = report.errors
    assert error.row == 1 and "Unknown columns: attr:colour." in error.message


def test_export_has_attribute_values_and_an_attribute_edit_keeps_the_product_approved(tea, owner):
    rows = read_csv(export_catalogue(supplier=tea, fmt="csv"))
    longjing = [r for r in rows if r["product_ref"] == "GLT-001-1"]
    assert {r["attr:origin"] for r in longjing} == {"Hangzhou"}
    entry = entry_of("GLT-001-1", tea)
    assert entry.state == ReviewState.APPROVED
    longjing[0]["attr:origin"] = "Longjing village"
    longjing[1]["attr:harvest_year"] = ""
    report = import_apply(actor=owner, supplier=tea, file=as_csv(rows, header=list(rows[0])), filename="e.csv")
    assert report.applied, report.errors
    assert (report.updated_products, report.unchanged_products) == (1, 20)
    first = Product.objects.get(stockrecords__partner_sku="GLT-001-1")
    second = Product.objects.get(stockrecords__partner_sku="GLT-001-2")
    assert first.attr.origin == "Longjing village"
    assert not second.attribute_values.filter(attribute__code="harvest_year").exists()
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED
