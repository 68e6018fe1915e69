"""Operator back-office for distribution: the price ceiling, versioned team bonus rules with a preview, teams."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from distributor.models import BonusRuleSet, Listing, ListingFlag, PriceRule, TeamLink
from distributor.selectors import market_records, price_policy, team_bonus_shares
from distributor.services import bonus_rules_publish, listings_save, team_invitation_create, team_join
from parties.models import Distributor, Store

User = get_user_model()

CEILING_URL = "dashboard:mp-price-ceiling"
BONUS_URL = "dashboard:mp-bonus-rules"
TEAMS_URL = "dashboard:mp-team-list"
NEW_URLS = (CEILING_URL, BONUS_URL, TEAMS_URL)
DATETIME = "%Y-%m-%dT%H:%M"


def operator():
    return User.objects.get(email="operator@demo.test")


def distributor(slug: str) -> Distributor:
    return Distributor.objects.get(slug=slug)


def join(member: str, upline: str) -> TeamLink:
    """`member` joins `upline`'s team through an invitation, the way the portals do it (once)."""
    link = TeamLink.objects.filter(distributor__slug=member, upline__slug=upline).first()
    if link is not None:
        return link
    invitation = team_invitation_create(actor=operator(), distributor=distributor(upline))
    return team_join(actor=operator(), token=invitation.token, distributor=distributor(member))


@pytest.fixture
def team(demo):
    """Maple Lifestyle ← Harbor Goods ← Sunrise Retail: each recruited by the next (the demo's team)."""
    join("harbor-goods", "sunrise-retail")
    join("maple-lifestyle", "harbor-goods")


def next_version() -> int:
    latest = BonusRuleSet.objects.order_by("-version").first()
    return latest.version + 1 if latest else 1


def after_latest():
    """A start for a test's first version: now, or just after a version the demo starts later."""
    latest = BonusRuleSet.objects.order_by("-effective_from").first()
    now = timezone.now()
    return max(now, latest.effective_from + timedelta(minutes=1)) if latest else now


def publish(**overrides) -> BonusRuleSet:
    values = {"actor": operator(), "levels": 1, "basis": "margin", "level_percents": (Decimal("10"),),
              "min_monthly_sales": Decimal("0"), "effective_from": timezone.now()}
    values.update(overrides)
    return bonus_rules_publish(**values)


def rules_form(**overrides) -> dict:
    data = {"levels": "2", "basis": "sale", "level_1_percent": "5", "level_2_percent": "2", "level_3_percent": "0",
            "min_monthly_sales": "0", "effective_from": ""}
    data.update(overrides)
    return data


# --- price ceiling -------------------------------------------------------------------------------------------------


def sunrise_listing() -> Listing:
    """A listing at 1.5 × the suggested retail price, within the default ceiling of +100%."""
    record = market_records().filter(price__isnull=False).order_by("pk").first()
    assert record is not None, "the demo has an approved SKU with a suggested price"
    price = (record.price * Decimal("1.5")).quantize(Decimal("0.01"))
    [listing] = listings_save(actor=operator(), distributor=distributor("sunrise-retail"),
                              store_ids=[Store.objects.get(slug="sunrise-online").pk], record_ids=[record.pk],
                              rule=PriceRule.FIXED, fixed_price=price)
    assert listing.flag == ListingFlag.NONE
    return listing


def flags() -> dict[int, str]:
    return dict(Listing.objects.values_list("pk", "flag"))


def test_lowering_the_ceiling_flags_a_listing_above_it_and_says_how_many(signed_in, django_capture_on_commit_callbacks):
    listing = sunrise_listing()
    original = price_policy().max_over_suggested_percent
    client = signed_in("operator@demo.test")
    page = client.get(reverse(CEILING_URL)).content.decode()
    assert f"{original}% over the suggested retail price" in page
    before = flags()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CEILING_URL), {"max_over_suggested_percent": "10"}, follow=True)
    page = response.content.decode()
    after = flags()
    newly = sum(1 for pk, flag in after.items() if flag and not before.get(pk))
    assert response.redirect_chain[-1][0] == reverse(CEILING_URL)
    assert "The ceiling is now 10" in page and f"{len(after)} listings checked" in page
    assert f"{newly} newly flagged" in page and newly >= 1
    assert "10.00% over the suggested retail price" in page
    assert after[listing.pk] == ListingFlag.ABOVE_CEILING
    assert price_policy().max_over_suggested_percent == Decimal("10")
    assert price_policy().updated_by == operator()
    assert AuditEvent.objects.filter(action="price_policy.update", actor_label="operator@demo.test").exists()

    response = client.post(reverse(CEILING_URL), {"max_over_suggested_percent": str(original)}, follow=True)
    cleared = sum(1 for pk, flag in flags().items() if after.get(pk) and not flag)
    assert f"{cleared} back in band" in response.content.decode() and cleared >= 1
    listing.refresh_from_db()
    assert listing.flag == ListingFlag.NONE


