"""A believable, bilingual demo marketplace. Idempotent: a second run changes nothing.

Later capabilities add their own steps (products, orders, ledger) to DEMO_STEPS.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from parties.models import Distributor, Membership, Role, Store, Supplier, Warehouse

Partner = get_model("partner", "Partner")

DEMO_PASSWORD = "marketplace-demo"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    lands_on: str


SUPPLIERS = [
    ("green-leaf-tea", "Green Leaf Tea", "绿叶茶业", [
        ("hz", "Hangzhou warehouse", "杭州仓", "88 Longjing Road, Hangzhou"),
        ("sh", "Shanghai warehouse", "上海仓", "1200 Huaxia Road, Pudong, Shanghai"),
    ]),
    ("golden-grain", "Golden Grain Foods", "金谷食品", [
        ("zz", "Zhengzhou warehouse", "郑州仓", "16 Jingkai Avenue, Zhengzhou"),
    ]),
    ("blue-river-home", "Blue River Home", "蓝河家居", [
        ("fs", "Foshan warehouse", "佛山仓", "5 Lecong Street, Foshan"),
        ("cd", "Chengdu warehouse", "成都仓", "77 Tianfu Avenue, Chengdu"),
    ]),
]

DISTRIBUTORS = [
    ("sunrise-retail", "Sunrise Retail", "日出零售"),
    ("harbor-goods", "Harbor Goods", "港湾优选"),
    ("maple-lifestyle", "Maple Lifestyle", "枫叶生活"),
]

# slug, name, name_zh, owner kind, owner slug, channel, stock mode, price ending (markups round up to it)
STORES = [
    ("sunrise-online", "Sunrise Online", "日出网店", "distributor", "sunrise-retail", "online", "shared", "0.90"),
    ("sunrise-nanjing-road", "Sunrise Nanjing Road Shop", "日出南京路店", "distributor", "sunrise-retail",
     "offline", "shared", "0.00"),
    ("harbor-online", "Harbor Online", "港湾网店", "distributor", "harbor-goods", "online", "independent", "0.99"),
    ("maple-online", "Maple Online", "枫叶网店", "distributor", "maple-lifestyle", "online", "shared", "0.90"),
    ("maple-kids", "Maple Kids", "枫叶童装", "distributor", "maple-lifestyle", "online", "independent", "0.99"),
    # Maple's plan (pro) allows 5 stores; Harbor's (basic) only the one it has
    ("maple-pudong", "Maple Pudong Shop", "枫叶浦东店", "distributor", "maple-lifestyle", "offline", "shared",
     "exact"),
    ("green-leaf-flagship", "Green Leaf Flagship", "绿叶旗舰店", "supplier", "green-leaf-tea", "online", "shared",
     "exact"),
]

# email, first name, last name, [(kind, slug, role)], staff
USERS = [
    ("operator@demo.test", "Olivia", "Operator", [], True),
    ("supplier@demo.test", "Chen", "Wei", [("supplier", "green-leaf-tea", Role.OWNER)], False),
    ("warehouse@demo.test", "Li", "Na", [("supplier", "green-leaf-tea", Role.WAREHOUSE)], False),
    ("grain@demo.test", "Zhao", "Lei", [("supplier", "golden-grain", Role.OWNER)], False),
    ("home@demo.test", "Sun", "Mei", [("supplier", "blue-river-home", Role.OWNER)], False),
    ("distributor@demo.test", "Wang", "Fang", [("distributor", "sunrise-retail", Role.OWNER)], False),
    ("finance@demo.test", "Qian", "Hui", [("distributor", "sunrise-retail", Role.FINANCE)], False),
    ("harbor@demo.test", "Liu", "Yang", [("distributor", "harbor-goods", Role.OWNER)], False),
    ("maple@demo.test", "Huang", "Jie", [("distributor", "maple-lifestyle", Role.OWNER)], False),
    ("storeadmin@demo.test", "Zhang", "Min", [("store", "sunrise-online", Role.MANAGER)], False),
    ("shopstaff@demo.test", "Xu", "Ping", [("store", "sunrise-nanjing-road", Role.STAFF)], False),
    ("multi@demo.test", "Gao", "Yan", [("supplier", "golden-grain", Role.MANAGER),
                                        ("store", "harbor-online", Role.STAFF)], False),
    ("shopper@demo.test", "Ma", "Li", [], False),
]

LOGINS = [
    DemoLogin("Operator", "operator@demo.test", "/shop/dashboard/"),
    DemoLogin("Supplier", "supplier@demo.test", "/supplier/"),
    DemoLogin("Distributor", "distributor@demo.test", "/distributor/"),
    DemoLogin("Store admin", "storeadmin@demo.test", "/store/"),
    DemoLogin("Finance (a distributor's)", "finance@demo.test", "/distributor/finance/"),
    DemoLogin("Warehouse (a supplier's)", "warehouse@demo.test", "/supplier/stock/"),
    DemoLogin("Several roles", "multi@demo.test", "/portal/"),
    DemoLogin("Shopper", "shopper@demo.test", "/s/orders/"),
]


def _upsert(model, lookup: dict, values: dict):
    """Create or bring into line, saving only when something differs (so reruns change nothing)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
    return obj


