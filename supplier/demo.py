"""Demo catalogues: categories, product types and 60+ products of the three demo suppliers.

Images are drawn locally with Pillow. Products are keyed by SKU, so a
second run adds nothing. Most products are approved and on shelf; some
wait for review, some are drafts, one was rejected.
"""

import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model
from PIL import Image, ImageDraw

from parties.models import Supplier
from supplier import selectors, services
from supplier.catalogue_input import ProductInput, VariantInput
from supplier.models import ProductTag, SupplierProduct

Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")

CATEGORIES = {
    "Tea": ["Green tea", "Black tea", "Oolong"],
    "Food": ["Grains", "Snacks", "Condiments"],
    "Home": ["Kitchen", "Textiles", "Storage"],
}
PRODUCT_CLASSES = ["Tea", "Food", "Homeware"]
# product class → [(code, name, oscar attribute type)]; none required, so products without values stay valid
PRODUCT_ATTRIBUTES = {
    "Tea": [("origin", "Origin", "text"), ("harvest_year", "Harvest year", "integer")],
    "Food": [("shelf_life_days", "Shelf life (days)", "integer"), ("organic", "Organic", "boolean")],
    "Homeware": [("material", "Material", "text")],
}
TEA_ORIGINS = {"Green tea": "Hangzhou", "Black tea": "Qimen", "Oolong": "Anxi"}
HOMEWARE_MATERIALS = {"Kitchen": "Ceramic", "Textiles": "Cotton", "Storage": "Bamboo"}
TAGS = [("new", "New", "新品"), ("hot", "Hot", "热卖"), ("promotion", "Promotion", "促销")]

