"""The contribution report as CSV (UTF-8 with a byte-order mark, so Excel reads Chinese names, as
settlement/exports.py does) or as an Excel workbook: exactly the rows the page shows, in its order."""

import csv
import io
from datetime import datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.selectors import Filters

MONEY_FORMAT = "#,##0.00"
FIXED_TIME = datetime(2000, 1, 1)


def header(by: str) -> list[str]:
    first = {"store": _("Store"), "supplier": _("Supplier"), "distributor": _("Distributor")}[by]
    return [_("Rank"), first, _("Sales"), _("Orders"), _("Margin"), _("Discount cost"), _("Refund cost"),
            _("Marketing cost share"), _("Contribution to platform revenue"), _("Sales, previous period"),
            _("Trend (%)")]


def values(rows) -> list[list]:
    return [[row.rank, row.name, row.sales, row.orders, row.margin, row.discounts, row.refunds, row.marketing,
             row.contribution, row.previous_sales, row.trend] for row in rows]


def filename(filters: Filters, by: str, extension: str) -> str:
    return f"contribution-{by}-{filters.start.isoformat()}-{filters.end.isoformat()}.{extension}"


def contribution_csv(rows, *, by: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(by))
    for row in values(rows):
        writer.writerow(["" if value is None else value for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def contribution_xlsx(rows, *, by: str, filters: Filters) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Contribution")[:31]
    props = workbook.properties
    props.creator = props.lastModifiedBy = "Marketplace"
    props.created = props.modified = FIXED_TIME
    sheet.append([f"{filters.start.isoformat()} – {filters.end.isoformat()}"])
    sheet.append(header(by))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in values(rows):
        sheet.append(row)
        for cell in sheet[sheet.max_row][2:]:
            if cell.column != 4:
                cell.number_format = MONEY_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
