"""Catalogue commands: creation with variants, review transitions, re-review triggers, stock, market rules."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from oscar.core.loading import get_model

from parties.models import PartyStatus, Supplier
from parties.services import party_set_status
from supplier import selectors, services
from supplier.catalogue_input import ProductInput, VariantInput, parse_money
from supplier.models import ReviewState, SupplierProduct

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def _input(sku="T-1", **changes) -> ProductInput:
    variants = changes.pop("variants", None) or [
        VariantInput(sku=f"{sku}-a", label="50 g", wholesale_price=Decimal("10.00"),
                     suggested_retail_price=Decimal("19.90"), min_retail_price=Decimal("12.00"),
                     stock={"hz": 5, "sh": 3}),
        VariantInput(sku=f"{sku}-b", label="100 g", wholesale_price=Decimal("18.00"),
                     suggested_retail_price=Decimal("34.00"), min_retail_price=Decimal("22.00"), stock={"hz": 0}),
    ]
    data = ProductInput(title="Test Longjing", description="<p>Fresh</p>", category="Tea > Green tea",
                        product_class="Tea", tags=["new"], variants=variants)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


@pytest.fixture
def supplier(demo):
    return Supplier.objects.get(slug="green-leaf-tea")


@pytest.fixture
def owner(demo):
    return get_user_model().objects.get(email="supplier@demo.test")


@pytest.fixture
def operator(demo):
    return get_user_model().objects.get(email="operator@demo.test")


def test_create_with_variants_writes_oscar_products_prices_and_warehouse_stock(supplier, owner):
    entry = services.product_create(actor=owner, supplier=supplier, data=_input())
    product = entry.product
    assert product.is_parent and product.children.count() == 2
    record = StockRecord.objects.get(partner_sku="T-1-a")
    assert (record.wholesale_price, record.price, record.min_retail_price) == (
        Decimal("10.00"), Decimal("19.90"), Decimal("12.00"))
    assert record.num_in_stock == 8 and record.partner_id == supplier.partner_id
    assert entry.state == ReviewState.DRAFT and not product.is_public
    assert [t.code for t in entry.tags.all()] == ["new"]
    assert [c.full_name for c in product.categories.all()] == ["Tea > Green tea"]


@pytest.mark.parametrize(
    ("variant_changes", "column"),
    [
        ({"wholesale_price": Decimal("0")}, "wholesale_price"),
        ({"wholesale_price": Decimal("-1.00")}, "wholesale_price"),
        ({"min_retail_price": Decimal("9.99")}, "min_retail_price"),
        ({"suggested_retail_price": Decimal("11.00")}, "suggested_retail_price"),
        ({"sku": "GLT-001-1"}, "sku"),
        ({"stock": {"zz": 4}}, "stock:zz"),
    ],
)
def test_bad_variant_input_is_refused_and_nothing_is_written(supplier, owner, variant_changes, column):
    data = _input()
    for key, value in variant_changes.items():
        setattr(data.variants[0], key, value)
    before = (Product.objects.count(), StockRecord.objects.count(), SupplierProduct.objects.count())
    with pytest.raises(services.CatalogueInputError) as raised:
        services.product_create(actor=owner, supplier=supplier, data=data)
    assert column in {e.column for e in raised.value.errors}
    assert (Product.objects.count(), StockRecord.objects.count(), SupplierProduct.objects.count()) == before


def test_unknown_category_and_duplicate_sku_in_one_product(supplier, owner):
    data = _input(category="Tea > Space tea")
    data.variants[1].sku = data.variants[0].sku
    with pytest.raises(services.CatalogueInputError) as raised:
        services.product_create(actor=owner, supplier=supplier, data=data)
    messages = {e.column: e.message for e in raised.value.errors}
    assert "Unknown category" in messages["category"] and "appears twice" in messages["sku"]


def test_money_parsing_is_exact():
    assert parse_money("19.9") == Decimal("19.90")
    assert parse_money(19.9) == Decimal("19.90")
    for bad in ("0", "-3", "1.005", "abc", "", None, "NaN"):
        with pytest.raises(ValueError):
            parse_money(bad)


def test_every_review_transition(supplier, owner, operator):
    entry = services.product_create(actor=owner, supplier=supplier, data=_input())
    with pytest.raises(ValidationError):
        services.product_approve(actor=operator, entry=entry)  # a draft cannot be approved
    entry = services.product_submit(actor=owner, entry=entry)
    assert entry.state == ReviewState.SUBMITTED
    with pytest.raises(ValidationError):
        services.product_submit(actor=owner, entry=entry)
    with pytest.raises(ValidationError):
        services.product_reject(actor=operator, entry=entry, reason="  ")
    entry = services.product_reject(actor=operator, entry=entry, reason="Blurry photo")
    assert (entry.state, entry.reject_reason) == (ReviewState.REJECTED, "Blurry photo")
    entry = services.product_submit(actor=owner, entry=entry)
    entry = services.product_approve(actor=operator, entry=entry)
    assert entry.state == ReviewState.APPROVED and entry.approved_snapshot["title"] == "Test Longjing"
    assert Product.objects.get(pk=entry.product_id).is_public
    entry = services.product_set_shelf(actor=owner, entry=entry, on_shelf=False)
    assert not Product.objects.get(pk=entry.product_id).is_public
    actions = list(entry.history.order_by("pk").values_list("action", flat=True))
    assert actions == ["created", "submitted", "rejected", "submitted", "approved", "shelf_off"]


def _approved(supplier, owner, operator):
    entry = services.product_create(actor=owner, supplier=supplier, data=_input())
    services.product_submit(actor=owner, entry=entry)
    return services.product_approve(actor=operator, entry=entry)


def test_stock_change_keeps_approval(supplier, owner, operator):
    entry = _approved(supplier, owner, operator)
    assert services.stock_set(actor=owner, entry=entry, sku="T-1-b", warehouse_code="sh", on_hand=40) == 40
    data = _input()
    data.variants[0].stock = {"hz": 99}
    entry = services.product_update(actor=owner, entry=entry, data=data)
    assert entry.state == ReviewState.APPROVED
    assert StockRecord.objects.get(partner_sku="T-1-a").num_in_stock == 102


@pytest.mark.parametrize("change", ["floor", "category", "title"])
def test_reviewed_change_sends_approved_product_back_to_review(supplier, owner, operator, change):
    entry = _approved(supplier, owner, operator)
    data = _input()
    if change == "floor":
        data.variants[0].min_retail_price = Decimal("15.00")
    elif change == "category":
        data.category = "Tea > Oolong"
    else:
        data.title = "Renamed Longjing"
    entry = services.product_update(actor=owner, entry=entry, data=data)
    assert entry.state == ReviewState.SUBMITTED
    assert not selectors.market_products().filter(pk=entry.pk).exists()
    event = entry.history.first()
    assert event.action == "resubmitted" and event.changes


def test_market_shows_only_approved_on_shelf_in_stock_active_suppliers(supplier, owner, operator):
    entry = _approved(supplier, owner, operator)
    market = lambda: selectors.market_products().filter(pk=entry.pk).exists()  # noqa: E731
    assert market()
    services.product_set_shelf(actor=owner, entry=entry, on_shelf=False)
    assert not market()
    services.product_set_shelf(actor=owner, entry=entry, on_shelf=True)
    for sku, code in (("T-1-a", "hz"), ("T-1-a", "sh"), ("T-1-b", "hz")):
        services.stock_set(actor=owner, entry=entry, sku=sku, warehouse_code=code, on_hand=0)
    assert not market()
    services.stock_set(actor=owner, entry=entry, sku="T-1-b", warehouse_code="hz", on_hand=1)
    assert market()
    party_set_status(actor=operator, party=supplier, status=PartyStatus.SUSPENDED, reason="Audit")
    assert not market()


def test_stock_set_refuses_foreign_sku_and_warehouse(supplier, owner, operator):
    entry = _approved(supplier, owner, operator)
    with pytest.raises(ValidationError):
        services.stock_set(actor=owner, entry=entry, sku="GGF-001-1", warehouse_code="hz", on_hand=3)
    with pytest.raises(ValidationError):
        services.stock_set(actor=owner, entry=entry, sku="T-1-a", warehouse_code="zz", on_hand=3)
    with pytest.raises(ValidationError):
        services.stock_set(actor=owner, entry=entry, sku="T-1-a", warehouse_code="hz", on_hand=-1)


def test_demo_catalogue_has_every_state(demo):
    states = set(SupplierProduct.objects.values_list("state", flat=True))
    assert states == set(ReviewState.values)
    assert SupplierProduct.objects.count() >= 60
    assert Product.objects.filter(structure="child").exists()
    assert get_model("catalogue", "ProductImage").objects.count() >= 60


def test_plan_caps_the_number_of_products(supplier, owner):
    from parties.models import Plan

    current = SupplierProduct.objects.filter(supplier=supplier).count()
    plan = Plan.objects.create(code="tiny", name="Tiny", max_products=current + 1,
                               default_commission_rate=Decimal("0.0500"))
    Supplier.objects.filter(pk=supplier.pk).update(plan=plan)
    supplier.refresh_from_db()
    services.product_create(actor=owner, supplier=supplier, data=_input(sku="P-1"))
    with pytest.raises(services.CatalogueInputError) as raised:
        services.product_create(actor=owner, supplier=supplier, data=_input(sku="P-2"))
    assert "allows" in raised.value.errors[0].message
    assert not StockRecord.objects.filter(partner_sku__startswith="P-2").exists()


def test_descriptions_are_sanitised_on_every_path(supplier, owner):
    data = _input(description='<p onclick="steal()">Fine <script>alert(1)</script><strong>tea</strong></p>')
    entry = services.product_create(actor=owner, supplier=supplier, data=data)
    assert entry.product.description == "<p>Fine <strong>tea</strong></p>"


# --- product attributes ------------------------------------------------------------------------------------------


def test_attribute_values_go_on_the_child_of_a_product_with_variants(supplier, owner):
    data = _input()
    data.variants[0].attributes = {"origin": "Hangzhou", "harvest_year": "2025"}
    data.variants[1].attributes = {"origin": "Anji"}
    entry = services.product_create(actor=owner, supplier=supplier, data=data)
    first = Product.objects.get(stockrecords__partner_sku="T-1-a")
    second = Product.objects.get(stockrecords__partner_sku="T-1-b")
    assert (first.attr.origin, first.attr.harvest_year) == ("Hangzhou", 2025)
    assert second.attr.origin == "Anji" and not hasattr(second.attr, "harvest_year")
    assert not entry.product.attribute_values.exists()

    data.variants[0].attributes = {"origin": "", "harvest_year": "2024"}  # "" clears
    services.product_update(actor=owner, entry=entry, data=data)
    first = Product.objects.get(pk=first.pk)
    assert dict(first.attribute_values.values_list("attribute__code", "value_integer")) == {"harvest_year": 2024}


def test_attribute_values_of_a_standalone_product_go_on_the_product(supplier, owner):
    data = _input(variants=[VariantInput(sku="S-1", wholesale_price=Decimal("10.00"),
                                         suggested_retail_price=Decimal("20.00"), min_retail_price=Decimal("12.00"),
                                         attributes={"origin": "Hangzhou"})])
    entry = services.product_create(actor=owner, supplier=supplier, data=data)
    assert Product.objects.get(pk=entry.product_id).attr.origin == "Hangzhou"


def test_an_attribute_change_keeps_an_approved_product_approved(supplier, owner, operator):
    entry = SupplierProduct.objects.get(product__title="West Lake Longjing")
    assert entry.state == ReviewState.APPROVED
    from supplier.spreadsheet.exporter import current_catalogue
    data = next(p.data for p in current_catalogue(supplier=supplier) if p.entry_id == entry.pk)
    data.variants[0].attributes["origin"] = "Meijiawu"
    services.product_update(actor=owner, entry=entry, data=data)
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED
    assert Product.objects.get(stockrecords__partner_sku="GLT-001-1").attr.origin == "Meijiawu"


@pytest.mark.parametrize(
    ("attributes", "column", "message"),
    [
        ({"harvest_year": "last year"}, "attr:harvest_year", "Harvest year “last year” is not a whole number."),
        ({"harvest_year": "2024.5"}, "attr:harvest_year", "is not a whole number"),
        ({"organic": "yes"}, "attr:organic", "Product type “Tea” has no attribute “organic”."),
        ({"colour": "green"}, "attr:colour", "Product type “Tea” has no attribute “colour”."),
        ({"origin": "x" * 256}, "attr:origin", "Origin is longer than 255 characters."),
    ],
)
def test_bad_attribute_values_are_refused_and_nothing_is_written(supplier, owner, attributes, column, message):
    data = _input()
    data.variants[1].attributes = attributes
    before = (Product.objects.count(), SupplierProduct.objects.count())
    with pytest.raises(services.CatalogueInputError) as refused:
        services.product_create(actor=owner, supplier=supplier, data=data)
    [error] = refused.value.errors
    assert (error.column, error.variant) == (column, 1) and message in error.message
    assert (Product.objects.count(), SupplierProduct.objects.count()) == before


def test_food_attributes_read_booleans_and_refuse_other_words(supplier, owner):
    from supplier.catalogue_input import parse_attribute

    assert [parse_attribute("boolean", word) for word in ("yes", "No", "TRUE", "false", "1", "0", "")] == [
        True, False, True, False, True, False, None]
    with pytest.raises(ValueError, match="is not yes or no"):
        parse_attribute("boolean", "maybe")
    assert parse_attribute("float", "2.5") == 2.5
    with pytest.raises(ValueError, match="not a number"):
        parse_attribute("float", "two")
    with pytest.raises(ValueError, match="“option”, which this form and the spreadsheet import do not support"):
        parse_attribute("option", "red")
    data = _input(product_class="Food", category="Food > Grains")
    data.variants[0].attributes = {"organic": "yes", "shelf_life_days": "90"}
    data.variants[1].attributes = {"organic": "perhaps"}
    with pytest.raises(services.CatalogueInputError) as refused:
        services.product_create(actor=owner, supplier=supplier, data=data)
    assert [(e.column, e.variant) for e in refused.value.errors] == [("attr:organic", 1)]
    data.variants[1].attributes = {"organic": "no"}
    services.product_create(actor=owner, supplier=supplier, data=data)
    first = Product.objects.get(stockrecords__partner_sku="T-1-a")
    second = Product.objects.get(stockrecords__partner_sku="T-1-b")
    assert (first.attr.organic, first.attr.shelf_life_days, second.attr.organic) == (True, 90, False)
