import os
import sys
from pathlib import Path

PLATFORM_DIR = Path(__file__).resolve().parent.parent
for entry in (str(PLATFORM_DIR.parent), str(PLATFORM_DIR)):
    if entry not in sys.path:
        sys.path.insert(0, entry)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
