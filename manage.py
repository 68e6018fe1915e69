#!/usr/bin/env python
"""Django's command-line utility. Puts platform/ (a plain folder, not a package) on the path."""

import os
import sys
from pathlib import Path


def main():
    root = Path(__file__).resolve().parent
    for entry in (str(root), str(root / "platform")):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
