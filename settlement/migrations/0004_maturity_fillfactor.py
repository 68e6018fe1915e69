"""Room on each page of the maturity table (PostgreSQL): a settlement run sets `settled_run` on every due row, and
with free space on the page that UPDATE is HOT (no index is touched), which halves the run's marking time
(bench/settle.py). SQLite has no such setting."""

from django.db import migrations

TABLE = "mp_settlement_maturity"


def set_fillfactor(apps, schema_editor, value=70):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("mp_settlement", "0003_maturity_indexes")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
