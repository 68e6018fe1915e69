"""The stock ledger's invariant under random sequences of movements (hypothesis).

After every step, for every stock row of the SKU: on hand == the sum of its movements' on-hand deltas and
allocated == the sum of their allocated deltas, never negative, allocated <= on hand unless an adjustment
counted fewer units than orders hold, and oscar's stock record totals equal the sums over all locations.
Invalid steps (too many units, negative counts, transfers to another owner, a second receive...) must be
refused with a ValidationError and change nothing.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory import services
from inventory.models import MovementKind, StockMovement, Transfer
from parties.models import Store, Warehouse
from supplier.models import WarehouseStock
from tests.distribution_helpers import approved_tea, record

LOCATIONS = ("floor", "back", "hz", "harbor")  # harbor: another owner's location (transfers there are refused)

units = st.integers(min_value=-2, max_value=14)
place = st.sampled_from(LOCATIONS[:3])
steps = st.one_of(
    st.tuples(st.just("receive"), place, units),
    st.tuples(st.just("return"), place, units),
    st.tuples(st.just("allocate"), st.just(""), st.integers(min_value=1, max_value=20)),
    st.tuples(st.just("release"), place, st.integers(min_value=1, max_value=8)),
    st.tuples(st.just("ship"), place, st.integers(min_value=1, max_value=8)),
    st.tuples(st.just("adjust"), place, st.integers(min_value=-1, max_value=15)),
    st.tuples(st.just("sale"), place, st.integers(min_value=1, max_value=10)),
    st.tuples(st.just("transfer"), st.tuples(place, st.sampled_from(LOCATIONS)), units),
    st.tuples(st.just("arrive"), st.just(""), st.integers(min_value=0, max_value=3)),
)


class Rollback(Exception):
    pass


def _snapshot(record_id):
    rows = sorted(WarehouseStock.objects.filter(stockrecord_id=record_id).values_list("pk", "on_hand", "allocated"))
    rec = record_id and type(record("LST-a")).objects.get(pk=record_id)
    return rows, StockMovement.objects.count(), rec.num_in_stock, rec.num_allocated, \
        sorted(Transfer.objects.values_list("pk", "status"))


def _check_invariant(record_id):
    rows = list(WarehouseStock.objects.filter(stockrecord_id=record_id))
    for row in rows:
        sums = row.movements.aggregate(on_hand=Sum("on_hand_delta"), allocated=Sum("allocated_delta"))
        assert row.on_hand == (sums["on_hand"] or 0), f"on hand of row {row.pk} is not the sum of its movements"
        assert row.allocated == (sums["allocated"] or 0), f"allocated of row {row.pk} is not its movements' sum"
        assert row.on_hand >= 0 and row.allocated >= 0
        if row.allocated > row.on_hand:
            assert row.movements.filter(kind=MovementKind.ADJUST, on_hand_delta__lt=0).exists(), \
                "more allocated than on hand without an adjustment down"
    rec = type(record("LST-a")).objects.get(pk=record_id)
    assert rec.num_in_stock == sum(row.on_hand for row in rows)
    assert (rec.num_allocated or 0) == sum(row.allocated for row in rows)


@pytest.mark.django_db(transaction=False)
def test_ledger_invariant_holds_after_random_movements(demo):
    approved_tea()
    sku = record("LST-a")
    shop = Store.objects.get(slug="sunrise-nanjing-road")
    locations = {
        "floor": Warehouse.objects.get(store=shop, code="floor"),
        "back": Warehouse.objects.get_or_create(store=Store.objects.get(slug="sunrise-online"), code="back",
                                                defaults={"name": "Back room"})[0],
        "hz": Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz"),
        "harbor": Warehouse.objects.get(store__slug="harbor-online"),
    }
    _check_invariant(sku.pk)  # the opening stock of the fresh SKU (5 in hz) already adds up

    def row_at(name):
        return services.stock_rows_lock(pairs={(locations[name].pk, sku.pk)}).get((locations[name].pk, sku.pk))

    def apply(kind, where, n, transfers):
        if kind in ("receive", "return"):
            services.stock_receive(location=locations[where], items=[(sku.pk, n)], actor=None, reason="test",
                                   kind=MovementKind.RECEIVE if kind == "receive" else MovementKind.RETURN)
        elif kind == "allocate":
            with transaction.atomic():
                services.stock_allocate(store=shop, stockrecord=sku, quantity=n)
        elif kind == "release":
            services.stock_release(items=[(locations[where].pk, sku.pk, n)], reason="test")
        elif kind == "ship":
            services.stock_ship(items=[(locations[where].pk, sku.pk, n)])
        elif kind == "adjust":
            services.stock_levels_set(location=locations[where], levels={sku.pk: n}, actor=None, reason="count")
        elif kind == "sale":
            with transaction.atomic():
                row = row_at(where)
                if row is None:
                    raise ValidationError("no row")
                services.stock_moves_apply(moves=[services.Move(stock=row, kind=MovementKind.SALE, on_hand=-n)])
        elif kind == "transfer":
            source, destination = where
            transfers.append(services.transfer_dispatch(source=locations[source], destination=locations[destination],
                                                        items=[(sku.pk, n)], actor=None))
        elif kind == "arrive":
            if not transfers:
                raise ValidationError("nothing in transit")
            services.transfer_receive(transfer=transfers[n % len(transfers)], actor=None)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(steps, min_size=1, max_size=18))
    def run(sequence):
        try:
            with transaction.atomic():
                transfers = []
                for kind, where, n in sequence:
                    before = _snapshot(sku.pk)
                    try:
                        with transaction.atomic():
                            apply(kind, where, n, transfers)
                    except ValidationError:
                        assert _snapshot(sku.pk) == before, f"refused {kind} changed something"
                    _check_invariant(sku.pk)
                raise Rollback  # every example starts from the same rows
        except Rollback:
            pass

    run()


@pytest.mark.django_db
def test_refusals_the_random_walk_must_meet(demo):
    """The invalid steps the walk above generates are refused, each with a clear message."""
    approved_tea()
    sku = record("LST-a")
    hz = Warehouse.objects.get(supplier__slug="green-leaf-tea", code="hz")
    harbor = Warehouse.objects.get(store__slug="harbor-online")
    with pytest.raises(ValidationError, match="another owner"):
        services.transfer_dispatch(source=hz, destination=harbor, items=[(sku.pk, 1)], actor=None)
    with pytest.raises(ValidationError, match="at least one unit"):
        services.stock_receive(location=hz, items=[(sku.pk, 0)], actor=None, reason="x")
    with pytest.raises(ValidationError, match="negative"):
        services.stock_levels_set(location=hz, levels={sku.pk: -1}, actor=None, reason="x")
    with pytest.raises(ValidationError, match="only 5 of LST-a"):
        with transaction.atomic():
            row = services.stock_rows_lock(pairs={(hz.pk, sku.pk)})[(hz.pk, sku.pk)]
            services.stock_moves_apply(moves=[services.Move(stock=row, kind=MovementKind.SALE, on_hand=-6)])
    assert WarehouseStock.objects.get(warehouse=hz, stockrecord=sku).on_hand == 5
