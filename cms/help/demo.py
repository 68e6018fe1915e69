"""Demo help centre: /help/ with a few answers in English and their Simplified Chinese translations, the
Chinese translation of the home page, and the CMS "Editors" group. Idempotent; call after the home page exists.
"""

from django.conf import settings
from django.db import transaction

ZH = "zh-hans"
HOME_INTRO_ZH = "<p>来自可信供应商的茶叶、食品与家居好物，由您熟悉的店铺销售。</p>"
INDEX = {
    "en": ("Help centre", "<p>Answers about shopping, delivery, returns, payments and selling on the "
                          "marketplace.</p>"),
    ZH: ("帮助中心", "<p>关于购物、配送、退货、支付以及在平台上销售的常见问题解答。</p>"),
}
PAGES = [  # slug, topic, English (title, summary, body), Chinese (title, summary, body)
    ("how-to-order", "shopping",
     ("How do I place an order?", "Add products to your basket, then check out.",
      "<p>Choose a store, add products to your basket and check out. You can pay online or in the shop.</p>"),
     ("如何下单？", "把商品加入购物篮，然后结账。",
      "<p>选择一家店铺，把商品加入购物篮并结账。您可以在线支付，也可以在门店付款。</p>")),
    ("delivery-times", "delivery",
     ("When will my parcel arrive?", "Delivery times depend on the store and your address.",
      "<p>The store ships your parcel and adds its carrier and tracking number to your order.</p>"),
     ("包裹什么时候送达？", "配送时间取决于店铺和您的地址。",
      "<p>店铺发货后，会在您的订单中填写承运商和运单号。</p>")),
    ("request-a-refund", "returns",
     ("How do I return an item and get a refund?", "Ask for a return from your order within the return window.",
      "<p>Open the order, choose the lines to return and give a reason. Once the store receives the goods, "
      "the refund goes back to how you paid.</p>"),
     ("如何申请退货退款？", "在退货期限内从订单中申请退货。",
      "<p>打开订单，选择要退回的商品并填写原因。店铺收到退货后，退款将原路返回。</p>")),
    ("platform-points", "payments",
     ("How do points work?", "Earn points when you pay, spend them at checkout.",
      "<p>Every paid order earns points; a refund takes them back. Redeem points at checkout in any store.</p>"),
     ("积分如何使用？", "付款即可获得积分，结账时可抵扣。",
      "<p>每笔已支付的订单都会获得积分；退款时积分会被扣回。在任何店铺结账时均可使用积分。</p>")),
    ("become-a-supplier", "selling",
     ("How do I sell on the marketplace?", "Apply as a supplier or a distributor.",
      "<p>Suppliers publish products and stock; distributors sell them in their own stores. Apply from the home "
      "page; the marketplace reviews every application.</p>"),
     ("如何在平台上销售？", "申请成为供应商或分销商。",
      "<p>供应商发布商品和库存；分销商在自己的店铺中销售。请在首页提交申请，平台会审核每一份申请。</p>")),
]


CAMPAIGNS_ZH = {"spring-tea-festival": ("春茶节", "Sunrise Online 本季头采春茶。")}


def _translate(page, locale, **fields):
    """The page's translation in `locale`: created (wagtail's copy for translation), given `fields` and published
    when missing or never published; left alone otherwise (an editor's later changes are kept)."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale)
    translation = translation.specific
    if not translation.live:
        for name, value in fields.items():
            setattr(translation, name, value)
        translation.save_revision().publish()
    return translation


def _home_fields(home) -> dict:
    """The Chinese home page: the English page's blocks (carousels, showcase, countdown show live data in any
    language) with its first rich text block in Chinese."""
    from wagtail.rich_text import RichText

    blocks = [(block.block_type, block.value) for block in home.body]
    texts = [at for at, (kind, _value) in enumerate(blocks) if kind == "rich_text"]
    if texts:
        blocks[texts[0]] = ("rich_text", RichText(HOME_INTRO_ZH))
    else:
        blocks.insert(0, ("rich_text", RichText(HOME_INTRO_ZH)))
    return {"body": blocks}


@transaction.atomic
def load_help_centre() -> None:
    from wagtail.models import Locale

    from cms.editors import cms_editors_group
    from cms.help.models import HelpIndexPage, HelpPage
    from cms.models import CampaignPage, HomePage

    cms_editors_group()
    default, _made = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    zh, _made = Locale.objects.get_or_create(language_code=ZH)
    home = HomePage.objects.filter(locale=default).first()
    if home is None:
        return
    _translate(home, zh, **_home_fields(home))
    for campaign in CampaignPage.objects.child_of(home).live():
        title, summary = CAMPAIGNS_ZH.get(campaign.slug, (campaign.title, campaign.summary))
        _translate(campaign, zh, title=title, summary=summary)

    index = HelpIndexPage.objects.child_of(home).first()
    if index is None:
        title, intro = INDEX["en"]
        index = home.add_child(instance=HelpIndexPage(title=title, slug="help", intro=intro, locale=default))
        index.save_revision().publish()
    title, intro = INDEX[ZH]
    _translate(index, zh, title=title, intro=intro)

    for slug, topic, (title, summary, body), (title_zh, summary_zh, body_zh) in PAGES:
        page = HelpPage.objects.child_of(index).filter(slug=slug).first()
        if page is None:
            page = index.add_child(instance=HelpPage(title=title, slug=slug, topic=topic, summary=summary,
                                                     body=body, locale=default))
            page.save_revision().publish()
        _translate(page, zh, title=title_zh, summary=summary_zh, body=body_zh)
