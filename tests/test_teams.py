"""Teams: invitations build a tree without loops; bonus rules are versioned and a sale is split under the
version in force when it was placed, with the eligibility rule applied."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from distributor import services
from distributor.models import BonusBasis, BonusRuleSet, TeamInvitation, TeamLink
from distributor.selectors import bonus_rules_at, team_bonus_shares, team_size, team_tree, upline_chain
from parties.models import Distributor

D = Decimal


@pytest.fixture
def parties(demo):
    """Three demo distributors with no team yet and no bonus rules (whatever the demo has, this test starts bare)."""
    TeamLink.objects.all().delete()
    TeamInvitation.objects.all().delete()
    BonusRuleSet.objects.all().delete()
    return {slug: Distributor.objects.get(slug=slug) for slug in ("sunrise-retail", "harbor-goods", "maple-lifestyle")}


@pytest.fixture
def actor(demo):
    return get_user_model().objects.get(email="distributor@demo.test")


def recruit(actor, upline: Distributor, member: Distributor) -> TeamLink:
    invitation = services.team_invitation_create(actor=actor, distributor=upline, note=str(member))
    return services.team_join(actor=actor, token=invitation.token, distributor=member)


def test_an_invitation_makes_a_direct_member_and_the_tree_shows_two_levels(parties, actor):
    sunrise, harbor, maple = parties.values()
    recruit(actor, sunrise, harbor)
    recruit(actor, harbor, maple)
    tree = team_tree(distributor=sunrise)
    assert [(n.distributor.slug, n.depth) for n in tree.children] == [("harbor-goods", 1)]
    assert [(n.distributor.slug, n.depth) for n in tree.children[0].children] == [("maple-lifestyle", 2)]
    assert team_size(tree) == 2 and team_size(team_tree(distributor=harbor)) == 1
    assert [d.slug for d in upline_chain(distributor=maple)] == ["harbor-goods", "sunrise-retail"]
    assert upline_chain(distributor=maple, levels=1) == [harbor]


def test_an_invitation_is_used_once(parties, actor):
    sunrise, harbor, maple = parties.values()
    invitation = services.team_invitation_create(actor=actor, distributor=sunrise)
    services.team_join(actor=actor, token=invitation.token, distributor=harbor)
    with pytest.raises(services.TeamError, match="already been used"):
        services.team_join(actor=actor, token=invitation.token, distributor=maple)
    assert not TeamLink.objects.filter(distributor=maple).exists()


@pytest.mark.parametrize("case, message", [
    ("unknown", "not valid"), ("own", "your own invitation"), ("other team", "already in the team of"),
    ("loop", "would make a loop"),
])
def test_joining_is_refused_with_a_reason_and_nothing_changes(parties, actor, case, message):
    sunrise, harbor, maple = parties.values()
    recruit(actor, sunrise, harbor)
    if case == "unknown":
        token, joiner = "no-such-token", maple
    elif case == "own":
        token, joiner = services.team_invitation_create(actor=actor, distributor=maple).token, maple
    elif case == "other team":  # harbor already belongs to sunrise's team
        token, joiner = services.team_invitation_create(actor=actor, distributor=maple).token, harbor
    else:  # sunrise is harbor's upline: sunrise joining harbor's team would close a loop
        token, joiner = services.team_invitation_create(actor=actor, distributor=harbor).token, sunrise
    before = list(TeamLink.objects.values_list("distributor_id", "upline_id"))
    with pytest.raises(services.TeamError, match=message):
        services.team_join(actor=actor, token=token, distributor=joiner)
    assert list(TeamLink.objects.values_list("distributor_id", "upline_id")) == before
    assert not TeamInvitation.objects.exclude(used_at=None).exclude(used_by=harbor).exists()


# --- bonus rules ---------------------------------------------------------------------------------------------------


def publish(when, **changes) -> BonusRuleSet:
    operator = get_user_model().objects.get(email="operator@demo.test")
    figures = dict(levels=2, basis=BonusBasis.MARGIN, level_percents=(D("10"), D("5")), min_monthly_sales=D("0"),
                   effective_from=when)
    figures.update(changes)
    return services.bonus_rules_publish(actor=operator, **figures)


def test_rules_are_versioned_and_a_sale_uses_the_version_in_force_when_it_was_placed(parties, actor):
    sunrise, harbor, maple = parties.values()
    recruit(actor, sunrise, harbor)
    recruit(actor, harbor, maple)
    now = timezone.now()
    v1 = publish(now)
    v2 = publish(now + timedelta(days=1), levels=1, basis=BonusBasis.SALE, level_percents=(D("2"),))
    assert (v1.version, v2.version) == (1, 2)
    assert bonus_rules_at(when=now + timedelta(hours=1)) == v1
    assert bonus_rules_at(when=now + timedelta(days=2)) == v2
    assert bonus_rules_at(when=now - timedelta(days=1)) is None

    placed_under_v1 = team_bonus_shares(seller=maple, sale=D("200.00"), margin=D("60.00"),
                                        placed_at=now + timedelta(hours=1))
    assert [(s.level, s.distributor.slug, s.amount) for s in placed_under_v1] == [
        (1, "harbor-goods", D("6.00")), (2, "sunrise-retail", D("3.00"))]
    placed_under_v2 = team_bonus_shares(seller=maple, sale=D("200.00"), margin=D("60.00"),
                                        placed_at=now + timedelta(days=2))
    assert [(s.level, s.distributor.slug, s.amount) for s in placed_under_v2] == [(1, "harbor-goods", D("4.00"))]
    assert team_bonus_shares(seller=sunrise, sale=D("200"), margin=D("60"), placed_at=now + timedelta(hours=1)) == []


def test_a_member_below_the_monthly_minimum_earns_nothing_that_month(parties, actor):
    sunrise, harbor, _maple = parties.values()
    recruit(actor, sunrise, harbor)
    # far above anything the demo's orders sell this month
    publish(timezone.now(), levels=1, level_percents=(D("10"),), min_monthly_sales=D("99999999.00"))
    [share] = team_bonus_shares(seller=harbor, sale=D("100"), margin=D("30"),
                                placed_at=timezone.now() + timedelta(minutes=5))
    assert (share.distributor, share.eligible, share.amount) == (sunrise, False, D("0.00"))


@pytest.mark.parametrize("changes, field, message", [
    ({"levels": 4}, "levels", "0 to 3 levels"),
    ({"level_percents": (D("10"), D("101"))}, "level_2_percent", "between 0 and 100"),
    ({"level_percents": (D("60"), D("50"))}, "level_1_percent", "more than 100%"),
    ({"levels": 1, "level_percents": (D("10"), D("5"))}, "level_2_percent", "Only 1 levels are paid"),
    ({"min_monthly_sales": D("-1")}, "min_monthly_sales", "Zero or more"),
    ({"effective_from": "past"}, "effective_from", "cannot change the past"),
    ({"effective_from": "before latest"}, "effective_from", "must start later"),
])
def test_bad_rules_are_refused_per_field_and_no_version_is_written(parties, changes, field, message):
    now = timezone.now()
    publish(now + timedelta(days=3))
    if changes.get("effective_from") == "past":
        changes["effective_from"] = now - timedelta(days=1)
    elif changes.get("effective_from") == "before latest":
        changes["effective_from"] = now + timedelta(days=2)
    when = changes.pop("effective_from", now + timedelta(days=4))
    with pytest.raises(services.BonusRulesError) as refused:
        publish(when, **changes)
    assert message in refused.value.problems[field], refused.value.problems
    assert BonusRuleSet.objects.count() == 1
