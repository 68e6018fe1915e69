"""Demo plans (assigned to the demo parties) and applications waiting in the operator's queue.

Idempotent: plans and assignments are brought into line; an application
is created once and then left alone, because the operator may have
decided it since.
"""

import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from onboarding.models import Application
from parties.demo import _upsert
from parties.models import Distributor, Plan, Store, Supplier

# code, name, name_zh, max products, max stores, default commission rate, default plan
PLANS = [
    ("basic", "Basic", "基础版", 100, 1, Decimal("0.0800"), True),
    ("pro", "Pro", "专业版", 1000, 5, Decimal("0.0600"), False),
    ("flagship", "Flagship", "旗舰版", None, None, Decimal("0.0500"), False),
]

PLAN_OF = {
    Supplier: {"green-leaf-tea": "flagship", "golden-grain": "pro", "blue-river-home": "basic"},
    Distributor: {"sunrise-retail": "pro", "harbor-goods": "basic", "maple-lifestyle": "pro"},
    Store: {"sunrise-online": "pro", "sunrise-nanjing-road": "pro", "harbor-online": "basic", "maple-online": "pro",
            "maple-kids": "basic", "maple-pudong": "basic", "green-leaf-flagship": "flagship"},
}

# kind, company, company (zh), contact, e-mail, phone, licence number, rejection reason ("" = waiting)
APPLICATIONS = [
    ("supplier", "Mountain Spring Drinks", "山泉饮品", "Zhou Qiang", "hello@mountainspring.test", "+86 139 0000 1001",
     "91330100MA2H00011X", ""),
    ("supplier", "Silk Road Ceramics", "丝路陶瓷", "Lin Hui", "lin@silkroadceramics.test", "+86 137 0000 2002",
     "91360200MA2H00022Y", ""),
    ("distributor", "Lotus Market", "莲花超市", "Qian Yu", "qian@lotusmarket.test", "+86 136 0000 3003",
     "91440300MA2H00033Z", ""),
    ("distributor", "Quick Deals Trading", "快购贸易", "He Jun", "he@quickdeals.test", "+86 135 0000 4004",
     "91110000MA2H00044W",
     "The licence number does not match the licence image. Apply again with a clear photo of the current licence."),
]


def load_plans() -> None:
    # Non-default plans first, so the default flag never sits on two plans at once.
    plans = {}
    for code, name, name_zh, max_products, max_stores, rate, is_default in sorted(PLANS, key=lambda p: p[-1]):
        plans[code] = _upsert(Plan, {"code": code}, {
            "name": name, "name_zh": name_zh, "max_products": max_products, "max_stores": max_stores,
            "default_commission_rate": rate, "is_default": is_default})
    for model, assignments in PLAN_OF.items():
        for slug, code in assignments.items():
            if model.objects.filter(slug=slug).exists():
                _upsert(model, {"slug": slug}, {"plan": plans[code]})


def _licence_image(number: str) -> str:
    """A generated stand-in for a licence scan, written once."""
    name = f"licences/demo-{number.lower()}.png"
    if not default_storage.exists(name):
        image = Image.new("RGB", (480, 320), "#f7f1e3")
        draw = ImageDraw.Draw(image)
        draw.rectangle((12, 12, 467, 307), outline="#b22222", width=6)
        draw.text((40, 60), "BUSINESS LICENCE (DEMO)", fill="#b22222")
        draw.text((40, 120), number, fill="#1d2433")
        draw.ellipse((340, 190, 430, 280), outline="#b22222", width=4)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        default_storage.save(name, ContentFile(buffer.getvalue()))
    return name


def load_applications() -> None:
    operator = get_user_model().objects.filter(email="operator@demo.test").first()
    for kind, company, company_zh, contact, email, phone, licence, reason in APPLICATIONS:
        if Application.objects.filter(kind=kind, email=email).exists():
            continue
        decided = {"status": Application.Status.REJECTED, "reject_reason": reason, "decided_by": operator,
                   "decided_at": timezone.now()} if reason else {}
        Application.objects.create(
            kind=kind, company_name=company, company_name_zh=company_zh, contact_name=contact, email=email,
            phone=phone, licence_number=licence, licence_image=_licence_image(licence), language="en", **decided)
