"""Catalogue forms of the supplier portal: parse what was typed, leave every business rule to the services.

Prices and quantities go through the same parsers the spreadsheet importer
uses; categories, product types, tags, SKUs and price floors are checked by
`services.product_create/product_update`, whose errors `apply_input_errors`
puts next to the field or variant row they name.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.uploads import image_format as uploaded_image_format
from supplier.catalogue_input import (
    ATTRIBUTE_PREFIX,
    InputError,
    ProductInput,
    VariantInput,
    parse_money,
    parse_quantity,
)
from supplier.services import ALLOWED_DESCRIPTION_TAGS

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGES_PER_UPLOAD = 10
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
PRODUCT_COLUMNS = {"title", "description", "category", "product_class", "tags"}
# Oscar's storefront prints descriptions as HTML: allow only these bare tags, and no other "<" at all.
ALLOWED_TAG = re.compile(rf"</?(?:{'|'.join(sorted(ALLOWED_DESCRIPTION_TAGS))})\s*/?>", re.IGNORECASE)


def check_image(upload) -> None:
    """Refuse anything over 10 MB or that Pillow cannot read as a JPEG, PNG, GIF or WebP image."""
    name = getattr(upload, "name", "") or _("the file")
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; an image may be at most 10 MB."),
            params={"name": name, "size": upload.size / (1024 * 1024)}, code="too_large")
    not_an_image = ValidationError(_("“%(name)s” is not an image (use JPEG, PNG, GIF or WebP)."),
                                   params={"name": name}, code="not_image")
    if uploaded_image_format(upload) not in IMAGE_FORMATS:
        raise not_an_image


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Several image uploads in one input; each is checked and every bad one is named."""

    widget = MultipleImageInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/gif,image/webp")

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_IMAGES_PER_UPLOAD:
            raise ValidationError(_("Upload at most %(count)d images at a time."),
                                  params={"count": MAX_IMAGES_PER_UPLOAD})
        errors = []
        for upload in uploads:
            try:
                check_image(upload)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return uploads


class OfferedChoiceField(forms.ChoiceField):
    """Shows the known choices; whether a value is known is the catalogue service's call (one message source)."""

    def valid_value(self, value):
        return True


class OfferedMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value):
        return True


class ProductForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, widget=forms.TextInput(attrs={"maxlength": 255}))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    category = OfferedChoiceField(label=_("Category"), required=False)
    product_class = OfferedChoiceField(label=_("Product type"), required=False)
    tags = OfferedMultipleChoiceField(label=_("Tags"), required=False, widget=forms.CheckboxSelectMultiple)
    images = ImagesField(label=_("Add images"), help_text=_("JPEG, PNG, GIF or WebP, at most 10 MB each."))
    remove_images = forms.TypedMultipleChoiceField(label=_("Remove images"), required=False, coerce=int,
                                                   widget=forms.CheckboxSelectMultiple)

    def clean_description(self):
        description = self.cleaned_data["description"]
        if "<" in ALLOWED_TAG.sub("", description):
            raise ValidationError(_("The description may use only these HTML tags, without attributes: "
                                    "<p>, <br>, <strong>, <em>, <b>, <i>, <ul>, <ol>, <li>. Plain text is fine "
                                    "too; write “less than” for the sign."), code="markup")
        return description

    def __init__(self, *args, lookups, existing_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category"))] + [(p, p) for p in sorted(lookups.categories)]
        self.fields["product_class"].choices = [("", _("Choose a product type"))] + [
            (name, name) for name in sorted(lookups.product_classes)]
        self.fields["tags"].choices = [(code, str(tag)) for code, tag in lookups.tags.items()]
        self.existing_images = list(existing_images)
        if self.existing_images:
            self.fields["remove_images"].choices = [(img.pk, img.original.name) for img in self.existing_images]
        else:
            del self.fields["remove_images"]


class MoneyField(forms.CharField):
    """A price as typed; parsed by the importer's parser so both say the same."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 8})

    def clean(self, value):
        try:
            return parse_money(value)
        except ValueError as problem:
            raise ValidationError(_("%(field)s %(problem)s."), params={"field": self.label, "problem": problem},
                                  code="price") from None


class QuantityField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "size": 5})

    def clean(self, value):
        try:
            return parse_quantity(value)
        except ValueError as problem:
            raise ValidationError(_("Stock %(problem)s."), params={"problem": problem}, code="quantity") from None


class VariantForm(forms.Form):
    """One SKU: its name (empty for a product without variants), three prices and stock per warehouse."""

    sku = forms.CharField(label=_("SKU"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    label = forms.CharField(label=_("Variant name"), required=False,
                            help_text=_("Leave empty for a product without variants."))
    wholesale_price = MoneyField(label=_("Wholesale price"))
    suggested_retail_price = MoneyField(label=_("Suggested retail price"))
    min_retail_price = MoneyField(label=_("Retail floor"))

    def __init__(self, *args, warehouses=(), attributes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.warehouse_codes = list(warehouses)
        for code, warehouse in (warehouses.items() if isinstance(warehouses, dict) else []):
            self.fields[stock_field(code)] = QuantityField(
                label=_("Stock in %(warehouse)s") % {"warehouse": warehouse})  # blank is 0; no initial, so a
            self.fields[stock_field(code)].widget.attrs["placeholder"] = "0"  # blank row counts as untouched
        # One text input per attribute code of any product type, tagged with the types that have it; the page's
        # script shows (and submits) only those of the chosen type. The service checks each value.
        by_code: dict[str, list] = {}
        for class_name, class_attributes in sorted((attributes or {}).items()):
            for code, attribute in class_attributes.items():
                by_code.setdefault(code, []).append((class_name, attribute))
        self.attribute_codes = sorted(by_code)
        for code in self.attribute_codes:
            classes = [class_name for class_name, _attribute in by_code[code]]
            attribute = by_code[code][0][1]
            field = forms.CharField(label=f"{attribute.name} ({', '.join(classes)})", required=False)
            field.widget.attrs.update({"data-product-class": "|".join(classes), "autocomplete": "off"})
            if attribute.type == "boolean":
                field.widget.attrs["placeholder"] = _("yes / no")
            self.fields[attribute_field(code)] = field

    def stock_fields(self):
        return [self[stock_field(code)] for code in self.warehouse_codes]

    def attribute_fields(self):
        return [self[attribute_field(code)] for code in self.attribute_codes]

    def price_fields(self):
        return [self[name] for name in ("wholesale_price", "suggested_retail_price", "min_retail_price")]


def stock_field(code: str) -> str:
    return f"stock_{code}"


def attribute_field(code: str) -> str:
    return f"attr_{code}"


class BaseVariantFormSet(forms.BaseFormSet):
    def rows(self):
        """(form index, form) of the rows that describe a SKU: blank extra rows and removed rows are left out."""
        for index, form in enumerate(self.forms):
            if form.empty_permitted and not form.has_changed():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            yield index, form


def variant_formset(*, extra: int, can_delete: bool):
    return forms.formset_factory(VariantForm, formset=BaseVariantFormSet, extra=extra, can_delete=can_delete)


def product_input(form: ProductForm, formset: BaseVariantFormSet) -> tuple[ProductInput, list[int]]:
    """The ProductInput the two valid forms describe, and which formset row each variant came from."""
    data = form.cleaned_data
    variants, row_of = [], []
    for index, row in formset.rows():
        values = row.cleaned_data
        variants.append(VariantInput(
            sku=values["sku"].strip(), label=values["label"].strip(),
            wholesale_price=values["wholesale_price"], suggested_retail_price=values["suggested_retail_price"],
            min_retail_price=values["min_retail_price"],
            stock={code: values[stock_field(code)] for code in row.warehouse_codes},
            attributes={code: values[attribute_field(code)].strip() for code in row.attribute_codes}))
        row_of.append(index)
    return ProductInput(title=data["title"], description=data["description"], category=data["category"],
                        product_class=data["product_class"], tags=list(data["tags"]), variants=variants), row_of


def apply_input_errors(errors: list[InputError], *, form: ProductForm, formset: BaseVariantFormSet,
                       row_of: list[int]) -> list[str]:
    """Attach each service error to its field or variant row; returns the ones about the variants as a whole."""
    general = []
    for error in errors:
        if error.variant is not None and error.variant < len(row_of):
            row = formset.forms[row_of[error.variant]]
            column = error.column
            if column.startswith("stock:"):
                column = stock_field(column.split(":", 1)[1])
            elif column.startswith(ATTRIBUTE_PREFIX):
                column = attribute_field(column[len(ATTRIBUTE_PREFIX):])
            row.add_error(column if column in row.fields else None, error.message)
        elif error.column in PRODUCT_COLUMNS:
            form.add_error(error.column, error.message)
        else:
            general.append(error.message)
    return general


def product_initial(*, entry, rows, lookups) -> tuple[dict, list[dict]]:
    """Form and formset initial data from an existing product (edit page)."""
    path_of = {category.pk: path for path, category in lookups.categories.items()}
    product = entry.product
    categories = [path_of.get(c.pk, c.name) for c in product.categories.all()]
    initial = {
        "title": product.title, "description": product.description,
        "category": categories[0] if categories else "",
        "product_class": product.product_class.name if product.product_class_id else "",
        "tags": [tag.code for tag in entry.tags.all()],
    }
    variants = []
    for row in rows:
        record = row["record"]
        if record is None:
            continue
        values = {"sku": record.partner_sku, "label": row["label"], "wholesale_price": record.wholesale_price,
                  "suggested_retail_price": record.price, "min_retail_price": record.min_retail_price}
        for code in lookups.warehouses:
            values[stock_field(code)] = row["stock"].get(code, 0)
        for code, text in row.get("attributes", {}).items():
            values[attribute_field(code)] = text
        variants.append(values)
    return initial, variants


class ShelfForm(forms.Form):
    on_shelf = forms.ChoiceField(choices=[("on", _("On shelf")), ("off", _("Off shelf"))])


class BulkShelfForm(forms.Form):
    on_shelf = forms.ChoiceField(choices=[("on", _("On shelf")), ("off", _("Off shelf"))],
                                 error_messages={"required": _("Choose on shelf or off shelf.")})
    products = forms.TypedMultipleChoiceField(coerce=int, error_messages={
        "required": _("Select at least one product first.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ids are checked against the supplier's scope by the view, not against a list of choices here.
        self.fields["products"].valid_value = lambda value: True


class StockForm(forms.Form):
    sku = forms.CharField()
    warehouse = forms.CharField()
    on_hand = QuantityField(label=_("On hand"))

