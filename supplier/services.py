"""Catalogue commands: create and edit products, move them through review, shelve them, set stock.

Each command checks its input first (nothing is written when anything is
wrong), then changes oscar's rows and ours in one transaction, records the
review history and the audit log.
"""

from dataclasses import replace

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from audit.services import audit_record, saved_user
from inventory.services import new_row_threshold, stock_levels_set, stock_opening_record
from notifications.audiences import Audience
from notifications.services import event_emit
from onboarding.selectors import effective_plan, plan_has_product_room
from parties.locking import lock_rows
from parties.models import Supplier
from supplier import selectors
from supplier.catalogue_input import InputError, ProductInput, parse_attribute, validate_product
from supplier.models import ReviewEvent, ReviewState, SupplierProduct, WarehouseStock

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


class CatalogueInputError(ValidationError):
    """The input names these problems; nothing was written."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__([f"{e.column}: {e.message}" for e in errors])


class Lookups:
    """The tables a product refers to by name, loaded once (the importer reuses one for thousands of rows)."""

    def __init__(self, *, supplier: Supplier):
        self.categories = selectors.category_paths()
        self.product_classes = selectors.product_classes()
        self.attributes = selectors.product_attributes()  # {class name: {code: ProductAttribute}}
        self.tags = selectors.tag_codes()
        self.warehouses = selectors.warehouse_codes(supplier=supplier)
        self.supplier = supplier
        self._products_held: int | None = None

    def plan_errors(self) -> list[InputError]:
        """The supplier's plan caps how many products it may have; plan and count read once, then kept here."""
        if self._products_held is None:
            self._products_held = SupplierProduct.objects.filter(supplier=self.supplier).count()
            self._plan = effective_plan(party=self.supplier)
        plan = self._plan
        if plan_has_product_room(plan=plan, current=self._products_held):
            return []
        return [InputError("title", _("Your plan “%(plan)s” allows %(max)s products and you have %(count)s; ask "
                                      "the operator for a larger plan.") % {
            "plan": plan, "max": plan.max_products, "count": self._products_held})]

    def product_added(self) -> None:
        if self._products_held is not None:
            self._products_held += 1

    def errors(self, data: ProductInput, *, taken_skus: set[str]) -> list[InputError]:
        return validate_product(data, categories=set(self.categories), product_classes=set(self.product_classes),
                                tags=set(self.tags), warehouses=set(self.warehouses), taken_skus=taken_skus,
                                attributes=self.attributes)


def review_snapshot(entry: SupplierProduct) -> dict:
    """The content whose change needs the operator's eyes again: text, category, images, price floors."""
    return selectors.review_snapshots([entry])[entry.pk]


def snapshot_diff(before: dict | None, after: dict) -> list[dict]:
    """Field-by-field differences, as the review queue shows them."""
    if before is None:
        return []
    changes = []
    for key in ("title", "description", "category", "images"):
        if before.get(key) != after.get(key):
            changes.append({"field": key, "before": before.get(key), "after": after.get(key)})
    old_variants, new_variants = before.get("variants", {}), after.get("variants", {})
    for sku in sorted(set(old_variants) | set(new_variants)):
        if old_variants.get(sku) != new_variants.get(sku):
            changes.append({"field": f"sku {sku}", "before": old_variants.get(sku), "after": new_variants.get(sku)})
    return changes


def _record(entry: SupplierProduct, action: str, *, actor, reason: str = "", changes=None) -> None:
    ReviewEvent.objects.create(entry=entry, action=action, actor=saved_user(actor),
                               reason=reason, changes=changes or [])
    audit_record(action=f"product.{action}", actor=actor, target=entry.product,
                 changes={"reason": reason, "changes": changes or [], "state": entry.state})
    _notify(entry, action, reason=reason)


# Review steps someone else must hear of: the operator a submission, the supplier the decision.
_REVIEW_EVENTS = {ReviewEvent.Action.SUBMITTED: "product.submitted", ReviewEvent.Action.APPROVED: "product.approved",
                  ReviewEvent.Action.REJECTED: "product.rejected"}


def _notify(entry: SupplierProduct, action: str, *, reason: str) -> None:
    kind = _REVIEW_EVENTS.get(action)
    if kind is None:
        return
    audience = Audience.operator() if kind == "product.submitted" else Audience.supplier(entry.supplier_id)
    event_emit(kind=kind, audiences=[audience], params={
        "entry": entry.pk, "title": entry.product.get_title(), "supplier": entry.supplier.display_name,
        "reason": reason})


def _sync_visibility(entry: SupplierProduct) -> None:
    """Oscar's own storefront shows only what the marketplace may sell."""
    visible = entry.in_market
    Product.objects.filter(pk=entry.product_id).update(is_public=visible)
    Product.objects.filter(parent_id=entry.product_id).update(is_public=visible)


