"""Catalogue spreadsheets: import (dry run and all-or-nothing write), export and the blank template.

The file has one row per SKU: product_ref, title, description, category,
product_class, tags, sku, variant, wholesale_price, suggested_retail_price,
min_retail_price, then `stock:<warehouse code>` per warehouse. Portal views
and the `import_products`/`export_products` commands call only what is
exported here.
"""

from supplier.spreadsheet.exporter import download_filename, export_catalogue, import_template
from supplier.spreadsheet.importer import ImportReport, RowError, import_apply, import_preview
from supplier.spreadsheet.tables import CONTENT_TYPES, FORMATS, MAX_FILE_BYTES, MAX_ROWS, columns_for

__all__ = [
    "CONTENT_TYPES", "FORMATS", "MAX_FILE_BYTES", "MAX_ROWS", "ImportReport", "RowError", "columns_for",
    "download_filename", "export_catalogue", "import_apply", "import_preview", "import_template",
]