def load_parties() -> None:
    suppliers = {}
    for slug, name, name_zh, warehouses in SUPPLIERS:
        partner = _upsert(Partner, {"code": slug}, {"name": name})
        supplier = _upsert(Supplier, {"slug": slug}, {"name": name, "name_zh": name_zh, "partner": partner})
        suppliers[slug] = supplier
        for code, wname, wname_zh, address in warehouses:
            _upsert(Warehouse, {"supplier": supplier, "code": code},
                    {"name": wname, "name_zh": wname_zh, "address": address})
    distributors = {slug: _upsert(Distributor, {"slug": slug}, {"name": name, "name_zh": name_zh})
                    for slug, name, name_zh in DISTRIBUTORS}
    stores = {}
    for slug, name, name_zh, owner_kind, owner_slug, channel, mode, ending in STORES:
        owner = {"supplier": suppliers.get(owner_slug) if owner_kind == "supplier" else None,
                 "distributor": distributors.get(owner_slug) if owner_kind == "distributor" else None}
        stores[slug] = _upsert(Store, {"slug": slug}, {"name": name, "name_zh": name_zh, "channel": channel,
                                                        "stock_mode": mode, "price_ending": ending, **owner})
    parties = {"supplier": suppliers, "distributor": distributors, "store": stores}
    User = get_user_model()
    for email, first, last, memberships, staff in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(username=email, email=email, password=DEMO_PASSWORD,
                                            first_name=first, last_name=last)
        _upsert(User, {"pk": user.pk}, {"is_staff": staff, "is_superuser": staff, "is_active": True})
        for kind, slug, role in memberships:
            _upsert(Membership, {"user": user, kind: parties[kind][slug]}, {"role": role})


def load_home_page() -> None:
    """The Wagtail home page as the default site's root, and its demo blocks and campaign (`cms.demo`)."""
    from django.conf import settings
    from wagtail.models import Page, Site

    from cms.demo import load_cms_pages
    from cms.models import HomePage

    site = Site.objects.filter(is_default_site=True).first()
    if site and isinstance(site.root_page.specific, HomePage):
        load_cms_pages(home=site.root_page.specific)
        return
    root = Page.get_first_root_node()
    if root is None:  # a flushed database has lost wagtail's migration-made tree root
        from wagtail.models import Locale

        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if home is None:
        home = HomePage(title="Marketplace", slug="marketplace-home")
        root.add_child(instance=home)
    old_root = site.root_page if site else None
    if site:
        site.root_page = home
        site.save(update_fields=["root_page"])
    else:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Marketplace")
    if old_root is not None and old_root.pk != home.pk and old_root.depth == 2 and not old_root.get_children():
        old_root.delete()
    load_cms_pages(home=home)


def load_cms_content() -> None:
    """The home page's product blocks and the campaign page, once the catalogue and orders exist to show."""
    from django.conf import settings

    from cms.demo import load_cms_pages
    from cms.models import HomePage

    home = HomePage.objects.filter(depth=2, locale__language_code=settings.LANGUAGE_CODE).first()
    if home is not None:
        load_cms_pages(home=home)


def load_help_centre() -> None:
    """The help centre and the Chinese translations of the site's pages (after the English pages are complete)."""
    from cms.help.demo import load_help_centre as load_help

    load_help()


def load_catalogue_basics() -> None:
    from supplier.demo import load_catalogue_basics as load_basics

    load_basics()


def load_catalogues() -> None:
    from supplier.demo import load_catalogues as load_supplier_catalogues

    load_supplier_catalogues()


def load_shipping_countries() -> None:
    from storefront.addresses import shipping_countries_ensure

    shipping_countries_ensure()


def load_promotions() -> None:
    from distributor.promotions.demo import load_promotions as load

    load()


def load_shop_orders() -> None:
    from storefront.demo import load_shop_orders as load

    load()


def load_distribution() -> None:
    from distributor.demo import load_distribution as load_distribution_demo

    load_distribution_demo()


def load_plans() -> None:
    from onboarding.demo import load_plans as load_onboarding_plans

    load_onboarding_plans()


def load_applications() -> None:
    from onboarding.demo import load_applications as load_onboarding_applications

    load_onboarding_applications()


def load_store_locations() -> None:
    from inventory.demo import load_store_locations as load

    load()


def mark_history_read() -> None:
    """The demo's past (its orders, reviews, applications) notified people as it was built; that is history
    in the notification centre, not news: it starts read, so the badge counts only what happens from now on."""
    from notifications.services import notifications_mark_all_read_everywhere

    notifications_mark_all_read_everywhere()


def load_settlement() -> None:
    from settlement.demo import load_settlement as load

    load()


DEMO_STEPS = [load_parties, load_store_locations, load_plans, load_applications, load_home_page,
              load_shipping_countries, load_catalogue_basics, load_catalogues, load_distribution, load_promotions,
              load_shop_orders, load_cms_content, load_settlement, load_help_centre, mark_history_read]
# skipped by `load_demo(with_catalogue=False)`
CATALOGUE_STEPS = {load_catalogues, load_distribution, load_promotions, load_shop_orders, load_cms_content}


@transaction.atomic
def load_demo(*, with_catalogue: bool = True) -> list[DemoLogin]:
    """Build the demo; tests that flush the database reload it without the (slower) catalogues."""
    for step in DEMO_STEPS:
        if step in CATALOGUE_STEPS and not with_catalogue:
            continue
        step()
    return LOGINS