@pytest.mark.parametrize("value, message", [
    ("-5", "Enter zero or more."),
    ("lots", "Enter a number, such as 30 or 12.5."),
    ("", "This field is required."),
    ("12.345", "At most two decimals."),
])
def test_bad_ceiling_is_refused_with_a_clear_message_and_changes_nothing(value, message, signed_in):
    listing = sunrise_listing()
    before = price_policy().max_over_suggested_percent
    response = signed_in("operator@demo.test").post(reverse(CEILING_URL), {"max_over_suggested_percent": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert price_policy().max_over_suggested_percent == before
    listing.refresh_from_db()
    assert listing.flag == ListingFlag.NONE
    assert not AuditEvent.objects.filter(action="price_policy.update").exists()


# --- bonus rules ---------------------------------------------------------------------------------------------------


def test_operator_publishes_versions_and_sees_them_listed_with_the_one_in_force(signed_in):
    client = signed_in("operator@demo.test")
    first, existing = next_version(), BonusRuleSet.objects.count()
    start = after_latest()
    response = client.post(reverse(BONUS_URL), rules_form(
        levels="1", basis="margin", level_1_percent="10", level_2_percent="0",
        effective_from="" if start <= timezone.now() else timezone.localtime(start).strftime(DATETIME)),
        follow=True)
    assert f"Bonus rules version {first} are published" in response.content.decode()
    v1 = BonusRuleSet.objects.get(version=first)
    assert (v1.levels, v1.basis, v1.level_1_percent, v1.created_by) == (1, "margin", Decimal("10"), operator())
    assert abs(v1.effective_from - start) < timedelta(minutes=1), "an empty start means now"

    later = timezone.localtime(v1.effective_from) + timedelta(days=3)
    response = client.post(reverse(BONUS_URL), rules_form(effective_from=later.strftime(DATETIME),
                                                          min_monthly_sales="500"), follow=True)
    page = response.content.decode()
    assert f"Bonus rules version {first + 1} are published" in page
    v2 = BonusRuleSet.objects.get(version=first + 1)
    assert (v2.levels, v2.basis, v2.level_2_percent, v2.min_monthly_sales) == (2, "sale", Decimal("2"),
                                                                              Decimal("500"))
    for version in BonusRuleSet.objects.all():
        assert f'id="bonus-version-{version.version}"' in page, "every version is listed"
    if v1.effective_from <= timezone.now():
        assert f'id="bonus-version-{first}" class="table-success"' in page, "v1 is in force until v2 starts"
    assert f'id="bonus-version-{first + 1}">' in page, "v2 is not in force yet"
    assert page.count('id="in-force"') == 1
    assert "operator@demo.test" in page and later.strftime("%Y-%m-%d %H:%M") in page
    assert AuditEvent.objects.filter(action="bonus_rules.publish").count() == 2
    assert BonusRuleSet.objects.count() == existing + 2


def test_a_new_version_cannot_start_before_the_latest(signed_in):
    latest = publish(effective_from=after_latest() + timedelta(days=5))
    count = BonusRuleSet.objects.count()
    client = signed_in("operator@demo.test")
    earlier = timezone.localtime(latest.effective_from) - timedelta(days=2)
    response = client.post(reverse(BONUS_URL), rules_form(effective_from=earlier.strftime(DATETIME)))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="effective_from-error"' in page and f"Version {latest.version} is in force from" in page
    assert BonusRuleSet.objects.count() == count


def test_rules_cannot_start_in_the_past(signed_in):
    count = BonusRuleSet.objects.count()
    client = signed_in("operator@demo.test")
    past = timezone.localtime() - timedelta(days=1)
    page = client.post(reverse(BONUS_URL), rules_form(effective_from=past.strftime(DATETIME))).content.decode()
    assert "Rules cannot change the past" in page and BonusRuleSet.objects.count() == count


@pytest.mark.parametrize("overrides, field, message", [
    ({"level_1_percent": "150"}, "level_1_percent", "A percentage between 0 and 100."),
    ({"level_2_percent": "-1"}, "level_2_percent", "A percentage between 0 and 100."),
    ({"levels": "1", "level_2_percent": "3"}, "level_2_percent", "Only 1 levels are paid"),
    ({"level_1_percent": "60", "level_2_percent": "50"}, "level_1_percent", "cannot pay more than 100%"),
    ({"min_monthly_sales": "-10"}, "min_monthly_sales", "Zero or more."),
    ({"level_1_percent": "ten"}, "level_1_percent", "Enter a number"),
    ({"levels": "7"}, "levels", "Select a valid choice"),
    ({"effective_from": "someday"}, "effective_from", "Enter a date and time"),
])
def test_bad_rules_are_refused_field_by_field(overrides, field, message, signed_in):
    count = BonusRuleSet.objects.count()
    response = signed_in("operator@demo.test").post(reverse(BONUS_URL), rules_form(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and message in page
    assert BonusRuleSet.objects.count() == count


@pytest.fixture
def two_versions(team):
    """vA from now on: level 1 gets 10% of the margin; vB a day later: 5% and 2% of the sale, for big sellers."""
    start = after_latest()
    va = publish(effective_from=start)
    vb = publish(levels=2, basis="sale", level_percents=(Decimal("5"), Decimal("2")),
                 min_monthly_sales=Decimal("1000000"), effective_from=start + timedelta(days=1))
    return va, vb


def test_a_sale_is_shared_under_the_rules_in_force_when_it_was_placed(two_versions):
    va, vb = two_versions
    maple = distributor("maple-lifestyle")
    before_vb = team_bonus_shares(seller=maple, sale=Decimal("100"), margin=Decimal("40"),
                                  placed_at=va.effective_from + timedelta(hours=1))
    assert [(s.level, s.distributor.slug, s.amount, s.eligible) for s in before_vb] == [
        (1, "harbor-goods", Decimal("4.00"), True)]
    BonusRuleSet.objects.filter(pk=vb.pk).update(min_monthly_sales=Decimal("0"))
    under_vb = team_bonus_shares(seller=maple, sale=Decimal("100"), margin=Decimal("40"),
                                 placed_at=vb.effective_from + timedelta(hours=1))
    assert [(s.level, s.distributor.slug, s.amount) for s in under_vb] == [
        (1, "harbor-goods", Decimal("5.00")), (2, "sunrise-retail", Decimal("2.00"))]


def preview(client, seller: Distributor, at=None, sale="100", margin="40"):
    params = {"preview-distributor": seller.pk, "preview-sale": sale, "preview-margin": margin}
    if at is not None:
        params["preview-at"] = timezone.localtime(at).strftime(DATETIME)
    return client.get(reverse(BONUS_URL), params).content.decode()


def shares_table(page: str) -> str:
    return page.split('id="preview-shares"')[1].split("</table>")[0]


def test_preview_shows_who_earns_what_under_the_rules_of_that_date(two_versions, signed_in):
    va, vb = two_versions
    client = signed_in("operator@demo.test")
    maple = distributor("maple-lifestyle")

    page = preview(client, maple, at=va.effective_from + timedelta(minutes=5))
    assert 'id="preview-result"' in page and f"Rules v{va.version}: 1 levels" in page
    shares = shares_table(page)
    assert "Harbor Goods" in shares and "4.00" in shares and "Sunrise Retail" not in shares

    page = preview(client, maple, at=vb.effective_from + timedelta(minutes=5))  # nobody sells a million a month
    assert f"Rules v{vb.version}: 2 levels" in page
    shares = shares_table(page)
    assert "Harbor Goods" in shares and "Sunrise Retail" in shares
    assert shares.count("no: own sales below the minimum") == 2 and "5.00" in shares and "0.00" in shares

    page = preview(client, distributor("sunrise-retail"), at=va.effective_from + timedelta(minutes=5))
    assert "Nobody earns a bonus: the seller has no upline" in page


def test_preview_before_any_rules_and_with_bad_input(signed_in):
    client = signed_in("operator@demo.test")
    page = preview(client, distributor("maple-lifestyle"), at=timezone.now().replace(year=2000))
    assert 'id="preview-no-rules"' in page
    page = client.get(reverse(BONUS_URL), {"preview-distributor": "999999", "preview-sale": "x",
                                           "preview-margin": "1"}).content.decode()
    assert 'id="preview-result"' not in page
    assert "Choose one of the distributors." in page and "Enter a number" in page


# --- teams ---------------------------------------------------------------------------------------------------------


def test_teams_page_shows_every_distributor_with_upline_and_team_size(team, signed_in):
    client = signed_in("operator@demo.test")
    page = client.get(reverse(TEAMS_URL)).content.decode()

    def row(slug):
        return page.split(f'id="team-row-{distributor(slug).pk}"')[1].split("</tr>")[0]

    assert "Harbor Goods" in row("maple-lifestyle") and "<td>0</td><td>0</td>" in row("maple-lifestyle")
    assert "Sunrise Retail" in row("harbor-goods") and "<td>1</td><td>1</td>" in row("harbor-goods")
    assert "—" in row("sunrise-retail") and "<td>1</td><td>2</td>" in row("sunrise-retail")


def test_teams_page_does_constant_queries(team, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in("operator@demo.test")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(TEAMS_URL)).status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        Distributor.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
        join(f"extra-{n}", "maple-lifestyle" if n % 2 else f"extra-{n - 1}" if n else "harbor-goods")
    assert queries() == before


def test_distributor_page_shows_its_upline_chain_and_downline(team, signed_in):
    client = signed_in("operator@demo.test")

    def detail(slug):
        return client.get(reverse("dashboard:mp-distributor-detail",
                                  kwargs={"pk": distributor(slug).pk})).content.decode()

    def part(page, id_):
        return page.split(f'id="{id_}"')[1].split("</table>")[0]

    harbor = detail("harbor-goods")
    assert "Sunrise Retail" in part(harbor, "party-upline") and 'id="party-team-size">1<' in harbor
    assert "Maple Lifestyle" in part(harbor, "party-downline")

    sunrise = detail("sunrise-retail")
    assert "heads its own team" in sunrise and 'id="party-team-size">2<' in sunrise
    downline = part(sunrise, "party-downline")
    assert downline.index("Harbor Goods") < downline.index("Maple Lifestyle"), "members under their upline"

    maple = detail("maple-lifestyle")
    upline = part(maple, "party-upline")
    assert upline.index("Harbor Goods") < upline.index("Sunrise Retail"), "nearest first"
    assert 'id="party-downline"' not in maple


# --- access --------------------------------------------------------------------------------------------------------


def test_operator_finds_the_distribution_pages_in_the_platform_menu(signed_in):
    page = signed_in("operator@demo.test").get(reverse("dashboard:index")).content.decode()
    for name in NEW_URLS:
        assert reverse(name) in page


@pytest.mark.parametrize("email", ["supplier@demo.test", "distributor@demo.test", "storeadmin@demo.test",
                                   "shopper@demo.test"])
def test_non_staff_get_404_on_every_distribution_page_and_change_nothing(email, signed_in):
    client = signed_in(email)
    before, versions = price_policy().max_over_suggested_percent, BonusRuleSet.objects.count()
    for name in NEW_URLS:
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get(reverse(BONUS_URL), {"preview-distributor": distributor("maple-lifestyle").pk,
                                           "preview-sale": "1", "preview-margin": "1"}).status_code == 404
    assert client.post(reverse(CEILING_URL), {"max_over_suggested_percent": "1"}).status_code == 404
    assert client.post(reverse(BONUS_URL), rules_form()).status_code == 404
    assert price_policy().max_over_suggested_percent == before
    assert BonusRuleSet.objects.count() == versions


def test_anonymous_visitors_are_sent_to_sign_in(demo):
    from django.test import Client

    for name in NEW_URLS:
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
