"""Cells of the portal's Excel files, written row by row in constant memory (XlsxWriter).

In constant-memory mode each worksheet keeps only its current row: a row is
flushed to a temporary file as soon as a later row is written, and a write to
an earlier row is silently dropped. So every sheet here is written top to
bottom, and a range merged down several rows is recorded on the row where it
starts (`merge_down`) while the rows below write their own blank, framed cells.

Everything a user typed is written as text, never as a formula; points stay
Decimal until the moment they enter a cell.
"""

import datetime
import re
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

SCORE_FORMAT = "0.0"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_CELL_TEXT = 32767  # Excel refuses to open a file with a longer cell
MAX_SHEET_TITLE = 31
PAGE_FOOTER = "&C第 &P 页，共 &N 页"  # &C: centre section; &P and &N: Excel's page number and page count
# Characters XML 1.0 cannot carry (Excel would call the file corrupt): C0 controls except tab, newline, return.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
INVALID_SHEET_TITLE_RE = re.compile(r"[\\/?*\[\]:]")

# Named looks of a cell; `Book.style` turns one (plus a number format) into an XlsxWriter format once.
LEFT = {"border": 1, "valign": "vcenter", "text_wrap": True}
CENTER = {**LEFT, "align": "center"}
HEADER = {**CENTER, "bold": True, "pattern": 1, "bg_color": "#D9D9D9"}
TOTAL_LABEL = {**CENTER, "bold": True}
TITLE = {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
NOTE = {"align": "left", "valign": "vcenter"}


def open_book(output):
    """A constant-memory workbook writing its zip to `output` (a path or a binary file object) on `close()`."""
    return Book(xlsxwriter.Workbook(output, {
        "constant_memory": True,
        # Users' text stays text: no formulas, numbers or links are guessed from strings.
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
    }))


class Book:
    """An XlsxWriter workbook with the portal's cell formats, each created once, and unique sheet titles."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._formats = {}
        self._titles = set()

    def sheet(self, name):
        """A new worksheet titled `name`, cleaned for Excel and made unique (Excel compares titles case-blind)."""
        base = INVALID_SHEET_TITLE_RE.sub("", name).strip("'")[:MAX_SHEET_TITLE] or "Sheet"
        title, number = base, 1
        while title.lower() in self._titles:
            number += 1
            suffix = f"({number})"
            title = base[:MAX_SHEET_TITLE - len(suffix)] + suffix
        self._titles.add(title.lower())
        return self.workbook.add_worksheet(title)

    def style(self, look=None, number_format=None):
        key = (id(look), number_format)  # looks are this module's constants: their identity names them
        if key not in self._formats:
            properties = dict(look or {})
            if number_format:
                properties["num_format"] = number_format
            self._formats[key] = self.workbook.add_format(properties) if properties else None
        return self._formats[key]

    def put(self, sheet, row, column, value, look=None):
        """Write one value at a 1-based (row, column): text as text, Decimal as a number, datetimes local."""
        row, column = row - 1, column - 1
        if isinstance(value, str):
            sheet.write_string(row, column, clean_text(value), self.style(look))
        elif isinstance(value, Decimal):
            sheet.write_number(row, column, float(value), self.style(look, SCORE_FORMAT))  # the Excel boundary
        elif isinstance(value, datetime.datetime):
            # Excel keeps no time zone and no microseconds: local wall-clock time, to the second.
            local = timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None, microsecond=0)
            sheet.write_datetime(row, column, local, self.style(look, DATETIME_FORMAT))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value, self.style(look))
        elif value is None:
            sheet.write_blank(row, column, None, self.style(look))  # kept only when it has a format (a frame)
        else:
            sheet.write_string(row, column, clean_text(str(value)), self.style(look))

    def merge_across(self, sheet, row, first_column, last_column, text, look):
        """Merge columns of one row (1-based) and write `text` in it; the row must be the one being written."""
        sheet.merge_range(row - 1, first_column - 1, row - 1, last_column - 1, clean_text(text), self.style(look))

    def merge_down(self, sheet, first_row, column, last_row, text, look):
        """Write `text` at (first_row, column) and merge it down to `last_row` (1-based).

        XlsxWriter's `merge_range` would pad the rows below at once, flushing the current row before its other
        cells are written; here the merge is only recorded, and each row below writes its own framed blank.
        """
        self.put(sheet, first_row, column, text, look)
        if last_row > first_row:
            sheet.merge.append([first_row - 1, column - 1, last_row - 1, column - 1])

    def finish(self, sheet):
        """Release a fully written sheet's temporary file handle (and its buffers) until the book is closed.

        XlsxWriter keeps one open file per constant-memory sheet and reopens it when it assembles the file;
        a round has a sheet per town, so without this the buffers and descriptors would grow with the towns.
        """
        sheet._opt_close()

    def close(self):
        self.workbook.close()


def clean_text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]


def setup_sheet(sheet, columns, header_row):
    """Widths for Chinese text, the header frozen and repeated on every printed A4 landscape page."""
    for index, (_label, width) in enumerate(columns):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(header_row, 0)  # the first unfrozen row, 0-based: the one below the 1-based header row
    sheet.repeat_rows(header_row - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_footer(PAGE_FOOTER)