def _write_variants(*, entry: SupplierProduct, data: ProductInput, lookups: Lookups, new: bool = False,
                    actor=None) -> None:
    parent = entry.product
    supplier = entry.supplier
    existing = {} if new else {row["record"].partner_sku: row for row in selectors.variant_rows(entry=entry)
                               if row["record"]}
    wanted = {v.sku.strip(): v for v in data.variants}
    threshold = new_row_threshold()  # new warehouse rows start at the marketplace's low-stock default
    for sku, row in existing.items():
        if sku not in wanted and parent.is_parent:
            row["product"].delete()
    for variant in data.variants:
        sku = variant.sku.strip()
        row = existing.get(sku)
        if parent.is_parent:
            child = row["product"] if row else Product(structure=Product.CHILD, parent=parent)
            child.title = variant.label.strip()
            child.is_public = parent.is_public
            child.save()
            target = child
        else:
            target = parent
        _write_attributes(target, variant.attributes, allowed=lookups.attributes.get(data.product_class, {}))
        record = row["record"] if row else StockRecord(product=target, partner_id=supplier.partner_id,
                                                       partner_sku=sku, price_currency="CNY")
        record.partner_sku = sku
        record.wholesale_price = variant.wholesale_price
        record.price = variant.suggested_retail_price
        record.min_retail_price = variant.min_retail_price
        is_new = record.pk is None
        if is_new:
            record.num_in_stock = sum(variant.stock.values())
        record.save()
        if is_new:  # no warehouse rows yet: one insert and their opening movements (bulk import speed)
            rows = WarehouseStock.objects.bulk_create([
                WarehouseStock(stockrecord=record, warehouse=lookups.warehouses[code], on_hand=quantity,
                               low_stock_threshold=threshold)
                for code, quantity in variant.stock.items()])
            stock_opening_record(rows=rows, actor=actor, reason=_("Opening stock"))
            continue
        for code, quantity in variant.stock.items():  # the stock record's totals follow the movements
            stock_levels_set(location=lookups.warehouses[code], levels={record.pk: quantity}, actor=actor,
                             reason=_("Set by the supplier"))


def _write_attributes(product, values: dict[str, str], *, allowed) -> None:
    """Set (or, given "", clear) oscar attribute values through `product.attr`; codes left out stay as they are.

    Attributes are descriptive data the supplier owns, like stock: they are not part of the review snapshot,
    so changing them never sends an approved product back to review.
    """
    changed = False
    for code, raw in values.items():
        attribute = allowed.get(code)
        if attribute is None:  # validation let it through only when empty: nothing to clear for this type
            continue
        product.attr.set(code, parse_attribute(attribute.type, raw))
        changed = True
    if changed:
        product.attr.save()


def _write_content(*, entry: SupplierProduct, data: ProductInput, lookups: Lookups, new: bool = False) -> None:
    """Title, description, class, category and tags; `new` saves the product and the entry for the first time."""
    product = entry.product
    product.title = data.title.strip()
    product.description = clean_description(data.description)
    product.product_class = lookups.product_classes[data.product_class]
    product.save()
    category = lookups.categories[data.category]
    tags = [lookups.tags[code] for code in data.tags]
    if new:  # nothing to compare against: plain inserts (the import writes thousands of these)
        entry.product = product
        entry.save()
        ProductCategory.objects.create(product=product, category=category)
        if tags:
            entry.tags.add(*tags)
        return
    ProductCategory.objects.filter(product=product).exclude(category=category).delete()
    ProductCategory.objects.get_or_create(product=product, category=category)
    entry.tags.set(tags)


ALLOWED_DESCRIPTION_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li"}


def clean_description(html: str) -> str:
    """Oscar renders descriptions unescaped, so only a few harmless formatting tags survive, from any entry path."""
    return nh3.clean(html or "", tags=ALLOWED_DESCRIPTION_TAGS, attributes={}, link_rel=None).strip()


def _add_images(product, images) -> None:
    if not images:
        return
    start = product.images.count()
    for offset, image in enumerate(images):
        ProductImage.objects.create(product=product, original=image, display_order=start + offset)


@transaction.atomic
def product_create(*, actor, supplier: Supplier, data: ProductInput, images=(),
                   lookups: Lookups | None = None, taken_skus: set[str] | None = None) -> SupplierProduct:
    """A new draft product of `supplier`; variants become oscar child products, each with a stock record."""
    lookups = lookups or Lookups(supplier=supplier)
    taken = taken_skus if taken_skus is not None else selectors.skus_of(supplier=supplier)
    errors = lookups.errors(data, taken_skus=taken) or lookups.plan_errors()
    if errors:
        raise CatalogueInputError(errors)
    structure = Product.PARENT if len(data.variants) > 1 or data.variants[0].label.strip() else Product.STANDALONE
    product = Product(structure=structure, is_public=False)
    entry = SupplierProduct(product=product, supplier=supplier)
    _write_content(entry=entry, data=data, lookups=lookups, new=True)
    _write_variants(entry=entry, data=data, lookups=lookups, new=True, actor=actor)
    _add_images(product, images)
    taken.update(v.sku.strip() for v in data.variants)
    lookups.product_added()
    _record(entry, ReviewEvent.Action.CREATED, actor=actor)
    return entry


