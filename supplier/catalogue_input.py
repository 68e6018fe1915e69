"""What a supplier submits for one product, and the checks every entry path shares.

The portal form and the spreadsheet importer both build a ProductInput and
call `validate_product()`; the errors name the same columns the import
template uses, so a row error and a form error read the same.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from parties.money import CENT

MAX_PRICE = Decimal("9999999999.99")


@dataclass
class VariantInput:
    sku: str
    label: str = ""  # "" for a product without variants
    wholesale_price: Decimal | None = None
    suggested_retail_price: Decimal | None = None
    min_retail_price: Decimal | None = None
    stock: dict[str, int] = field(default_factory=dict)  # warehouse code → units on hand
    # attribute code → value as typed ("" clears it); set on the child of a product with variants, else on the product
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class ProductInput:
    title: str
    description: str = ""
    category: str = ""  # full path, e.g. "Tea > Green tea"
    product_class: str = ""  # product class name
    tags: list[str] = field(default_factory=list)  # tag codes
    variants: list[VariantInput] = field(default_factory=list)


@dataclass(frozen=True)
class InputError:
    column: str
    message: str
    variant: int | None = None  # index into ProductInput.variants


def parse_money(raw) -> Decimal:
    """A price from a form or a spreadsheet cell: positive, at most two decimals, never a float's noise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(_("is required"))
    try:
        value = Decimal(str(raw).strip().replace(",", "")) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a price") % {"value": raw}) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a price") % {"value": raw})
    if value != value.quantize(CENT):
        raise ValueError(_("has more than two decimals"))
    if value <= 0:
        raise ValueError(_("must be more than zero"))
    if value > MAX_PRICE:
        raise ValueError(_("is too large"))
    return value.quantize(CENT)


def parse_quantity(raw) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a whole number") % {"value": raw}) from None
    if number != number.to_integral_value() or number < 0:
        raise ValueError(_("must be a whole number of zero or more"))
    if number > 10**9:
        raise ValueError(_("is too large"))
    return int(number)


ATTRIBUTE_PREFIX = "attr:"
SUPPORTED_ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean")
TRUE_WORDS = {"yes", "true", "1"}
FALSE_WORDS = {"no", "false", "0"}


def parse_attribute(attribute_type: str, raw):
    """The value of an oscar product attribute of `attribute_type` from a form or cell; None for an empty one."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if attribute_type == "text":
        if len(text) > 255:
            raise ValueError(_("is longer than 255 characters"))
        return text
    if attribute_type == "integer":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a whole number") % {"value": text}) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number") % {"value": text})
        if abs(number) > 2**31 - 1:
            raise ValueError(_("is too large"))
        return int(number)
    if attribute_type == "float":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number") % {"value": text}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number") % {"value": text})
        return float(number)
    if attribute_type == "boolean":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is not yes or no") % {"value": text})
    raise ValueError(_("has the type “%(type)s”, which this form and the spreadsheet import do not support")
                     % {"type": attribute_type})


def attribute_text(value) -> str:
    """An attribute value as the form and the spreadsheet show it; parse_attribute reads it back unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def validate_product(data: ProductInput, *, categories: set[str], product_classes: set[str], tags: set[str],
                     warehouses: set[str], taken_skus: set[str],
                     attributes: dict[str, dict[str, object]] | None = None) -> list[InputError]:
    """Every problem with `data`; an empty list means it can be written.

    `taken_skus` are SKUs the supplier already uses elsewhere (not on this product). `attributes` are the
    product attributes of each product class ({class name: {code: ProductAttribute}}).
    """
    errors: list[InputError] = []
    if not data.title.strip():
        errors.append(InputError("title", _("Title is required.")))
    elif len(data.title) > 255:
        errors.append(InputError("title", _("Title is longer than 255 characters.")))
    if not data.category.strip():
        errors.append(InputError("category", _("Category is required.")))
    elif data.category not in categories:
        errors.append(InputError("category", _("Unknown category “%(value)s”.") % {"value": data.category}))
    if data.product_class not in product_classes:
        errors.append(InputError("product_class",
                                 _("Unknown product type “%(value)s”.") % {"value": data.product_class}))
    for code in data.tags:
        if code not in tags:
            errors.append(InputError("tags", _("Unknown tag “%(value)s”.") % {"value": code}))
    if not data.variants:
        errors.append(InputError("sku", _("A product needs at least one SKU.")))
    has_labels = [bool(v.label.strip()) for v in data.variants]
    if len(data.variants) > 1 and not all(has_labels):
        errors.append(InputError("variant", _("Every variant of a product with several SKUs needs a name.")))
    seen: set[str] = set()
    for index, variant in enumerate(data.variants):
        errors.extend(_validate_variant(variant, index, warehouses=warehouses, taken_skus=taken_skus, seen=seen))
        if data.product_class in product_classes:
            errors.extend(_validate_attributes(variant, index, product_class=data.product_class,
                                               allowed=(attributes or {}).get(data.product_class, {})))
    return errors


