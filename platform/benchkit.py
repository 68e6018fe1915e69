"""What the order-line benchmarks share: their arguments, a fresh database on a throwaway PostgreSQL (or SQLite),
and a row series in SQL for either engine. Beside localengines.py, which it uses; not a benchmark itself."""

import argparse
import os
import sys
import tempfile
from collections.abc import Callable


def line_args(argv, *, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="40,000 lines instead of 1,000,000")
    parser.add_argument("--lines", type=int, help="order lines (overrides --quick)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead of a throwaway PostgreSQL")
    args = parser.parse_args(argv)
    args.lines = args.lines or (40_000 if args.quick else 1_000_000)
    return args


def on_fresh_database(args: argparse.Namespace, run: Callable[..., int], *, name: str) -> int:
    """`run(lines, engine=...)` in a temporary MARKETPLACE_VAR_DIR, on a throwaway PostgreSQL (localengines.py,
    as `make test` starts it) unless --sqlite or PostgreSQL is not installed; never the developer's database."""
    for variable in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
        os.environ["MARKETPLACE_VAR_DIR"] = folder
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        if args.sqlite:
            return run(args.lines, engine="SQLite")
        from localengines import engines

        with engines(postgres=True, redis=False) as started:
            if "DATABASE_URL" not in started.env:
                print("no PostgreSQL (" + "; ".join(started.skipped) + "): running on SQLite", file=sys.stderr)
                return run(args.lines, engine="SQLite")
            os.environ.update(started.env)
            return run(args.lines, engine="PostgreSQL")


def series(engine: str, count: int) -> str:
    """A table expression `s(i)` of 1..count on either engine."""
    if engine == "PostgreSQL":
        return f"generate_series(1, {count}) AS s(i)"
    return (f"(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {count}) "
            f"SELECT i FROM r) AS s")
