"""The supplier portal's catalogue pages: create with variants, every bad input, list, shelf, stock, query count."""

import html
import io
import os
import re
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model
from PIL import Image

from parties.models import Supplier
from supplier.models import ReviewState, SupplierProduct, WarehouseStock

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

CREATE = reverse("supplier:product-create")
LIST = reverse("supplier:product-list")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier_client(signed_in):
    return signed_in("supplier@demo.test")


def png(name="photo.png", size=(64, 48)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2e7d32").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def form_data(variants=None, **fields) -> dict:
    """A complete create-form POST: a tea with two variants stocked in both warehouses."""
    variants = variants if variants is not None else [
        {"sku": "NEW-50", "label": "50 g", "wholesale_price": "10.00", "suggested_retail_price": "19.90",
         "min_retail_price": "12.00", "stock_hz": "5", "stock_sh": "3"},
        {"sku": "NEW-100", "label": "100 g", "wholesale_price": "18.00", "suggested_retail_price": "34.00",
         "min_retail_price": "22.00", "stock_hz": "0", "stock_sh": "7"},
    ]
    data = {"title": "Spring Longjing", "description": "Picked before Qingming.", "category": "Tea > Green tea",
            "product_class": "Tea", "tags": ["new", "hot"], "variants-TOTAL_FORMS": str(len(variants)),
            "variants-INITIAL_FORMS": "0", "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(variants):
        for key, value in row.items():
            data[f"variants-{index}-{key}"] = value
    data.update(fields)
    return data


def counts() -> tuple[int, int, int, int]:
    return (SupplierProduct.objects.count(), Product.objects.count(), StockRecord.objects.count(),
            ProductImage.objects.count())


def text(response) -> str:
    """The page as a user reads it: entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def field_errors(response, row: int | None, field: str) -> list[str]:
    """The messages shown next to one field (of a variant row, or of the product when row is None)."""
    form = response.context["form"] if row is None else response.context["formset"].forms[row]
    return [str(message) for message in form.errors.get(field, [])]


def test_supplier_creates_a_product_with_variants_prices_stock_and_an_image(supplier_client):
    data = form_data(images=[png("front.png"), png("back.png")])
    response = supplier_client.post(CREATE, data)

    entry = SupplierProduct.objects.get(product__title="Spring Longjing")
    assert response.status_code == 302 and response["Location"] == reverse("supplier:product-detail",
                                                                           args=[entry.pk])
    assert entry.supplier.slug == "green-leaf-tea" and entry.state == ReviewState.DRAFT
    assert entry.product.is_parent and entry.product.children.count() == 2
    record = StockRecord.objects.get(partner_sku="NEW-50")
    assert (record.wholesale_price, record.price, record.min_retail_price, record.num_in_stock) == (
        Decimal("10.00"), Decimal("19.90"), Decimal("12.00"), 8)
    stock = dict(WarehouseStock.objects.filter(stockrecord__partner_sku="NEW-100")
                 .values_list("warehouse__code", "on_hand"))
    assert stock == {"hz": 0, "sh": 7}
    assert entry.product.images.count() == 2
    assert sorted(t.code for t in entry.tags.all()) == ["hot", "new"]
    assert [c.full_name for c in entry.product.categories.all()] == ["Tea > Green tea"]

    page = text(supplier_client.get(response["Location"]))
    assert "Spring Longjing" in page and "NEW-50" in page and "NEW-100" in page
    assert "Draft" in page and "Submit for review" in page
    assert "CN¥19.90" in page and "CN¥22.00" in page
    assert 'data-sku="NEW-100" data-warehouse="sh"' in page


def test_a_product_without_variants_is_one_row_with_no_variant_name(supplier_client):
    data = form_data(variants=[{"sku": "SOLO-1", "label": "", "wholesale_price": "8", "suggested_retail_price": "15",
                                "min_retail_price": "9.50", "stock_hz": "4", "stock_sh": ""}])
    assert supplier_client.post(CREATE, data).status_code == 302
    product = SupplierProduct.objects.get(product__title="Spring Longjing").product
    assert not product.is_parent and product.children.count() == 0
    assert product.stockrecords.get().num_in_stock == 4


def _row(**changes) -> dict:
    row = {"sku": "BAD-1", "label": "", "wholesale_price": "10.00", "suggested_retail_price": "20.00",
           "min_retail_price": "12.00", "stock_hz": "1", "stock_sh": "1"}
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("data", "row", "field", "message"),
    [
        (form_data(variants=[_row(wholesale_price="0")]), 0, "wholesale_price", "more than zero"),
        (form_data(variants=[_row(wholesale_price="-5.00")]), 0, "wholesale_price", "more than zero"),
        (form_data(variants=[_row(suggested_retail_price="0.00")]), 0, "suggested_retail_price", "more than zero"),
        (form_data(variants=[_row(min_retail_price="9.99")]), 0, "min_retail_price",
         "The retail floor (9.99) is below the wholesale price (10.00)."),
        (form_data(variants=[_row(wholesale_price="ten")]), 0, "wholesale_price", "is not a price"),
        (form_data(variants=[_row(wholesale_price="")]), 0, "wholesale_price", "Wholesale price is required."),
        (form_data(variants=[_row(sku="GLT-001-1")]), 0, "sku",
         "SKU “GLT-001-1” is already used by another of your products."),
        (form_data(variants=[_row(sku="TWICE", label="a"), _row(sku="TWICE", label="b")]), 1, "sku",
         "SKU “TWICE” appears twice."),
        (form_data(variants=[_row(stock_hz="-2")]), 0, "stock_hz", "Stock must be a whole number of zero or more."),
        (form_data(category="Tea > Moon tea"), None, "category", "Unknown category “Tea > Moon tea”."),
        (form_data(product_class="Spaceship"), None, "product_class", "Unknown product type “Spaceship”."),
        (form_data(tags=["new", "free-money"]), None, "tags", "Unknown tag “free-money”."),
        (form_data(title=""), None, "title", "Title is required."),
        (form_data(description='<p onclick="steal()">Fresh</p><script>alert(1)</script>'), None, "description",
         "The description may use only these HTML tags, without attributes"),
    ],
    ids=["zero-wholesale", "negative-wholesale", "zero-retail", "floor-below-wholesale", "not-a-price",
         "missing-price", "sku-taken", "sku-twice", "negative-stock", "unknown-category", "unknown-type",
         "unknown-tag", "no-title", "script-in-description"],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_created(supplier_client, data, row, field, message):
    before = counts()
    response = supplier_client.post(CREATE, data)

    assert response.status_code == 200
    assert any(message in shown for shown in field_errors(response, row, field)), field_errors(response, row, field)
    page = text(response)
    assert message in page
    assert "The product was not saved" in page
    assert counts() == before


def test_form_keeps_what_was_typed_after_an_error(supplier_client):
    response = supplier_client.post(CREATE, form_data(variants=[_row(min_retail_price="1.00")],
                                                      title="Keep me"))
    page = text(response)
    assert 'value="Keep me"' in page and 'value="BAD-1"' in page and 'value="1.00"' in page


def test_a_form_with_no_sku_rows_says_a_sku_is_needed(supplier_client):
    before = counts()
    response = supplier_client.post(CREATE, form_data(variants=[{"sku": "", "label": "", "wholesale_price": "",
                                                                 "suggested_retail_price": "",
                                                                 "min_retail_price": "", "stock_hz": "",
                                                                 "stock_sh": ""}]))
    assert "A product needs at least one SKU." in response.context["general_errors"]
    assert "A product needs at least one SKU." in text(response)
    assert counts() == before


def test_a_file_that_is_not_an_image_is_refused_by_name(supplier_client):
    before = counts()
    fake = io.BytesIO(b"%PDF-1.4 not a picture at all")
    fake.name = "brochure.png"
    response = supplier_client.post(CREATE, form_data(images=[png("good.png"), fake]))
    assert field_errors(response, None, "images") == [
        "“brochure.png” is not an image (use JPEG, PNG, GIF or WebP)."]
    assert "brochure.png" in response.content.decode()
    assert counts() == before


def test_an_image_over_10_mb_is_refused(supplier_client):
    before = counts()
    big = png("huge.png")
    payload = big.getvalue() + b"\0" * (10 * 1024 * 1024 + 1)  # a real PNG header, then padding past the limit
    huge = io.BytesIO(payload)
    huge.name = "huge.png"
    response = supplier_client.post(CREATE, form_data(images=[huge]))
    [error] = field_errors(response, None, "images")
    assert error.startswith("“huge.png” is 10.0 MB") and "at most 10 MB" in error
    assert counts() == before


def test_add_row_without_javascript_keeps_the_input_and_adds_a_blank_row(supplier_client):
    before = counts()
    response = supplier_client.post(CREATE, {**form_data(), "add_row": "1"})
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    assert 'value="NEW-100"' in response.content.decode()
    assert counts() == before


# --- list, shelf, stock --------------------------------------------------------------------------------


def _titles(response) -> list[str]:
    return [entry.product.title for entry in response.context["products"]]


def test_list_searches_by_title_and_sku_and_shows_only_own_products(supplier_client):
    titles = _titles(supplier_client.get(LIST, {"size": 100}))
    assert "West Lake Longjing" in titles and "Wuchang Rice" not in titles
    assert len(titles) == SupplierProduct.objects.filter(supplier__slug="green-leaf-tea").count()
    assert sorted(_titles(supplier_client.get(LIST, {"q": "longjing"}))) == ["Pre-Rain Longjing",
                                                                            "West Lake Longjing"]
    assert _titles(supplier_client.get(LIST, {"q": "GLT-012-2"})) == ["Da Hong Pao"]
    assert _titles(supplier_client.get(LIST, {"q": "GGF-001-1"})) == []  # another supplier's SKU


def test_list_filters_by_state_shelf_and_category_and_sorts(supplier_client):
    drafts = _titles(supplier_client.get(LIST, {"state": "draft"}))
    assert sorted(drafts) == ["Osmanthus Oolong", "Yingde Black"]
    assert sorted(_titles(supplier_client.get(LIST, {"shelf": "off"}))) == ["Cold Brew Green Bags", "Jin Jun Mei"]
    assert _titles(supplier_client.get(LIST, {"state": "rejected"})) == ["Dancong Honey Orchid"]
    oolong = supplier_client.get(LIST, {"category": "Oolong", "size": 100}).context["products"]
    assert oolong and all([c.name for c in e.product.categories.all()] == ["Oolong"] for e in oolong)
    by_title = _titles(supplier_client.get(LIST, {"sort": "title", "size": 100}))
    assert by_title == sorted(by_title)
    by_stock = [e.total_stock for e in supplier_client.get(LIST, {"sort": "-stock", "size": 100}).context["products"]]
    assert by_stock == sorted(by_stock, reverse=True)
    by_price = [e.min_wholesale for e in supplier_client.get(LIST, {"sort": "price", "size": 100})
                .context["products"]]
    assert by_price == sorted(by_price)


def test_list_pages_by_the_chosen_size(supplier_client):
    first = supplier_client.get(LIST, {"size": 20})
    assert len(first.context["products"]) == 20 and first.context["paginator"].num_pages == 2
    page = text(first)
    assert "Page 1 of 2" in page and "page=2" in page and "size=20" in page
    assert len(supplier_client.get(LIST, {"size": 20, "page": 2}).context["products"]) == 1
    assert len(supplier_client.get(LIST, {"size": 7}).context["products"]) == 20  # unknown size: the default


def _add_products(count: int) -> None:
    from django.contrib.auth import get_user_model

    from supplier import services
    from supplier.catalogue_input import ProductInput, VariantInput

    supplier = Supplier.objects.get(slug="green-leaf-tea")
    owner = get_user_model().objects.get(email="supplier@demo.test")
    lookups = services.Lookups(supplier=supplier)
    taken = set()
    for number in range(count):
        variants = [VariantInput(sku=f"BULK-{number}-{i}", label=f"size {i}", wholesale_price=Decimal("5.00"),
                                 suggested_retail_price=Decimal("9.00"), min_retail_price=Decimal("6.00"),
                                 stock={"hz": i}) for i in range(2)]
        data = ProductInput(title=f"Bulk tea {number}", category="Tea > Oolong", product_class="Tea",
                            tags=["hot"], variants=variants)
        services.product_create(actor=owner, supplier=supplier, data=data, lookups=lookups, taken_skus=taken)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.context["products"])


def test_list_does_the_same_number_of_queries_for_20_and_100_products_a_page(supplier_client):
    _add_products(100)
    supplier_client.get(f"{LIST}?size=20")  # warm-up: the session remembers the membership
    small, shown_small = _queries(supplier_client, f"{LIST}?size=20")
    large, shown_large = _queries(supplier_client, f"{LIST}?size=100")
    assert (shown_small, shown_large) == (20, 100)
    assert small == large


def test_one_click_shelf_from_the_list_returns_to_the_same_list(supplier_client):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    back = f"{LIST}?q=west&size=50"
    response = supplier_client.post(reverse("supplier:product-shelf", args=[entry.pk]),
                                    {"on_shelf": "off", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    entry.refresh_from_db()
    assert not entry.on_shelf
    assert "is off shelf and out of the market" in text(supplier_client.get(back))


def test_shelf_refuses_an_outside_next_url(supplier_client):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    response = supplier_client.post(reverse("supplier:product-shelf", args=[entry.pk]),
                                    {"on_shelf": "off", "next": "https://evil.example/"})
    assert response["Location"] == reverse("supplier:product-detail", args=[entry.pk])


def test_bulk_shelf_changes_only_the_ticked_products(supplier_client):
    picked = list(SupplierProduct.objects.filter(supplier__slug="green-leaf-tea", on_shelf=True)
                  .order_by("pk")[:3])
    untouched = SupplierProduct.objects.filter(supplier__slug="green-leaf-tea", on_shelf=True).exclude(
        pk__in=[e.pk for e in picked]).count()
    response = supplier_client.post(reverse("supplier:product-bulk-shelf"),
                                    {"products": [e.pk for e in picked], "on_shelf": "off", "next": LIST},
                                    follow=True)
    assert "3 of 3 products taken off shelf." in text(response)
    assert SupplierProduct.objects.filter(pk__in=[e.pk for e in picked], on_shelf=True).count() == 0
    assert SupplierProduct.objects.filter(supplier__slug="green-leaf-tea", on_shelf=True).count() == untouched

    response = supplier_client.post(reverse("supplier:product-bulk-shelf"),
                                    {"products": [e.pk for e in picked], "on_shelf": "on"}, follow=True)
    assert "3 of 3 products put on shelf." in text(response)
    assert SupplierProduct.objects.filter(pk__in=[e.pk for e in picked], on_shelf=True).count() == 3


def test_bulk_shelf_with_another_suppliers_product_is_404_and_changes_nothing(supplier_client):
    own = SupplierProduct.objects.filter(supplier__slug="green-leaf-tea", on_shelf=True).first()
    foreign = SupplierProduct.objects.filter(supplier__slug="golden-grain", on_shelf=True).first()
    response = supplier_client.post(reverse("supplier:product-bulk-shelf"),
                                    {"products": [own.pk, foreign.pk], "on_shelf": "off"})
    assert response.status_code == 404
    assert SupplierProduct.objects.filter(pk__in=[own.pk, foreign.pk], on_shelf=True).count() == 2


def test_bulk_shelf_with_nothing_ticked_says_so(supplier_client):
    response = supplier_client.post(reverse("supplier:product-bulk-shelf"), {"on_shelf": "off"}, follow=True)
    assert "Select at least one product first." in text(response)


def test_quick_stock_form_sets_one_warehouse(supplier_client):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    url = reverse("supplier:product-stock", args=[entry.pk])
    response = supplier_client.post(url, {"sku": "GLT-001-2", "warehouse": "sh", "on_hand": "42"}, follow=True)
    assert "GLT-001-2 in sh: 42 on hand" in text(response)
    assert WarehouseStock.objects.get(stockrecord__partner_sku="GLT-001-2", warehouse__code="sh").on_hand == 42
    record = StockRecord.objects.get(partner_sku="GLT-001-2")
    assert record.num_in_stock == sum(record.warehouse_stock.values_list("on_hand", flat=True))


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"sku": "GLT-001-2", "warehouse": "sh", "on_hand": "-1"}, "Stock must be a whole number of zero or more."),
        ({"sku": "GLT-001-2", "warehouse": "sh", "on_hand": "lots"}, "is not a whole number"),
        ({"sku": "GLT-001-2", "warehouse": "zz", "on_hand": "5"}, "You have no warehouse “zz”."),
        ({"sku": "GGF-001-1", "warehouse": "sh", "on_hand": "5"}, "This product has no SKU “GGF-001-1”."),
    ],
    ids=["negative", "not-a-number", "foreign-warehouse", "foreign-sku"],
)
def test_bad_stock_input_says_why_and_changes_nothing(supplier_client, posted, message):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    before = list(WarehouseStock.objects.order_by("pk").values_list("pk", "on_hand"))
    response = supplier_client.post(reverse("supplier:product-stock", args=[entry.pk]), posted, follow=True)
    assert message in response.content.decode()
    assert list(WarehouseStock.objects.order_by("pk").values_list("pk", "on_hand")) == before


def test_edit_form_is_prefilled_and_can_remove_an_image(supplier_client):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    url = reverse("supplier:product-edit", args=[entry.pk])
    page = supplier_client.get(url)
    form, formset = page.context["form"], page.context["formset"]
    assert form.initial["title"] == "West Lake Longjing" and form.initial["category"] == "Tea > Green tea"
    assert [row.initial["sku"] for row in formset.forms] == ["GLT-001-1", "GLT-001-2", "GLT-001-3"]
    image = entry.product.images.get()
    assert f'name="remove_images" value="{image.pk}"' in page.content.decode()

    data = _edit_data(page, remove_images=[image.pk])
    response = supplier_client.post(url, data)
    assert response.status_code == 302
    assert entry.product.images.count() == 0


def test_edit_can_remove_a_variant(supplier_client):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    url = reverse("supplier:product-edit", args=[entry.pk])
    response = supplier_client.post(url, _edit_data(supplier_client.get(url), **{"variants-2-DELETE": "on"}))
    assert response.status_code == 302
    assert sorted(entry.product.children.values_list("stockrecords__partner_sku", flat=True)) == [
        "GLT-001-1", "GLT-001-2"]


def _edit_data(page, **changes) -> dict:
    """What the browser would post back from an edit page, with `changes` applied (keys as field names)."""
    form, formset = page.context["form"], page.context["formset"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data["variants-TOTAL_FORMS"] = str(len(formset.forms))
    data["variants-INITIAL_FORMS"] = str(formset.initial_form_count())
    for index, row in enumerate(formset.forms):
        for key, value in row.initial.items():
            data[f"variants-{index}-{key}"] = "" if value is None else str(value)
    data.update(changes)
    return data


# --- spreadsheet import and export pages ----------------------------------------------------------------

IMPORT = reverse("supplier:product-import")


@pytest.fixture
def staging(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "import-staging"


def _template_csv(client) -> str:
    response = client.get(reverse("supplier:product-import-template"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="green-leaf-tea-import-template.csv"' in response["Content-Disposition"]
    return response.content.decode("utf-8-sig")


def _upload(content: str, name="products.csv"):
    upload = io.BytesIO(content.encode("utf-8"))
    upload.name = name
    return upload


def test_export_downloads_the_catalogue_as_xlsx_and_csv(supplier_client):
    xlsx = supplier_client.get(reverse("supplier:product-export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert 'filename="green-leaf-tea-catalogue.xlsx"' in xlsx["Content-Disposition"]
    csv_text = supplier_client.get(reverse("supplier:product-export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "GLT-001-1" in csv_text and "GGF-001-1" not in csv_text
    assert supplier_client.get(reverse("supplier:product-export"), {"format": "pdf"}).status_code == 404


def test_import_dry_run_lists_errors_by_row_and_column_and_writes_nothing(supplier_client, staging):
    template = _template_csv(supplier_client)
    broken = template.replace("68.00", "0", 1)
    before = counts()
    response = supplier_client.post(IMPORT, {"file": _upload(broken)})
    page = text(response)
    assert response.status_code == 200 and "nothing was imported" in page
    [error] = response.context["report"].errors
    assert (error.row, error.column) == (2, "wholesale_price")
    assert "<td>2</td><td>wholesale_price</td>" in page
    assert 'name="action" value="apply"' not in page
    assert counts() == before


def test_import_dry_run_then_import_writes_the_products(supplier_client, staging,
                                                       django_capture_on_commit_callbacks):
    before = counts()
    response = supplier_client.post(IMPORT, {"file": _upload(_template_csv(supplier_client))})
    report = response.context["report"]
    assert report.ok and report.new_products == 1 and not report.applied
    assert "No errors. Nothing has been written yet." in text(response)
    assert counts() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(IMPORT, {"action": "apply", "token": response.context["token"]})
        assert counts() == before, "the import task is enqueued only once the request's transaction commits"
    job_url = response["Location"]
    progress = supplier_client.get(job_url, {"format": "json"}).json()
    assert progress["finished"] and progress["percent"] == 100 and progress["report"]["new_products"] == 1
    response = supplier_client.get(job_url)
    assert "1 new products" in text(response)
    assert StockRecord.objects.filter(partner_sku="EXAMPLE-LJ-50G", partner__supplier__slug="green-leaf-tea").exists()
    assert counts()[0] == before[0] + 1
    assert not list(staging.iterdir()), "the staged upload is removed after the import"


def test_uploads_checked_but_never_imported_are_deleted_after_a_day(supplier_client, staging):
    template = _template_csv(supplier_client)
    supplier_client.post(IMPORT, {"file": _upload(template)})
    [abandoned] = staging.iterdir()
    a_day_ago = time.time() - 25 * 3600
    os.utime(abandoned, (a_day_ago, a_day_ago))
    other = Client()  # another session of the same supplier: the first session's upload is never imported
    other.force_login(get_user_model().objects.get(email="supplier@demo.test"))
    response = other.post(IMPORT, {"file": _upload(template)})
    assert response.context["report"].ok
    assert [path.name for path in staging.iterdir()] != [abandoned.name]
    assert len(list(staging.iterdir())) == 1, "the day-old upload is gone, the fresh one waits"


def test_import_progress_is_read_while_the_job_runs(supplier_client, demo):
    from django.core.cache import cache

    from parties.models import Supplier
    from supplier.models import ImportJob

    job = ImportJob.objects.create(supplier=Supplier.objects.get(slug="green-leaf-tea"), filename="big.csv",
                                   staged_name="x.csv", status=ImportJob.Status.RUNNING)
    cache.set(f"mp-import-progress:{job.pk}", {"done": 250, "total": 1000})
    state = supplier_client.get(reverse("supplier:import-job", args=[job.pk]), {"format": "json"}).json()
    assert (state["done"], state["total"], state["percent"], state["finished"]) == (250, 1000, 25, False)
    page = text(supplier_client.get(reverse("supplier:import-job", args=[job.pk])))
    assert "250 / 1000" in page and "Running" in page


def test_import_with_a_stale_token_imports_nothing(supplier_client, staging):
    supplier_client.post(IMPORT, {"file": _upload(_template_csv(supplier_client))})
    before = counts()
    response = supplier_client.post(IMPORT, {"action": "apply", "token": "not-the-token"}, follow=True)
    assert "That upload is no longer waiting; choose the file again." in text(response)
    assert counts() == before


def test_import_of_a_file_with_wrong_columns_says_which(supplier_client, staging):
    response = supplier_client.post(IMPORT, {"file": _upload("name,price\nTea,5\n")})
    [error] = response.context["report"].errors
    assert error.row == 1 and "Missing columns: product_ref, title" in error.message
    assert "Unknown columns: name, price." in text(response)
    assert "nothing was imported" in text(response)


# --- product attributes --------------------------------------------------------------------------------------


def test_attribute_values_typed_per_variant_row_are_saved_on_the_skus(supplier_client):
    data = form_data()
    data.update({"variants-0-attr_origin": "Hangzhou", "variants-0-attr_harvest_year": "2025",
                 "variants-1-attr_origin": "Anji", "variants-1-attr_organic": ""})
    response = supplier_client.post(CREATE, data)
    assert response.status_code == 302
    first = Product.objects.get(stockrecords__partner_sku="NEW-50")
    second = Product.objects.get(stockrecords__partner_sku="NEW-100")
    assert (first.attr.origin, first.attr.harvest_year, second.attr.origin) == ("Hangzhou", 2025, "Anji")


def test_the_form_has_an_input_per_attribute_tagged_with_its_product_type(supplier_client):
    page = supplier_client.get(CREATE).content.decode()
    assert 'name="variants-0-attr_origin"' in page and 'data-product-class="Tea"' in page
    assert 'name="variants-0-attr_organic"' in page and 'data-product-class="Food"' in page
    assert "Origin (Tea)" in html.unescape(page)


@pytest.mark.parametrize(("posted", "field", "message"), [
    ({"variants-0-attr_harvest_year": "soon"}, "attr_harvest_year", "Harvest year “soon” is not a whole number."),
    ({"variants-0-attr_organic": "yes"}, "attr_organic", "Product type “Tea” has no attribute “organic”."),
])
def test_a_bad_attribute_value_is_shown_next_to_its_input(supplier_client, posted, field, message):
    before = counts()
    response = supplier_client.post(CREATE, form_data(**posted))
    assert response.status_code == 200
    assert any(message in shown for shown in field_errors(response, 0, field)), field_errors(response, 0, field)
    assert message in text(response)
    assert counts() == before


def test_edit_form_shows_and_changes_attribute_values(supplier_client):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    url = reverse("supplier:product-edit", args=[entry.pk])
    page = supplier_client.get(url)
    assert [row.initial.get("attr_origin") for row in page.context["formset"].forms] == ["Hangzhou"] * 3
    response = supplier_client.post(url, _edit_data(page, **{"variants-1-attr_origin": "Meijiawu",
                                                             "variants-2-attr_harvest_year": ""}))
    assert response.status_code == 302
    second = Product.objects.get(stockrecords__partner_sku="GLT-001-2")
    third = Product.objects.get(stockrecords__partner_sku="GLT-001-3")
    assert second.attr.origin == "Meijiawu"
    assert not third.attribute_values.filter(attribute__code="harvest_year").exists()
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED
