"""One UPDATE for many rows, each with its own values: `WITH v AS (VALUES ...) UPDATE ... FROM v`.

Django's `bulk_update` builds a CASE WHEN per row and column; for a 5,000-line stocktake that expression
building cost more than the database work (bench/stocktake_post.py). This statement is the same on
PostgreSQL and SQLite (3.33+: UPDATE ... FROM), so both engines run the same code.
"""

from django.db import connection

BATCH = 2000


def update_from_values(*, model, assignments: dict[str, str], rows: list[tuple[int, ...]]) -> None:
    """`rows` are (pk, value, ...) in the order of `assignments` ({column: SQL using v.value1, v.value2...}).

    The caller holds the rows' locks; values are integers.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    names = ["id"] + [f"value{index + 1}" for index in range(len(assignments))]
    row_sql = "(" + ", ".join(["CAST(%s AS integer)"] * len(names)) + ")"
    sets = ", ".join(f"{quote(column)} = {expression}" for column, expression in assignments.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            sql = (f"WITH v({', '.join(names)}) AS (VALUES {', '.join([row_sql] * len(batch))}) "  # noqa: S608
                   f"UPDATE {table} SET {sets} FROM v WHERE {table}.{pk} = v.id")
            cursor.execute(sql, [value for row in batch for value in row])