# supplier slug → (product type, SKU prefix, [(title, category, base wholesale, [variant names])])
CATALOGUES = {
    "green-leaf-tea": ("Tea", "GLT", [
        ("West Lake Longjing", "Tea > Green tea", "68.00", ["50 g tin", "125 g tin", "250 g gift box"]),
        ("Biluochun Spring Pick", "Tea > Green tea", "55.00", ["50 g", "100 g"]),
        ("Huangshan Maofeng", "Tea > Green tea", "48.00", ["100 g", "200 g"]),
        ("Anji White Tea", "Tea > Green tea", "88.00", ["50 g", "100 g"]),
        ("Lu'an Guapian", "Tea > Green tea", "62.00", []),
        ("Keemun Black", "Tea > Black tea", "45.00", ["100 g", "250 g"]),
        ("Dianhong Golden Buds", "Tea > Black tea", "58.00", ["100 g", "200 g"]),
        ("Lapsang Souchong", "Tea > Black tea", "52.00", []),
        ("Jin Jun Mei", "Tea > Black tea", "128.00", ["50 g", "100 g"]),
        ("Yingde Black", "Tea > Black tea", "39.00", []),
        ("Tieguanyin Classic", "Tea > Oolong", "66.00", ["125 g", "250 g"]),
        ("Da Hong Pao", "Tea > Oolong", "98.00", ["100 g", "250 g"]),
        ("Dancong Honey Orchid", "Tea > Oolong", "76.00", []),
        ("Oriental Beauty", "Tea > Oolong", "85.00", ["50 g", "100 g"]),
        ("Milk Oolong", "Tea > Oolong", "42.00", []),
        ("Jasmine Pearls", "Tea > Green tea", "58.00", ["50 g", "100 g"]),
        ("Tea Sampler Box", "Tea > Oolong", "118.00", []),
        ("Cold Brew Green Bags", "Tea > Green tea", "29.00", ["20 bags", "50 bags"]),
        ("Black Tea Bags", "Tea > Black tea", "25.00", ["20 bags", "50 bags"]),
        ("Osmanthus Oolong", "Tea > Oolong", "49.00", []),
        ("Pre-Rain Longjing", "Tea > Green tea", "45.00", []),
    ]),
    "golden-grain": ("Food", "GGF", [
        ("Wuchang Rice", "Food > Grains", "35.00", ["2.5 kg", "5 kg", "10 kg"]),
        ("Northeast Millet", "Food > Grains", "18.00", ["1 kg", "2.5 kg"]),
        ("Black Rice", "Food > Grains", "22.00", ["1 kg"]),
        ("Red Bean Mix", "Food > Grains", "16.00", []),
        ("Buckwheat Noodles", "Food > Grains", "12.00", ["500 g", "1 kg"]),
        ("Oat Groats", "Food > Grains", "15.00", []),
        ("Spiced Sunflower Seeds", "Food > Snacks", "9.00", ["200 g", "500 g"]),
        ("Walnut Kernels", "Food > Snacks", "38.00", ["250 g", "500 g"]),
        ("Dried Jujube", "Food > Snacks", "26.00", []),
        ("Rice Crackers", "Food > Snacks", "8.00", ["Original", "Seaweed", "Spicy"]),
        ("Sesame Brittle", "Food > Snacks", "14.00", []),
        ("Goji Berries", "Food > Snacks", "32.00", ["250 g", "500 g"]),
        ("Aged Black Vinegar", "Food > Condiments", "11.00", ["500 ml", "1 l"]),
        ("Light Soy Sauce", "Food > Condiments", "9.50", ["500 ml", "1 l"]),
        ("Chili Crisp", "Food > Condiments", "13.00", []),
        ("Sesame Paste", "Food > Condiments", "17.00", []),
        ("Sichuan Peppercorn", "Food > Condiments", "19.00", ["50 g", "100 g"]),
        ("Rock Sugar", "Food > Condiments", "7.00", []),
        ("Mushroom Soy Sauce", "Food > Condiments", "12.50", []),
        ("Five Grain Porridge Kit", "Food > Grains", "24.00", []),
        ("Glutinous Rice", "Food > Grains", "14.00", ["1 kg", "2.5 kg"]),
    ]),
    "blue-river-home": ("Homeware", "BRH", [
        ("Celadon Teacup Set", "Home > Kitchen", "88.00", ["4 cups", "6 cups"]),
        ("Bamboo Steamer", "Home > Kitchen", "36.00", ["20 cm", "26 cm"]),
        ("Cast Iron Wok", "Home > Kitchen", "128.00", ["30 cm", "34 cm"]),
        ("Ceramic Rice Bowls", "Home > Kitchen", "45.00", ["Set of 4", "Set of 6"]),
        ("Wooden Chopsticks", "Home > Kitchen", "15.00", []),
        ("Clay Teapot", "Home > Kitchen", "98.00", []),
        ("Linen Table Runner", "Home > Textiles", "42.00", ["Natural", "Indigo"]),
        ("Silk Pillowcase", "Home > Textiles", "79.00", ["Ivory", "Rose", "Slate"]),
        ("Cotton Bath Towel", "Home > Textiles", "35.00", ["White", "Grey"]),
        ("Quilted Throw", "Home > Textiles", "139.00", []),
        ("Embroidered Cushion", "Home > Textiles", "56.00", ["Crane", "Peony"]),
        ("Rattan Basket", "Home > Storage", "48.00", ["Small", "Large"]),
        ("Stackable Jars", "Home > Storage", "29.00", ["3 jars", "6 jars"]),
        ("Tea Caddy", "Home > Storage", "39.00", []),
        ("Bamboo Drawer Organiser", "Home > Storage", "33.00", []),
        ("Canvas Storage Box", "Home > Storage", "27.00", ["30 l", "50 l"]),
        ("Porcelain Vase", "Home > Kitchen", "66.00", []),
        ("Lacquer Tray", "Home > Kitchen", "52.00", []),
        ("Wool Slippers", "Home > Textiles", "45.00", ["M", "L"]),
        ("Folding Shoe Rack", "Home > Storage", "58.00", []),
        ("Enamel Kettle", "Home > Kitchen", "76.00", []),
    ]),
}

COLOURS = ["#2e7d32", "#6d4c41", "#1565c0", "#ad1457", "#ef6c00", "#00838f", "#5d4037", "#283593"]


