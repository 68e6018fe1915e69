"""`manage.py export_products --supplier SLUG --format csv|xlsx -o FILE`: the catalogue in the import format."""

from django.core.management.base import BaseCommand, CommandError

from parties.models import Supplier
from supplier.spreadsheet import FORMATS, export_catalogue


class Command(BaseCommand):
    help = "Export one supplier's catalogue as CSV or .xlsx, in the format import_products reads back."

    def add_arguments(self, parser):
        parser.add_argument("--supplier", required=True, help="slug of the supplier")
        parser.add_argument("--format", dest="fmt", choices=FORMATS,
                            help="csv or xlsx (default: from the -o file name, else csv)")
        parser.add_argument("-o", "--output", required=True, help="file to write; '-' writes CSV to stdout")

    def handle(self, *args, supplier, fmt, output, **options):
        target = Supplier.objects.filter(slug=supplier).first()
        if target is None:
            raise CommandError(f"No supplier with slug “{supplier}”.")
        fmt = fmt or ("xlsx" if output.lower().endswith(".xlsx") else "csv")
        if output == "-":
            if fmt != "csv":
                raise CommandError("Only CSV can be written to stdout; give -o FILE.xlsx.")
            self.stdout.write(export_catalogue(supplier=target, fmt=fmt).decode("utf-8-sig"), ending="")
            return
        data = export_catalogue(supplier=target, fmt=fmt)
        with open(output, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"Wrote {len(data):,} bytes ({fmt}) to {output}.")
