"""Behaviour that only the scale-out engines can show: row locks on PostgreSQL, a shared Redis layer."""


import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from parties.models import Membership, PartyStatus, Store
from parties.services import party_set_status
from tests.concurrency import run_together


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_suspensions_of_one_store_apply_once():
    from parties.demo import load_demo

    load_demo(with_catalogue=False)
    operator = get_user_model().objects.get(email="operator@demo.test")
    store = Store.objects.get(slug="maple-kids")
    outcomes = run_together(lambda: party_set_status(actor=operator, party=store, status=PartyStatus.SUSPENDED,
                                                     reason="Audit"), [()] * 4, timeout=15)
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(outcomes) == 4 and len(refused) == 3, outcomes
    assert all(isinstance(error, ValidationError) and "already suspended" in error.messages[0] for error in refused)


def test_membership_names_exactly_one_party(demo):
    user = get_user_model().objects.get(email="shopper@demo.test")
    store = Store.objects.get(slug="maple-kids")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, store=store, distributor=store.distributor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user)


@pytest.mark.redis
async def test_redis_layer_carries_events_between_processes():
    """Two layer instances stand for two ASGI processes sharing one Redis."""
    from channels_redis.core import RedisChannelLayer

    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    hosts = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    process_a, process_b = RedisChannelLayer(hosts=hosts), RedisChannelLayer(hosts=hosts)
    channel = await process_a.new_channel()
    await process_a.group_add("user.test", channel)
    await process_b.group_send("user.test", {"type": "portal.event", "payload": {"id": 7}})
    message = await process_a.receive(channel)
    assert message["payload"] == {"id": 7}
    await process_a.group_discard("user.test", channel)
    await process_a.flush()
    await process_a.close_pools()
    await process_b.close_pools()
