"""The catalogue spreadsheet as a table: its columns, and reading and writing CSV and .xlsx files.

This layer knows nothing about products; it turns a file into numbered rows
of text (row numbers as the spreadsheet shows them: the header is row 1) and
rows back into a file, refusing files that are too big, too long, not UTF-8
or not a real workbook with a message a supplier can act on.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

BASE_COLUMNS = ("product_ref", "title", "description", "category", "product_class", "tags", "sku", "variant",
                "wholesale_price", "suggested_retail_price", "min_retail_price")
PRODUCT_COLUMNS = ("title", "description", "category", "product_class", "tags")  # the same on every row of a product
PRICE_COLUMNS = ("wholesale_price", "suggested_retail_price", "min_retail_price")
STOCK_PREFIX = "stock:"
ATTRIBUTE_PREFIX = "attr:"  # one optional column per product attribute code: attr:origin
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000  # data rows, not counting the header


class FileProblem(Exception):
    """The file as a whole cannot be read; `message` says why in words for the supplier."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def stock_column(code: str) -> str:
    return f"{STOCK_PREFIX}{code}"


def attribute_column(code: str) -> str:
    return f"{ATTRIBUTE_PREFIX}{code}"


def columns_for(*, warehouse_codes: Iterable[str], attribute_codes: Iterable[str] = ()) -> list[str]:
    """The template's columns for a supplier: the fixed ones, one stock column per warehouse by code, then one
    column per product attribute code."""
    return [*BASE_COLUMNS, *(stock_column(code) for code in sorted(warehouse_codes)),
            *(attribute_column(code) for code in sorted(set(attribute_codes)))]


def normalise_header(raw) -> str:
    """Column names match case-insensitively, except the warehouse or attribute code after `stock:` or `attr:`."""
    name = cell_text(raw).strip()
    for prefix in (STOCK_PREFIX, ATTRIBUTE_PREFIX):
        if name.lower().startswith(prefix):
            return prefix + name[len(prefix):].strip()
    return name.lower()


def cell_text(value) -> str:
    """One cell as text; numbers Excel stored as floats lose their float noise (12.0 → "12", 81.6 → "81.6")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def file_format(filename: str) -> str:
    name = (filename or "").lower()
    for fmt in FORMATS:
        if name.endswith(f".{fmt}"):
            return fmt
    raise FileProblem(_("Upload a .csv or .xlsx file; “%(name)s” is neither.") % {"name": filename})


@dataclass
class Table:
    header_row: int  # spreadsheet row number of the header
    header: list[str]  # normalised column names
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text), blank rows left out


def read_table(*, file, filename: str) -> Table:
    """The header and the non-blank data rows of an uploaded CSV or .xlsx file."""
    fmt = file_format(filename)
    data = _read_limited(file)
    rows = _csv_rows(data) if fmt == "csv" else _xlsx_rows(data)
    header_row, header = 0, None
    body: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header_row, header = number, [normalise_header(cell) for cell in cells]
            while header and not header[-1]:
                header.pop()
            continue
        if len(body) == MAX_ROWS:
            raise FileProblem(_("The file has more than %(max)s rows; split it into several files.")
                              % {"max": f"{MAX_ROWS:,}"})
        body.append((number, cells))
    if header is None:
        raise FileProblem(_("The file is empty: it needs a header row and at least one product row."))
    return Table(header_row=header_row, header=header, rows=body)


def _read_limited(file) -> bytes:
    too_big = FileProblem(_("The file is larger than %(max)s MB; split it into several files.")
                          % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if (getattr(file, "size", None) or 0) > MAX_FILE_BYTES:  # an upload knows its size before it is read
            raise too_big
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_big
    return data


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(_("The file is not UTF-8 text (first bad byte on line %(line)s). In Excel, save it as "
                            "“CSV UTF-8”, or upload the .xlsx file itself.") % {"line": line}) from None
    if "\x00" in text:
        raise FileProblem(_("The file is not a CSV text file. Upload a .csv or .xlsx file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Excel writes ";" in some locales
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [uncsv_text(cell) for cell in cells]
    except csv.Error as exc:
        raise FileProblem(_("Row %(row)s cannot be read as CSV: %(problem)s") % {"row": number + 1, "problem": exc}
                          ) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    broken = _("The file is not a readable Excel workbook (.xlsx). Save it again from Excel, or upload a CSV file.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise FileProblem(broken) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileProblem(broken) from None
    finally:
        workbook.close()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A cell for CSV; text a spreadsheet would run as a formula gets a leading apostrophe (read back without it).

    Numbers are written as they are, so a negative number is never mistaken for a formula to defuse.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def uncsv_text(text: str) -> str:
    """The inverse of `csv_text` for a cell read back from a CSV file."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def write_csv(*, header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Chinese titles correctly when it opens the file."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_xlsx(*, header: list[str], rows: Iterable[list], sheet_title: str = "products") -> bytes:
    """A write-only workbook (fast for big catalogues); prices as numbers with two decimals, the rest as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(name):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        return cell

    sheet.append([header_cell(name) for name in header])
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "0.00"
            elif isinstance(value, int):
                cell = value
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
                cell = None
                if text:  # typed as text, so a title starting with "=" is shown, never run as a formula
                    cell = WriteOnlyCell(sheet, value=text)
                    cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
