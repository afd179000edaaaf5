"""xlsx uploads are checked as zip archives before parsing: a zip bomb is refused at once with a Chinese message."""

import io
import struct
import time
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.account_import import AccountImportError, import_accounts
from assessment.xlsx_guard import XlsxRefused, check_xlsx

MIB = 1024 * 1024


def _crc32_combine(crc1, crc2, length2):
    """CRC-32 of A+B from crc(A), crc(B) and len(B), by squaring the zero-byte operator over GF(2) (as zlib does)."""

    def times(matrix, vector):
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector, row = vector >> 1, row + 1
        return total

    def square(matrix):
        return [times(matrix, matrix[n]) for n in range(32)]

    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = square(odd)  # two zero bits
    odd = square(even)  # four zero bits
    while length2:
        even = square(odd)
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
    return crc1 ^ crc2


def _repeated(block, times):
    """(deflate data, CRC-32) of `block` repeated `times` times, compressing the block once: after a full flush
    deflate starts afresh, so every block's compressed bytes are the same."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = one * times + zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc, size = 0, 0
    piece_crc, piece_size = zlib.crc32(block), len(block)  # the block repeated 1, 2, 4, … times
    while times:
        if times & 1:
            crc, size = _crc32_combine(crc, piece_crc, piece_size) if size else piece_crc, size + piece_size
        piece_crc, piece_size = _crc32_combine(piece_crc, piece_crc, piece_size), 2 * piece_size
        times >>= 1
    return data, crc


def _zip(entries):
    """A zip from [(name, deflate data, crc, size, offset of the local entry to point at or None)], written by hand
    so that several directory entries may share one compressed body, as real zip bombs do."""
    out, directory, offsets = io.BytesIO(), [], {}
    for name, data, crc, size, shared in entries:
        raw = name.encode()
        if shared is None:
            offsets[name] = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0))
            out.write(raw + data)
        offset = offsets[shared or name]
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                     len(raw), 0, 0, 0, 0, 0, offset) + raw)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), out.tell() - start, start, 0))
    return out.getvalue()


def _small(name, text):
    data = text.encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data), None


def zip_bomb(sheet_mib=256, copies=8):
    """A few hundred KB that declare `copies` × `sheet_mib` MiB of sheet XML (2 GiB by default)."""
    data, crc = _repeated(b" " * MIB, sheet_mib)
    sheet = "xl/worksheets/sheet1.xml"
    entries = [_small("[Content_Types].xml", "<Types/>"), _small("xl/workbook.xml", "<workbook/>"),
               (sheet, data, crc, sheet_mib * MIB, None)]
    entries += [(sheet, data, crc, sheet_mib * MIB, sheet) for _ in range(copies - 1)]
    return _zip(entries)


def test_the_bomb_is_small_declares_gigabytes_and_really_inflates():
    bomb = zip_bomb(sheet_mib=4, copies=2)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.read("[Content_Types].xml") == b"<Types/>"
        assert archive.open(archive.infolist()[2]).read() == b" " * 4 * MIB  # a valid archive: CRC checked
    big = zip_bomb()
    assert len(big) < 300 * 1024
    with zipfile.ZipFile(io.BytesIO(big)) as archive:
        assert sum(entry.file_size for entry in archive.infolist()[2:]) == 2 * 1024 * MIB


def _refused_quickly(action):
    started = time.perf_counter()
    with pytest.raises((XlsxRefused, AccountImportError)) as refused:
        action()
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    return refused.value


def test_zip_bomb_refused_by_the_account_import_in_under_a_second(admin_user, rubric):
    bomb = zip_bomb()
    error = _refused_quickly(lambda: import_accounts(io.BytesIO(bomb), by=admin_user))
    assert error.messages == ["Excel 文件解压后达 2048 MB，超过上限 50 MB，可能是恶意压缩文件，已拒绝。"]


def test_zip_bomb_refused_by_the_standard_import_in_under_a_second(client, admin_user, rubric):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("评估标准考察点.xlsx", zip_bomb())
    started = time.perf_counter()
    page = client.post("/admin/assessment/criterion/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert time.perf_counter() - started < 1.0
    assert "Excel 文件解压后达 2048 MB，超过上限 50 MB，可能是恶意压缩文件，已拒绝。" in page.content.decode()


def test_entries_sharing_one_body_are_refused():
    bomb = zip_bomb(sheet_mib=1, copies=3)
    error = _refused_quickly(lambda: check_xlsx(bomb))
    assert error.message == "Excel 文件的内部文件相互重叠，可能是恶意压缩文件，已拒绝。"


def test_extreme_compression_ratio_is_refused():
    dense = zip_bomb(sheet_mib=20, copies=1)
    error = _refused_quickly(lambda: check_xlsx(dense))
    assert error.message == "Excel 文件的压缩比异常（超过 100 倍），可能是恶意压缩文件，已拒绝。"


def test_too_many_entries_are_refused():
    crowded = _zip([_small(f"x{n}.xml", "<x/>") for n in range(2001)])
    error = _refused_quickly(lambda: check_xlsx(crowded))
    assert error.message == "Excel 文件包含 2001 个内部文件，超过上限 2000，已拒绝。"


def _workbook(rows):
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook(write_only=True)  # write-only sheets carry no <dimension>: rows are counted
    sheet = workbook.create_sheet()
    for n in range(rows):
        sheet.append([f"u{n}", "名", "街镇填报员"])
    workbook.save(buffer)
    return buffer.getvalue()


def test_rows_are_counted_without_a_dimension():
    check_xlsx(_workbook(30), max_rows=30)
    longer = _workbook(31)
    error = _refused_quickly(lambda: check_xlsx(longer, max_rows=30))
    assert error.message == "Excel 工作表的行数超过上限 30 行，已拒绝。"


def test_declared_dimension_limits_rows(admin_user, rubric):
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["A6000"] = "用户名", "x"
    workbook.save(buffer)
    buffer.seek(0)
    error = _refused_quickly(lambda: import_accounts(buffer, by=admin_user))
    assert error.messages == ["一次最多导入 5000 个账号。"]


def test_an_ordinary_workbook_passes_and_the_stream_is_rewound():
    stream = io.BytesIO(_workbook(10))
    stream.seek(0)
    check_xlsx(stream)
    assert stream.tell() == 0