def _validate_attributes(variant: VariantInput, index: int, *, product_class: str, allowed) -> list[InputError]:
    """Each value must be one of the product type's attributes and read as its type; empty values are fine."""
    errors = []
    for code, raw in variant.attributes.items():
        column = f"{ATTRIBUTE_PREFIX}{code}"
        if raw is None or not str(raw).strip():
            continue
        attribute = allowed.get(code)
        if attribute is None:
            errors.append(InputError(column, _("Product type “%(type)s” has no attribute “%(code)s”.")
                                     % {"type": product_class, "code": code}, index))
            continue
        try:
            parse_attribute(attribute.type, raw)
        except ValueError as problem:
            errors.append(InputError(column, _("%(name)s %(problem)s.") % {"name": attribute.name,
                                                                          "problem": problem}, index))
    return errors


def _validate_variant(variant: VariantInput, index: int, *, warehouses, taken_skus, seen) -> list[InputError]:
    errors = []
    sku = variant.sku.strip()
    if not sku:
        errors.append(InputError("sku", _("SKU is required."), index))
    elif len(sku) > 128:
        errors.append(InputError("sku", _("SKU is longer than 128 characters."), index))
    elif sku in seen:
        errors.append(InputError("sku", _("SKU “%(sku)s” appears twice.") % {"sku": sku}, index))
    elif sku in taken_skus:
        errors.append(InputError("sku", _("SKU “%(sku)s” is already used by another of your products.")
                                 % {"sku": sku}, index))
    seen.add(sku)
    prices = {}
    for column in ("wholesale_price", "suggested_retail_price", "min_retail_price"):
        value = getattr(variant, column)
        if value is None:
            errors.append(InputError(column, _("Price is required."), index))
        elif value <= 0:
            errors.append(InputError(column, _("Price must be more than zero."), index))
        elif value != value.quantize(CENT):
            errors.append(InputError(column, _("Price has more than two decimals."), index))
        else:
            prices[column] = value
    wholesale, floor, suggested = (prices.get(k) for k in ("wholesale_price", "min_retail_price",
                                                          "suggested_retail_price"))
    if wholesale and floor and floor < wholesale:
        errors.append(InputError("min_retail_price",
                                 _("The retail floor (%(floor)s) is below the wholesale price (%(wholesale)s).")
                                 % {"floor": floor, "wholesale": wholesale}, index))
    if floor and suggested and suggested < floor:
        errors.append(InputError("suggested_retail_price",
                                 _("The suggested retail price (%(suggested)s) is below the retail floor "
                                   "(%(floor)s).") % {"suggested": suggested, "floor": floor}, index))
    for code, quantity in variant.stock.items():
        if code not in warehouses:
            errors.append(InputError(f"stock:{code}", _("You have no warehouse “%(code)s”.") % {"code": code},
                                     index))
        elif quantity < 0:
            errors.append(InputError(f"stock:{code}", _("Stock cannot be negative."), index))
    return errors
