"""`manage.py import_products --supplier SLUG FILE [--dry-run]`: the portal's spreadsheet import, from a shell."""

import logging
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from parties.models import Supplier
from supplier.spreadsheet import import_apply, import_preview


class Progress:
    """A percentage on one redrawn line on a terminal; a line per 10 % when stdout is a file or a pipe."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.tty = stdout.isatty()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if not total else done * 100 // total
        if self.tty:
            bar = "#" * (percent // 5)
            self.stdout.write(f"\rWriting products [{bar:<20}] {percent:3d}% ({done}/{total})", ending="")
            if done == total:
                self.stdout.write("")
            self.stdout.flush()
        elif percent // 10 > self.last_tenth:
            self.last_tenth = percent // 10
            self.stdout.write(f"Writing products: {percent}% ({done}/{total})")


class Command(BaseCommand):
    help = ("Import products with variants, prices and warehouse stock from a CSV or .xlsx file into one "
            "supplier's catalogue; all or nothing. Exits with status 1 when the file has errors.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv or .xlsx file (the export or template format)")
        parser.add_argument("--supplier", required=True, help="slug of the supplier whose catalogue to change")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument("--user", help="email of the user the review history and audit log name as actor")

    def handle(self, *args, file, supplier, dry_run, user, **options):
        target = Supplier.objects.filter(slug=supplier).first()
        if target is None:
            raise CommandError(f"No supplier with slug “{supplier}”.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(email__iexact=user).first()
            if actor is None:
                raise CommandError(f"No user with email “{user}”.")
        if not os.path.isfile(file):
            raise CommandError(f"No file “{file}”.")
        filename = os.path.basename(file)
        # oscar logs two INFO lines per stock record saved ("Sending alerts for ..."): 40,000 lines would bury
        # the progress and the errors of a 10,000-product file. Its warnings still show.
        alerts_log = logging.getLogger("oscar.alerts")
        level = alerts_log.level
        alerts_log.setLevel(max(level, logging.WARNING))
        try:
            with open(file, "rb") as handle:
                if dry_run:
                    report = import_preview(supplier=target, file=handle, filename=filename)
                else:
                    report = import_apply(actor=actor, supplier=target, file=handle, filename=filename,
                                          progress=Progress(self.stdout))
        finally:
            alerts_log.setLevel(level)
        for error in report.errors:
            where = f"row {error.row}" if error.row else "file"
            self.stdout.write(f"{where:>10}  {error.column or '-':<24}  {error.message}")
        summary = (f"{report.rows} rows, {report.products} products: {report.new_products} new, "
                   f"{report.updated_products} changed, {report.unchanged_products} unchanged; "
                   f"{report.new_skus} new SKUs.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} errors in {filename}; nothing was imported. ({summary})")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: no errors; nothing was written. {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {target.slug}. {summary}"))