def demo_image(title: str, index: int) -> SimpleUploadedFile:
    """A 400×400 PNG with the product's initials, so the demo has real images without any download."""
    image = Image.new("RGB", (400, 400), COLOURS[index % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in title.split()[:3]).upper()
    draw.rectangle((40, 40, 360, 360), outline="white", width=6)
    draw.text((200, 200), initials, fill="white", anchor="mm", font_size=120)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.png", buffer.getvalue(), content_type="image/png")


def load_catalogue_basics() -> None:
    for code, name, name_zh in TAGS:
        ProductTag.objects.get_or_create(code=code, defaults={"name": name, "name_zh": name_zh})
    for name in PRODUCT_CLASSES:
        product_class, _created = ProductClass.objects.get_or_create(
            name=name, defaults={"requires_shipping": True, "track_stock": True})
        for code, label, attribute_type in PRODUCT_ATTRIBUTES.get(name, []):
            ProductAttribute.objects.get_or_create(product_class=product_class, code=code,
                                                   defaults={"name": label, "type": attribute_type})
    paths = selectors.category_paths()
    for top, children in CATEGORIES.items():
        root = paths.get(top) or Category.add_root(name=top)
        for child in children:
            if f"{top} > {child}" not in paths:
                root.add_child(name=child)


def demo_attributes(product_class: str, category: str, number: int) -> dict[str, str]:
    """Some attribute values for a demo product, as a supplier would type them."""
    leaf = category.split(" > ")[-1]
    if product_class == "Tea":
        return {"origin": TEA_ORIGINS.get(leaf, ""), "harvest_year": "2025" if number % 2 else "2024"}
    if product_class == "Food":
        return {"shelf_life_days": "365" if leaf == "Grains" else "180", "organic": "yes" if number % 3 == 0 else "no"}
    if product_class == "Homeware":
        return {"material": HOMEWARE_MATERIALS.get(leaf, "")}
    return {}


def _price(base: Decimal, factor: str) -> Decimal:
    return (base * Decimal(factor)).quantize(Decimal("0.01"))


def load_catalogues() -> None:
    operator = get_user_model().objects.filter(email="operator@demo.test").first()
    for slug, (product_class, prefix, items) in CATALOGUES.items():
        supplier = Supplier.objects.get(slug=slug)
        if SupplierProduct.objects.filter(supplier=supplier).exists():
            continue
        owner = supplier.memberships.order_by("pk").first()
        actor = owner.user if owner else None
        lookups = services.Lookups(supplier=supplier)
        codes = sorted(lookups.warehouses)
        for number, (title, category, wholesale, variant_names) in enumerate(items, start=1):
            base = Decimal(wholesale)
            names = variant_names or [""]
            variants = [
                VariantInput(sku=f"{prefix}-{number:03d}-{i + 1}", label=name,
                             wholesale_price=_price(base, str(1 + i * 0.8)),
                             suggested_retail_price=_price(base, str((1 + i * 0.8) * 1.6)),
                             min_retail_price=_price(base, str((1 + i * 0.8) * 1.2)),
                             stock={code: (number * 7 + i * 5 + k * 11) % 60 for k, code in enumerate(codes)},
                             attributes=demo_attributes(product_class, category, number))
                for i, name in enumerate(names)
            ]
            tags = [["new"], ["hot"], [], ["promotion"], []][number % 5]
            data = ProductInput(title=title, description=f"<p>{title}: a demo product of {supplier.name}.</p>",
                                category=category, product_class=product_class, tags=tags, variants=variants)
            entry = services.product_create(actor=actor, supplier=supplier, data=data, lookups=lookups,
                                            images=[demo_image(title, number)])
            if number % 10 == 0:
                continue  # stays a draft
            services.product_submit(actor=actor, entry=entry)
            if number % 7 == 0:
                continue  # waits in the review queue
            if number == 13:
                services.product_reject(actor=operator, entry=entry, reason="The photo does not show the product.")
                continue
            services.product_approve(actor=operator, entry=entry)
            if number % 9 == 0:
                services.product_set_shelf(actor=actor, entry=entry, on_shelf=False)
