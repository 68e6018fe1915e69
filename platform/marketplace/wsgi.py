import os

from marketplace import ensure_import_paths

ensure_import_paths()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
