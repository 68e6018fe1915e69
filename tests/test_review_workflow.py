"""The review workflow through the pages: supplier submits, operator approves or rejects (one or many), edits
that need another review, shelf and stock, and what the distribution market shows."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from parties.models import PartyStatus, Supplier
from supplier import selectors
from supplier.models import ReviewEvent, ReviewState, SupplierProduct
from tests.test_catalogue_portal import _edit_data, form_data, png

QUEUE = reverse("dashboard:mp-review-list")
MARKET = reverse("distributor:market")

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier(signed_in):
    return signed_in("supplier@demo.test")


@pytest.fixture
def operator(signed_in):
    return signed_in("operator@demo.test")


@pytest.fixture
def distributor(signed_in):
    return signed_in("distributor@demo.test")


def entry_of(title: str) -> SupplierProduct:
    return SupplierProduct.objects.select_related("product").get(product__title=title)


def text(response) -> str:
    """The page as a user reads it: entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def in_market(client, entry: SupplierProduct) -> bool:
    """Whether a distributor finds the product in the market list and can open its page (both or neither)."""
    listed = entry.pk in [e.pk for e in client.get(MARKET, {"q": entry.product.title}).context["products"]]
    status = client.get(reverse("distributor:market-detail", args=[entry.pk])).status_code
    assert status in {200, 404}
    assert listed == (status == 200), f"list says {listed}, detail page says {status}"
    return listed


def review(client, entry, action: str, reason: str = ""):
    return client.post(reverse("dashboard:mp-review-detail", args=[entry.pk]),
                       {"action": action, "reason": reason}, follow=True)


def test_draft_is_submitted_approved_and_then_in_the_market(supplier, operator, distributor):
    response = supplier.post(reverse("supplier:product-create"), form_data(images=[png()]))
    entry = entry_of("Spring Longjing")
    assert response.status_code == 302 and entry.state == ReviewState.DRAFT
    assert not in_market(distributor, entry)
    assert entry.pk not in [e.pk for e in operator.get(QUEUE).context["entries"]]

    submit = reverse("supplier:product-submit", args=[entry.pk])
    assert "Submit for review" in text(supplier.get(submit))
    page = text(supplier.post(submit, follow=True))
    assert "Submitted for review." in page and "Waiting for the operator's review." in page
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED

    queue = operator.get(QUEUE)
    row = next(e for e in queue.context["entries"] if e.pk == entry.pk)
    assert row.changes == [] and "First review" in text(queue)
    detail = text(operator.get(reverse("dashboard:mp-review-detail", args=[entry.pk])))
    assert "NEW-50" in detail and "CN¥12.00" in detail and "Green Leaf Tea" in detail

    page = text(review(operator, entry, "approve"))
    assert "“Spring Longjing” approved." in page
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED and entry.product.is_public
    assert in_market(distributor, entry)
    market = text(distributor.get(MARKET, {"q": "Spring Longjing"}))
    assert "CN¥10.00" in market and "CN¥34.00" in market and "CN¥24.00" in market  # min, max, margin
    detail = text(distributor.get(reverse("distributor:market-detail", args=[entry.pk])))
    assert "NEW-100" in detail and "CN¥22.00" in detail  # the retail floor
    assert [e.action for e in entry.history.order_by("at", "pk")] == ["created", "submitted", "approved"]


