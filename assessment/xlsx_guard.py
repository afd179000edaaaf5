"""Every uploaded xlsx is looked at as a zip archive before a spreadsheet library parses it.

An xlsx is a zip of XML files; a few hundred kilobytes can declare gigabytes of XML (a zip bomb) and tie up a server
for minutes. `check_xlsx` reads only the archive's directory and the first bytes of each sheet, so it refuses such a
file in milliseconds: too much XML in all, too many entries, entries sharing their data, a compression ratio no
spreadsheet has, or more rows than the import accepts. Sizes declared in the directory bound what `zipfile` (and so
openpyxl) will ever decompress, which is why checking them is enough.
"""

import io
import re
import zipfile

from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 100  # spreadsheets compress about 5–20 times; deflate's limit is about 1,000
RATIO_FROM_BYTES = 1024 * 1024  # tiny entries may compress far better: only larger ones are judged by ratio
MAX_ROWS = 100_000
SCAN_CHUNK = 64 * 1024
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")


class XlsxRefused(ValueError):
    """The file is not accepted; `message` says why, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TooManyRows(XlsxRefused):
    """A sheet has more rows than the import accepts (an importer may say so in its own words)."""


def check_xlsx(file, *, max_rows=MAX_ROWS):
    """Raise XlsxRefused unless `file` (a path, bytes or a binary file object) is an xlsx safe to parse.

    The file object's position is restored, so the caller can parse it next.
    """
    source = _seekable(file)
    start = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
            _check_directory(entries)
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    _check_rows(archive, entry, max_rows)
    except zipfile.BadZipFile as error:
        raise XlsxRefused(_("文件不是有效的 Excel（.xlsx）文件。")) from error
    finally:
        if start is not None:
            source.seek(start)


def _seekable(file):
    if isinstance(file, bytes | bytearray):
        return io.BytesIO(file)
    return file


def _check_directory(entries):
    if len(entries) > MAX_ENTRIES:
        raise XlsxRefused(_("Excel 文件包含 %(n)s 个内部文件，超过上限 %(limit)s，已拒绝。") % {"n": len(entries), "limit": MAX_ENTRIES})
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise XlsxRefused(_("Excel 文件解压后达 %(size).0f MB，超过上限 %(limit).0f MB，可能是恶意压缩文件，已拒绝。") % {
            "size": total / 1048576, "limit": MAX_UNCOMPRESSED_BYTES / 1048576})
    if len({entry.header_offset for entry in entries}) < len(entries):
        raise XlsxRefused(_("Excel 文件的内部文件相互重叠，可能是恶意压缩文件，已拒绝。"))
    for entry in entries:
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise XlsxRefused(_("Excel 文件的压缩比异常（超过 %(ratio)s 倍），可能是恶意压缩文件，已拒绝。") % {"ratio": MAX_RATIO})


def _check_rows(archive, entry, max_rows):
    """Rows of one sheet: from its <dimension>, which comes first, or else by counting <row> tags as it streams."""
    rows = 0
    tail = b""
    with archive.open(entry) as sheet:
        head = sheet.read(SCAN_CHUNK)
        declared = DIMENSION.search(head)
        if declared:
            rows = int(declared.group(1))
        else:
            chunk = head
            while chunk and rows <= max_rows:
                rows += len(ROW_START.findall(tail + chunk)) - len(ROW_START.findall(tail))
                tail = chunk[-16:]
                chunk = sheet.read(SCAN_CHUNK)
    if rows > max_rows:
        raise TooManyRows(_("Excel 工作表的行数超过上限 %(limit)s 行，已拒绝。") % {"limit": max_rows})


class GuardedXLSX(XLSX):
    """django-import-export's xlsx format, checked by `check_xlsx` before openpyxl opens it (admin imports)."""

    def create_dataset(self, in_stream):
        check_xlsx(in_stream)
        return super().create_dataset(in_stream)