@transaction.atomic
def product_update(*, actor, entry: SupplierProduct, data: ProductInput, images=(),
                   remove_image_ids=(), lookups: Lookups | None = None) -> SupplierProduct:
    """Edit a product. An approved product whose reviewed content changes goes back to the review queue."""
    entry = _locked(entry)
    lookups = lookups or Lookups(supplier=entry.supplier)
    errors = lookups.errors(data, taken_skus=selectors.skus_of(supplier=entry.supplier, exclude_entry=entry))
    wants_parent = len(data.variants) > 1 or bool(data.variants and data.variants[0].label.strip())
    if not errors and wants_parent != entry.product.is_parent:
        errors.append(InputError("variant", _("A product with variants stays one with variants, and one without "
                                              "stays without; create a new product instead.")))
    if errors:
        raise CatalogueInputError(errors)
    _write_content(entry=entry, data=data, lookups=lookups)
    _write_variants(entry=entry, data=data, lookups=lookups, actor=actor)
    if remove_image_ids:
        ProductImage.objects.filter(product=entry.product, pk__in=list(remove_image_ids)).delete()
    _add_images(entry.product, images)
    _reprice_listings(entry)
    if entry.state == ReviewState.APPROVED:
        changes = snapshot_diff(entry.approved_snapshot, review_snapshot(entry))
        if changes:
            entry.state = ReviewState.SUBMITTED
            entry.submitted_at = timezone.now()
            entry.save(update_fields=["state", "submitted_at", "updated_at"])
            _sync_visibility(entry)
            _record(entry, ReviewEvent.Action.RESUBMITTED, actor=actor, changes=changes)
            return entry
    entry.save(update_fields=["updated_at"])
    audit_record(action="product.update", actor=actor, target=entry.product)
    return entry


def _reprice_listings(entry: SupplierProduct) -> None:
    """Distributors' listings of this product follow its new prices (or are flagged when out of band).

    Imported here, not at the top: the distribution app builds on the catalogue, not the other way round.
    """
    from distributor.services import records_repriced_for_entry

    records_repriced_for_entry(entry_id=entry.pk, reason=_("%(supplier)s changed the prices of “%(product)s”.") % {
        "supplier": entry.supplier, "product": entry.product.title})


def product_patch(*, actor, entry: SupplierProduct, changes: dict) -> SupplierProduct:
    """Change some of a product's fields (`title`, `description`, `category`, `tags`, `variants`: [{"sku", "title",
    "wholesale_price", "suggested_retail_price", "retail_floor"}], each optional), as `product_update` does. The
    product is locked before it is read, so a concurrent edit is never overwritten with what was read before it."""
    from supplier.spreadsheet.exporter import current_catalogue

    with transaction.atomic():
        entry = _locked(entry)
        [current] = [item for item in current_catalogue(supplier=entry.supplier) if item.entry_id == entry.pk]
        data = current.data
        variants = {variant.sku: replace(variant, stock={}) for variant in data.variants}  # stock: unchanged
        unknown = [item["sku"] for item in changes.get("variants", []) if item["sku"] not in variants]
        if unknown:
            raise ValidationError([_("This product has no SKU “%(sku)s”.") % {"sku": sku} for sku in unknown])
        for item in changes.get("variants", []):
            variant = variants[item["sku"]]
            variants[item["sku"]] = replace(
                variant, label=item.get("title", variant.label),
                wholesale_price=item.get("wholesale_price", variant.wholesale_price),
                suggested_retail_price=item.get("suggested_retail_price", variant.suggested_retail_price),
                min_retail_price=item.get("retail_floor", variant.min_retail_price))
        data = replace(data, title=changes.get("title", data.title),
                       description=changes.get("description", data.description),
                       category=changes.get("category", data.category), tags=changes.get("tags", data.tags),
                       variants=list(variants.values()))
        return product_update(actor=actor, entry=entry, data=data)


def _locked(entry: SupplierProduct) -> SupplierProduct:
    [locked] = lock_rows(SupplierProduct.objects.filter(pk=entry.pk).select_related("product", "supplier"))
    return locked


