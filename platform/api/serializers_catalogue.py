"""Serializers of the catalogue resources (products, variants, stock levels): what the API shows and accepts.

Reads are shaped from rows the views load in a fixed number of queries; the bulk stock body is only described
here (for the schema): its rows are checked by `api.stock.bulk_rows_check`, which names every bad row at once.
"""

from rest_framework import serializers

MAX_BULK_ITEMS = 10_000


class StockLevelSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The stock row (one SKU at one location).")
    location = serializers.IntegerField(source="warehouse_id")
    location_code = serializers.CharField(source="warehouse.code")
    sku = serializers.CharField(source="stockrecord.partner_sku")
    on_hand = serializers.IntegerField()
    allocated = serializers.IntegerField()
    available = serializers.IntegerField(help_text="On hand minus allocated (never below zero).")
    low_stock_threshold = serializers.IntegerField(allow_null=True)


class StockBulkItemSerializer(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField(help_text="`set`: units on hand (0 or more); `adjust`: units to add "
                                                  "(negative to take away).")


class StockBulkSerializer(serializers.Serializer):
    location = serializers.IntegerField(help_text="A stock location of the token's supplier or store.")
    mode = serializers.ChoiceField(choices=["set", "adjust"])
    reason = serializers.CharField(max_length=200)
    items = StockBulkItemSerializer(many=True, help_text=f"1 to {MAX_BULK_ITEMS} rows, each SKU once.")


class StockBulkResultSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    mode = serializers.CharField()
    rows = serializers.IntegerField(help_text="Rows received.")
    changed = serializers.IntegerField(help_text="Rows whose units on hand changed (one stock movement each).")
    unchanged = serializers.IntegerField()


class VariantStockSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    location_code = serializers.CharField()
    on_hand = serializers.IntegerField()
    allocated = serializers.IntegerField()
    available = serializers.IntegerField()


class VariantSerializer(serializers.Serializer):
    """A supplier's SKU: its prices and its stock at each of the supplier's locations."""

    sku = serializers.CharField()
    title = serializers.CharField(help_text="The variant's name (empty for a product without variants).")
    wholesale_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    suggested_retail_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    retail_floor = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    stock = VariantStockSerializer(many=True)


class ProductSerializer(serializers.Serializer):
    """A supplier's product with its variants (a supplier's token)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    state = serializers.CharField(help_text="Review state: draft, submitted, approved or rejected.")
    on_shelf = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    variants = VariantSerializer(many=True)


class ListedVariantSerializer(serializers.Serializer):
    """A SKU as one store sells it."""

    sku = serializers.CharField()
    title = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="The store's price.")
    paused = serializers.BooleanField()
    sellable = serializers.BooleanField(help_text="Shoppers can buy it now (not paused, in band, product on sale).")
    available = serializers.IntegerField(help_text="Free units the store sells from, as its storefront counts them.")


class ListedProductSerializer(serializers.Serializer):
    """A product listed by the token's store (a store's token)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    supplier = serializers.CharField()
    updated_at = serializers.DateTimeField()
    variants = ListedVariantSerializer(many=True)


class VariantUpdateSerializer(serializers.Serializer):
    sku = serializers.CharField(help_text="An SKU of this product (variants are not added or removed here).")
    title = serializers.CharField(required=False, allow_blank=True)
    wholesale_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    suggested_retail_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    retail_floor = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class ProductUpdateSerializer(serializers.Serializer):
    """Only the fields sent change. Changing reviewed content of an approved product sends it back to review."""

    title = serializers.CharField(required=False, max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(required=False, help_text="Full path, e.g. “Tea > Green tea”.")
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    variants = VariantUpdateSerializer(many=True, required=False)
