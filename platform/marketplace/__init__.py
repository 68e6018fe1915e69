"""The project package: settings, URL map, ASGI/WSGI entry points."""

import sys
from pathlib import Path

PLATFORM_DIR = Path(__file__).resolve().parent.parent


def ensure_import_paths() -> None:
    """Put the repository root (portal apps) and platform/ (its packages) on sys.path.

    platform/ has no __init__.py so it never shadows the stdlib `platform` module.
    """
    for entry in (str(PLATFORM_DIR.parent), str(PLATFORM_DIR)):
        if entry not in sys.path:
            sys.path.insert(0, entry)