@transaction.atomic
def product_submit(*, actor, entry: SupplierProduct) -> SupplierProduct:
    entry = _locked(entry)
    if entry.state not in {ReviewState.DRAFT, ReviewState.REJECTED}:
        raise ValidationError(_("Only a draft or rejected product can be submitted; this one is “%(state)s”.")
                              % {"state": entry.get_state_display()})
    entry.state = ReviewState.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.save(update_fields=["state", "submitted_at", "updated_at"])
    _record(entry, ReviewEvent.Action.SUBMITTED, actor=actor,
            changes=snapshot_diff(entry.approved_snapshot, review_snapshot(entry)))
    return entry


@transaction.atomic
def product_approve(*, actor, entry: SupplierProduct) -> SupplierProduct:
    entry = _locked(entry)
    if entry.state != ReviewState.SUBMITTED:
        raise ValidationError(_("Only a product waiting for review can be approved; this one is “%(state)s”.")
                              % {"state": entry.get_state_display()})
    entry.state = ReviewState.APPROVED
    entry.reject_reason = ""
    entry.approved_at = timezone.now()
    entry.approved_snapshot = review_snapshot(entry)
    entry.save(update_fields=["state", "reject_reason", "approved_at", "approved_snapshot", "updated_at"])
    _sync_visibility(entry)
    _record(entry, ReviewEvent.Action.APPROVED, actor=actor)
    return entry


@transaction.atomic
def product_reject(*, actor, entry: SupplierProduct, reason: str) -> SupplierProduct:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the rejection; the supplier will see it."))
    entry = _locked(entry)
    if entry.state != ReviewState.SUBMITTED:
        raise ValidationError(_("Only a product waiting for review can be rejected; this one is “%(state)s”.")
                              % {"state": entry.get_state_display()})
    entry.state = ReviewState.REJECTED
    entry.reject_reason = reason[:500]
    entry.save(update_fields=["state", "reject_reason", "updated_at"])
    _sync_visibility(entry)
    _record(entry, ReviewEvent.Action.REJECTED, actor=actor, reason=entry.reject_reason)
    return entry


@transaction.atomic
def product_set_shelf(*, actor, entry: SupplierProduct, on_shelf: bool) -> SupplierProduct:
    entry = _locked(entry)
    if entry.on_shelf == on_shelf:
        return entry
    entry.on_shelf = on_shelf
    entry.save(update_fields=["on_shelf", "updated_at"])
    _sync_visibility(entry)
    _record(entry, ReviewEvent.Action.SHELF_ON if on_shelf else ReviewEvent.Action.SHELF_OFF, actor=actor)
    return entry


@transaction.atomic
def products_set_shelf(*, actor, entries, on_shelf: bool) -> int:
    """Bulk on/off shelf; `entries` must already be scoped to the acting supplier."""
    changed = 0
    for entry in lock_rows(SupplierProduct.objects.filter(pk__in=[e.pk for e in entries])):
        if entry.on_shelf != on_shelf:
            product_set_shelf(actor=actor, entry=entry, on_shelf=on_shelf)
            changed += 1
    return changed


@transaction.atomic
def products_review(*, actor, entries, approve: bool, reason: str = "") -> int:
    """Bulk approve or reject; all or nothing (one product in the wrong state refuses the whole batch)."""
    if not approve and not (reason or "").strip():
        raise ValidationError(_("Give a reason for the rejection; the supplier will see it."))
    locked = lock_rows(SupplierProduct.objects.filter(pk__in=[e.pk for e in entries]))
    for entry in locked:
        if approve:
            product_approve(actor=actor, entry=entry)
        else:
            product_reject(actor=actor, entry=entry, reason=reason)
    return len(locked)


@transaction.atomic
def stock_set(*, actor, entry: SupplierProduct, sku: str, warehouse_code: str, on_hand: int) -> int:
    """Set the units on hand of one SKU in one warehouse; stock changes never send a product back to review."""
    if on_hand < 0:
        raise ValidationError(_("Stock cannot be negative."))
    record = StockRecord.objects.filter(partner_id=entry.supplier.partner_id, partner_sku=sku).first()
    if record is None or not (record.product_id == entry.product_id or record.product.parent_id == entry.product_id):
        raise ValidationError(_("This product has no SKU “%(sku)s”.") % {"sku": sku})
    warehouse = selectors.warehouse_codes(supplier=entry.supplier).get(warehouse_code)
    if warehouse is None:
        raise ValidationError(_("You have no warehouse “%(code)s”.") % {"code": warehouse_code})
    stock_levels_set(location=warehouse, levels={record.pk: on_hand}, actor=actor, reason=_("Set by the supplier"))
    record.refresh_from_db(fields=["num_in_stock"])
    audit_record(action="stock.set", actor=actor, target=record,
                 changes={"sku": sku, "warehouse": warehouse_code, "on_hand": on_hand})
    return record.num_in_stock
