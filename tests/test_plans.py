"""Plans/levels: limits and commission rates, assigned by the operator and audited."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from oscar.core.loading import get_model

from audit.models import AuditEvent
from onboarding.selectors import (
    plan_allows_more_products,
    plan_allows_more_stores,
    plan_commission_rate,
    supplier_product_count,
)
from onboarding.services import party_assign_plan, plan_create, plan_update
from parties.models import Distributor, Plan, Store, Supplier

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")


def operator():
    return get_user_model().objects.get(email="operator@demo.test")


def new_supplier(slug="plan-test-supplier", plan=None) -> Supplier:
    partner = Partner.objects.create(name=slug, code=slug)
    return Supplier.objects.create(name=slug, slug=slug, partner=partner, plan=plan)


def add_products(supplier: Supplier, count: int, *, children: int = 0) -> None:
    """`count` standalone products, or parents with `children` variants each, stocked by the supplier."""
    product_class, _ = ProductClass.objects.get_or_create(name="Plan test goods")
    for n in range(count):
        product = Product.objects.create(title=f"{supplier.slug} product {n}", product_class=product_class,
                                         structure="parent" if children else "standalone")
        stocked = [Product.objects.create(title=f"{product.title} v{c}", parent=product, structure="child")
                   for c in range(children)] or [product]
        for item in stocked:
            StockRecord.objects.create(product=item, partner=supplier.partner, partner_sku=f"SKU-{item.pk}",
                                       price=Decimal("10.00"), num_in_stock=5)


def test_demo_has_three_plans_with_basic_as_default_and_assigns_them(demo):
    plans = {p.code: p for p in Plan.objects.all()}
    assert set(plans) >= {"basic", "pro", "flagship"}
    assert list(Plan.objects.filter(is_default=True)) == [plans["basic"]]
    assert plans["flagship"].max_products is None and plans["flagship"].max_stores is None
    assert all(p.name_zh for p in plans.values())
    assert Supplier.objects.get(slug="green-leaf-tea").plan == plans["flagship"]
    assert Distributor.objects.get(slug="harbor-goods").plan == plans["basic"]
    assert not Store.objects.filter(plan__isnull=True).exists()


def test_store_limit(demo):
    harbor = Distributor.objects.get(slug="harbor-goods")  # basic: 1 store, has 1
    sunrise = Distributor.objects.get(slug="sunrise-retail")  # pro: 5 stores, has 2
    assert not plan_allows_more_stores(owner=harbor)
    assert plan_allows_more_stores(owner=sunrise, adding=3)
    assert not plan_allows_more_stores(owner=sunrise, adding=4)
    assert plan_allows_more_stores(owner=Supplier.objects.get(slug="green-leaf-tea"), adding=1000), "unlimited"


def test_a_party_without_plan_follows_the_default_plan(demo):
    sunrise = Distributor.objects.get(slug="sunrise-retail")
    sunrise.plan = None
    sunrise.save(update_fields=["plan"])
    assert not plan_allows_more_stores(owner=sunrise), "basic allows 1 store and Sunrise has 2"
    assert plan_commission_rate(party=sunrise) == Decimal("0.0800")
    Plan.objects.update(is_default=False)
    assert plan_allows_more_stores(owner=sunrise, adding=100), "no plan at all: no limit"
    assert plan_commission_rate(party=sunrise) == Decimal("0")


def test_product_limit_counts_top_level_products_the_supplier_stocks(demo):
    plan = Plan.objects.create(code="tiny", name="Tiny", max_products=3, default_commission_rate=Decimal("0.1"))
    supplier = new_supplier(plan=plan)
    add_products(supplier, 1)
    add_products(supplier, 1, children=3)  # one parent with three variants is one product
    assert supplier_product_count(supplier=supplier) == 2
    assert plan_allows_more_products(supplier=supplier)
    assert not plan_allows_more_products(supplier=supplier, adding=2)
    assert not plan_allows_more_products(supplier=supplier, current=3), "the caller's own count wins"
    other = new_supplier(slug="plan-test-other", plan=plan)
    assert supplier_product_count(supplier=other) == 0


def test_commission_rate_comes_from_the_plan(demo):
    assert plan_commission_rate(party=Supplier.objects.get(slug="green-leaf-tea")) == Decimal("0.0500")
    assert plan_commission_rate(party=Store.objects.get(slug="harbor-online")) == Decimal("0.0800")


def test_assigning_a_plan_is_audited(demo):
    harbor = Distributor.objects.get(slug="harbor-goods")
    pro = Plan.objects.get(code="pro")
    party_assign_plan(actor=operator(), party=harbor, plan=pro)
    harbor.refresh_from_db()
    assert harbor.plan == pro
    event = AuditEvent.objects.get(action="distributor.assign_plan", target_id=str(harbor.pk))
    assert event.changes == {"plan": ["basic", "pro"]} and event.actor_label == "operator@demo.test"


def test_assigning_the_same_plan_or_one_the_party_outgrew_changes_nothing(demo):
    sunrise = Distributor.objects.get(slug="sunrise-retail")
    with pytest.raises(ValidationError, match="already on"):
        party_assign_plan(actor=operator(), party=sunrise, plan=sunrise.plan)
    with pytest.raises(ValidationError, match="has 2 stores and plan Basic allows 1"):
        party_assign_plan(actor=operator(), party=sunrise, plan=Plan.objects.get(code="basic"))
    tiny = Plan.objects.create(code="tiny", name="Tiny", max_products=1, default_commission_rate=Decimal("0.1"))
    supplier = new_supplier()
    add_products(supplier, 2)
    with pytest.raises(ValidationError, match="has 2 products and plan Tiny allows 1"):
        party_assign_plan(actor=operator(), party=supplier, plan=tiny)
    sunrise.refresh_from_db()
    supplier.refresh_from_db()
    assert sunrise.plan.code == "pro" and supplier.plan is None
    assert not AuditEvent.objects.filter(action__endswith=".assign_plan").exists()


def test_operator_assigns_a_plan_on_the_party_page(signed_in):
    client = signed_in("operator@demo.test")
    supplier = Supplier.objects.get(slug="blue-river-home")
    detail = reverse("dashboard:mp-supplier-detail", kwargs={"pk": supplier.pk})
    page = client.get(detail).content.decode()
    assert 'id="party-plan-select"' in page and "Basic" in page
    pro = Plan.objects.get(code="pro")
    url = reverse("dashboard:mp-party-plan", kwargs={"kind": "supplier", "pk": supplier.pk})
    response = client.post(url, {"plan": pro.pk}, REMOTE_ADDR="203.0.113.7", follow=True)
    assert "Blue River Home is now on Pro" in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.plan == pro
    event = AuditEvent.objects.get(action="supplier.assign_plan", target_id=str(supplier.pk))
    assert event.ip_address == "203.0.113.7" and event.path == url
    assert "supplier.assign_plan" in client.get(detail).content.decode(), "shown in the party's history"
    response = client.post(url, {"plan": "999999"}, follow=True)
    assert "Choose one of the listed plans" in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.plan == pro


def test_operator_creates_a_plan(signed_in):
    client = signed_in("operator@demo.test")
    response = client.post(reverse("dashboard:mp-plan-create"), {
        "code": "enterprise", "name": "Enterprise", "name_zh": "企业版", "max_products": "",
        "max_stores": "20", "default_commission_rate": "0.0300"})
    assert response.status_code == 302
    plan = Plan.objects.get(code="enterprise")
    assert plan.max_products is None and plan.max_stores == 20
    assert plan.default_commission_rate == Decimal("0.0300") and not plan.is_default
    assert AuditEvent.objects.get(action="plan.create", target_id=str(plan.pk)).changes["code"] == "enterprise"
    listing = client.get(reverse("dashboard:mp-plan-list")).content.decode()
    assert "Enterprise" in listing and "企业版" in listing


@pytest.mark.parametrize(("field", "value", "message"), [
    ("default_commission_rate", "1.0000", "from 0 up to (not including) 1"),
    ("default_commission_rate", "-0.0100", "from 0 up to (not including) 1"),
    ("default_commission_rate", "0.12345", "decimal places"),
    ("default_commission_rate", "", "This field is required"),
    ("max_stores", "-1", "greater than or equal to 0"),
    ("code", "pro", "already exists"),
    ("code", "not a slug!", "letters, numbers, underscores or hyphens"),
    ("name", "", "This field is required"),
])
def test_bad_plan_input_gets_a_clear_message_and_saves_nothing(field, value, message, signed_in):
    data = {"code": "enterprise", "name": "Enterprise", "name_zh": "", "max_products": "", "max_stores": "",
            "default_commission_rate": "0.0300", field: value}
    before = list(Plan.objects.values_list("code", "default_commission_rate", "is_default"))
    response = signed_in("operator@demo.test").post(reverse("dashboard:mp-plan-create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context["form"].errors
    assert list(Plan.objects.values_list("code", "default_commission_rate", "is_default")) == before
    assert not AuditEvent.objects.filter(action="plan.create").exists()


def test_a_new_default_plan_replaces_the_old_one(demo):
    plan = plan_create(actor=operator(), code="starter", name="Starter", default_commission_rate=Decimal("0.09"),
                       is_default=True)
    assert list(Plan.objects.filter(is_default=True)) == [plan]


def test_a_refused_new_default_leaves_the_old_default_in_place(demo):
    with pytest.raises(ValidationError, match="from 0 up to"):
        plan_create(actor=operator(), code="starter", name="Starter", default_commission_rate=Decimal("2"),
                    is_default=True)
    assert list(Plan.objects.filter(is_default=True).values_list("code", flat=True)) == ["basic"]
    assert not Plan.objects.filter(code="starter").exists()


def test_editing_a_plan_records_only_what_changed(signed_in):
    pro = Plan.objects.get(code="pro")
    client = signed_in("operator@demo.test")
    url = reverse("dashboard:mp-plan-update", kwargs={"pk": pro.pk})
    assert "Edit plan Pro" in client.get(url).content.decode()
    response = client.post(url, {"code": "pro", "name": "Pro", "name_zh": "专业版", "max_products": "1000",
                                 "max_stores": "10", "default_commission_rate": "0.06"})
    assert response.status_code == 302
    pro.refresh_from_db()
    assert pro.max_stores == 10
    assert AuditEvent.objects.get(action="plan.update", target_id=str(pro.pk)).changes == {"max_stores": [5, 10]}
    updated = plan_update(actor=operator(), plan=pro, is_default=True)
    assert updated.is_default and not Plan.objects.get(code="basic").is_default


def test_the_database_refuses_impossible_plans(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(code="bad-rate", name="Bad", default_commission_rate=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(code="second-default", name="Second", is_default=True)


def test_plan_pages_are_staff_only(signed_in):
    client = signed_in("supplier@demo.test")
    assert client.get(reverse("dashboard:mp-plan-list")).status_code == 404
    assert client.get(reverse("dashboard:mp-plan-create")).status_code == 404
    response = client.post(reverse("dashboard:mp-party-plan", kwargs={"kind": "supplier", "pk": 1}), {"plan": ""})
    assert response.status_code == 404
