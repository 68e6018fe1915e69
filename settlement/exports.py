"""A statement as CSV (UTF-8 with a byte-order mark, so Excel reads Chinese names) or as an Excel workbook.

Both hold the same rows: a header, the opening balance, each movement, the closing balance. Nothing in them
depends on when they were made, so two exports of a closed period are identical (the workbook to the byte).
"""

import csv
import io
from datetime import datetime
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from settlement.statements import Statement

MONEY_FORMAT = "#,##0.00"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def header() -> list[str]:
    return [_("Date"), _("Time"), _("Description"), _("Balance state"), _("Reference"), _("Amount"), _("Balance")]


def rows(statement: Statement) -> list[list]:
    """The statement's rows (money as Decimal, dates as ISO text)."""
    out = [[statement.start.isoformat(), "", _("Opening balance"), "", "", None, statement.opening.total]]
    for line in statement.lines:
        out.append([line.posted_at.date().isoformat(), line.posted_at.strftime("%H:%M:%S"), line.kind_label,
                    line.state_label, line.reference, line.amount, line.balance])
    out.append([statement.last_day.isoformat(), "", _("Closing balance"), "", "", statement.movement,
                statement.closing.total])
    return out


def filename(statement: Statement, extension: str) -> str:
    slug = getattr(statement.party, "slug", "") or str(statement.party.pk)
    return f"statement-{slug}-{statement.start.isoformat()}-{statement.last_day.isoformat()}.{extension}"


def statement_csv(statement: Statement) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header())
    for row in rows(statement):
        writer.writerow(["" if value is None else f"{value:.2f}" if not isinstance(value, str) else value
                         for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


class _FixedTimeZip(ZipFile):
    """A zip whose members all carry the same timestamp, so the same content gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source:
            self.writestr(arcname or filename, source.read())


def statement_xlsx(statement: Statement) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Statement")[:31]
    fixed = datetime(*FIXED_TIME)
    props = workbook.properties
    props.creator = props.lastModifiedBy = "Marketplace"
    props.title = f"{statement.party} {statement.start.isoformat()} – {statement.last_day.isoformat()}"
    props.created = props.modified = fixed
    sheet.append([str(statement.party), f"{statement.start.isoformat()} – {statement.last_day.isoformat()}",
                  statement.currency])
    sheet.append(header())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(statement):
        sheet.append(row)  # money stays Decimal: a number cell
        for cell in sheet[sheet.max_row][5:7]:
            cell.number_format = MONEY_FORMAT
    for column, width in zip("ABCDEFG", (12, 10, 28, 26, 34, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()
