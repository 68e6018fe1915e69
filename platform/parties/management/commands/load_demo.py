"""`manage.py load_demo`: build (or bring back) the demo marketplace and print each role's login."""

from django.core.management.base import BaseCommand

from parties.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the bilingual demo marketplace (idempotent) and print each role's login."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url, **options):
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo marketplace ready. Sign in at {base_url}/login/"))
        for login in logins:
            self.stdout.write(f"  {login.role:<14} {login.email:<24} {DEMO_PASSWORD}  → {base_url}{login.lands_on}")