def test_rejection_needs_a_reason_the_supplier_sees_it_and_resubmits(supplier, operator):
    entry = entry_of("Dianhong Golden Buds")
    assert entry.state == ReviewState.SUBMITTED

    page = text(review(operator, entry, "reject", reason="   "))
    assert "Give a reason for the rejection; the supplier will see it." in page
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED

    review(operator, entry, "reject", reason="The 200 g photo shows the 100 g tin.")
    entry.refresh_from_db()
    assert entry.state == ReviewState.REJECTED
    page = text(supplier.get(reverse("supplier:product-detail", args=[entry.pk])))
    assert "Rejected by the operator:" in page and "The 200 g photo shows the 100 g tin." in page
    assert "Submit for review again" in page

    supplier.post(reverse("supplier:product-submit", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED
    assert entry.pk in [e.pk for e in operator.get(QUEUE).context["entries"]]


def test_approving_a_draft_is_refused_with_a_clear_message(operator):
    entry = entry_of("Yingde Black")
    page = text(review(operator, entry, "approve"))
    assert "Nothing was changed. Only a product waiting for review can be approved; this one is “Draft”." in page
    entry.refresh_from_db()
    assert entry.state == ReviewState.DRAFT


def test_submitting_an_approved_product_is_refused(supplier):
    entry = entry_of("West Lake Longjing")
    page = text(supplier.post(reverse("supplier:product-submit", args=[entry.pk]), follow=True))
    assert "Only a draft or rejected product can be submitted; this one is “Approved”." in page
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED


def test_shelf_off_takes_a_product_out_of_the_market_and_on_brings_it_back(supplier, distributor):
    entry = entry_of("West Lake Longjing")
    url = reverse("supplier:product-shelf", args=[entry.pk])
    assert in_market(distributor, entry)
    supplier.post(url, {"on_shelf": "off"})
    entry.refresh_from_db()
    assert not entry.on_shelf and entry.state == ReviewState.APPROVED
    assert not in_market(distributor, entry)
    supplier.post(url, {"on_shelf": "on"})
    assert in_market(distributor, entry)
    assert [e.action for e in entry.history.all()[:2]] == ["shelf_on", "shelf_off"]


def test_a_bad_shelf_value_changes_nothing(supplier):
    entry = entry_of("West Lake Longjing")
    page = text(supplier.post(reverse("supplier:product-shelf", args=[entry.pk]), {"on_shelf": "maybe"},
                              follow=True))
    assert "Choose on shelf or off shelf." in page
    entry.refresh_from_db()
    assert entry.on_shelf


@pytest.mark.parametrize(
    ("changes", "field", "before", "after"),
    [
        ({"title": "West Lake Longjing Premium"}, "Title", "West Lake Longjing", "West Lake Longjing Premium"),
        ({"category": "Tea > Oolong"}, "Category", "Tea > Green tea", "Tea > Oolong"),
        ({"images": [png("second.png")]}, "Images", "west-lake-longjing", "second"),
        ({"variants-0-min_retail_price": "90.00"}, "SKU GLT-001-1", "retail floor 81.60", "retail floor 90.00"),
    ],
    ids=["title", "category", "images", "retail-floor"],
)
def test_editing_reviewed_content_of_an_approved_product_sends_it_back_to_review(
        supplier, operator, distributor, changes, field, before, after):
    entry = entry_of("West Lake Longjing")
    url = reverse("supplier:product-edit", args=[entry.pk])
    response = supplier.post(url, _edit_data(supplier.get(url), **changes), follow=True)
    assert "These changes need the operator's approval again" in text(response)
    entry.refresh_from_db()
    assert entry.state == ReviewState.SUBMITTED
    assert not in_market(distributor, entry)
    assert entry.history.first().action == ReviewEvent.Action.RESUBMITTED

    queued = next(e for e in operator.get(QUEUE).context["entries"] if e.pk == entry.pk)
    [change] = [c for c in queued.changes if c["label"] == field]
    assert before in change["before"] and after in change["after"]
    page = text(operator.get(reverse("dashboard:mp-review-detail", args=[entry.pk])))
    assert field in page and "→" in page

    review(operator, entry, "approve")
    assert in_market(distributor, entry)


@pytest.mark.parametrize(
    "changes",
    [{"variants-0-stock_hz": "77"}, {"variants-1-wholesale_price": "100.00"}],
    ids=["stock-in-edit-form", "wholesale-price"],
)
def test_stock_and_other_price_edits_keep_an_approved_product_in_the_market(supplier, distributor, changes):
    entry = entry_of("West Lake Longjing")
    url = reverse("supplier:product-edit", args=[entry.pk])
    response = supplier.post(url, _edit_data(supplier.get(url), **changes), follow=True)
    assert "Saved." in text(response)
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED
    assert in_market(distributor, entry)


def test_quick_stock_change_keeps_an_approved_product_approved(supplier, distributor):
    entry = entry_of("West Lake Longjing")
    supplier.post(reverse("supplier:product-stock", args=[entry.pk]),
                  {"sku": "GLT-001-1", "warehouse": "hz", "on_hand": "3"})
    entry.refresh_from_db()
    assert entry.state == ReviewState.APPROVED
    assert in_market(distributor, entry)
    assert not entry.history.filter(action=ReviewEvent.Action.RESUBMITTED).exists()


def _submitted(slug: str) -> list[SupplierProduct]:
    return list(SupplierProduct.objects.filter(supplier__slug=slug, state=ReviewState.SUBMITTED).order_by("pk"))


def test_bulk_approve(operator, distributor):
    picked = _submitted("green-leaf-tea")
    assert len(picked) == 3
    page = text(operator.post(QUEUE, {"products": [e.pk for e in picked], "action": "approve"}, follow=True))
    assert "3 products approved" in page
    assert all(e.state == ReviewState.APPROVED for e in SupplierProduct.objects.filter(pk__in=[p.pk for p in picked]))
    assert all(in_market(distributor, e) for e in picked if e.on_shelf)
    assert _submitted("golden-grain"), "other suppliers' products stay in the queue"


def test_bulk_reject_gives_every_product_the_one_reason(operator):
    picked = _submitted("golden-grain")
    operator.post(QUEUE, {"products": [e.pk for e in picked], "action": "reject", "reason": "Prices are per kg?"})
    for entry in SupplierProduct.objects.filter(pk__in=[p.pk for p in picked]):
        assert entry.state == ReviewState.REJECTED and entry.reject_reason == "Prices are per kg?"


def test_bulk_reject_without_a_reason_changes_nothing(operator):
    picked = _submitted("golden-grain")
    page = text(operator.post(QUEUE, {"products": [e.pk for e in picked], "action": "reject", "reason": ""},
                              follow=True))
    assert "Give a reason for the rejection; the supplier will see it." in page
    assert _submitted("golden-grain") == picked


def test_bulk_approve_with_a_product_not_waiting_names_it_and_changes_nothing(operator):
    picked = _submitted("green-leaf-tea")
    draft = entry_of("Yingde Black")
    page = text(operator.post(QUEUE, {"products": [e.pk for e in picked] + [draft.pk], "action": "approve"},
                              follow=True))
    assert "Nothing was changed." in page and "Not waiting for review: Yingde Black." in page
    assert _submitted("green-leaf-tea") == picked


def test_bulk_with_nothing_ticked_says_so(operator):
    assert "Tick at least one product first." in text(operator.post(QUEUE, {"action": "approve"}, follow=True))


def test_queue_filters_by_supplier(operator):
    grain = Supplier.objects.get(slug="golden-grain")
    entries = operator.get(QUEUE, {"supplier": grain.pk}).context["entries"]
    assert entries and all(e.supplier_id == grain.pk for e in entries)
    assert {e.pk for e in operator.get(QUEUE).context["entries"]} > {e.pk for e in entries}


def test_snapshots_of_a_page_match_what_the_product_holds(operator):
    """The queue computes snapshots for a whole page at once; each must describe its own product exactly."""
    entries = list(selectors.operator_catalogue())
    assert len(entries) >= 60
    bulk = selectors.review_snapshots(entries)
    for entry in entries:
        product, snap = entry.product, bulk[entry.pk]
        assert snap["title"] == product.title
        assert snap["category"] == sorted(c.full_name for c in product.categories.all())
        assert len(snap["images"]) == product.images.count()
        records = StockRecord.objects.filter(Q(product=product) | Q(product__parent=product))
        assert snap["variants"] == {r.partner_sku: {"name": r.product.title if product.is_parent else "",
                                                    "min_retail_price": str(r.min_retail_price)} for r in records}


def test_queue_query_count_does_not_grow_with_the_queue(operator):
    operator.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        operator.get(QUEUE)
    for entry in SupplierProduct.objects.filter(state=ReviewState.APPROVED)[:10]:
        SupplierProduct.objects.filter(pk=entry.pk).update(state=ReviewState.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        response = operator.get(QUEUE)
    assert len(response.context["entries"]) > 10
    assert len(many) == len(few)


def test_party_users_cannot_open_the_queue_or_the_catalogue(signed_in):
    client = signed_in("supplier@demo.test")
    for url in (QUEUE, reverse("dashboard:mp-catalogue-list")):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "approve"}).status_code == 404


def test_operator_catalogue_filters_and_shows_the_approval_history(operator):
    url = reverse("dashboard:mp-catalogue-list")
    everything = operator.get(url).context["paginator"].count
    assert everything == SupplierProduct.objects.count()
    grain = Supplier.objects.get(slug="golden-grain")
    rows = operator.get(url, {"supplier": grain.pk, "state": "approved"}).context["entries"]
    assert rows and all(e.supplier_id == grain.pk and e.state == "approved" for e in rows)
    snacks = operator.get(url, {"category": "Snacks"}).context["entries"]
    assert snacks and all([c.name for c in e.product.categories.all()] == ["Snacks"] for e in snacks)
    assert [e.product.title for e in operator.get(url, {"q": "wuchang"}).context["entries"]] == ["Wuchang Rice"]

    rejected = entry_of("Dancong Honey Orchid")
    page = text(operator.get(reverse("dashboard:mp-catalogue-detail", args=[rejected.pk])))
    assert "Approval history" in page and "The photo does not show the product." in page
    assert page.index("Rejected") < page.index("Submitted for review") < page.index("Created")


# --- what the distribution market shows ---------------------------------------------------------------


def _zero_stock(supplier_client, entry):
    for row in selectors.variant_rows(entry=entry):
        for code in ("hz", "sh"):
            supplier_client.post(reverse("supplier:product-stock", args=[entry.pk]),
                                 {"sku": row["record"].partner_sku, "warehouse": code, "on_hand": "0"})


def test_market_shows_only_approved_on_shelf_in_stock_products_of_active_suppliers(supplier, distributor, operator):
    listed = {e.pk for e in distributor.get(MARKET, {"page": 1}).context["paginator"].object_list}
    expected = {e.pk for e in SupplierProduct.objects.filter(state=ReviewState.APPROVED, on_shelf=True)
                if any(r["record"].num_in_stock > 0 for r in selectors.variant_rows(entry=e) if r["record"])}
    assert listed == expected

    for title in ("Yingde Black", "Dianhong Golden Buds", "Dancong Honey Orchid", "Jin Jun Mei"):  # draft,
        assert not in_market(distributor, entry_of(title))  # submitted, rejected, off shelf
    lu_an = entry_of("Lu'an Guapian")
    assert in_market(distributor, lu_an)
    _zero_stock(supplier, lu_an)
    assert not in_market(distributor, lu_an)

    longjing = entry_of("West Lake Longjing")
    assert in_market(distributor, longjing)
    green_leaf = Supplier.objects.get(slug="green-leaf-tea")
    operator.post(reverse("dashboard:mp-party-status", args=["supplier", green_leaf.pk]),
                  {"status": PartyStatus.SUSPENDED, "reason": "Licence expired"})
    assert Supplier.objects.get(pk=green_leaf.pk).status == PartyStatus.SUSPENDED
    assert not in_market(distributor, longjing)
    assert not any(e.supplier_id == green_leaf.pk for e in distributor.get(MARKET).context["products"])


def test_market_filters_by_category_and_supplier(distributor):
    grain = Supplier.objects.get(slug="golden-grain")
    by_supplier = distributor.get(MARKET, {"supplier": grain.pk}).context["products"]
    assert by_supplier and all(e.supplier_id == grain.pk for e in by_supplier)
    oolong = distributor.get(MARKET, {"category": "Oolong"}).context["products"]
    assert oolong and all([c.name for c in e.product.categories.all()] == ["Oolong"] for e in oolong)
    page = text(distributor.get(MARKET, {"q": "West Lake"}))
    longjing = entry_of("West Lake Longjing")
    records = [r["record"] for r in selectors.variant_rows(entry=longjing)]
    low, high = min(r.wholesale_price for r in records), max(r.price for r in records)
    assert f"CN¥{low}" in page and f"CN¥{high}" in page and f"CN¥{high - low}" in page
    assert high - low > Decimal("0")


def test_market_page_queries_do_not_depend_on_how_many_products_it_shows(distributor):
    distributor.get(MARKET)
    with CaptureQueriesContext(connection) as one:
        single = distributor.get(MARKET, {"q": "West Lake"})
    with CaptureQueriesContext(connection) as full:
        page = distributor.get(MARKET)
    assert len(single.context["products"]) == 1 and len(page.context["products"]) == 24
    assert len(full) == len(one)
