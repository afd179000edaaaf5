import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from assessment.evidence import check_upload
from tests.factories import EXE_BYTES, PDF_BYTES, PNG_BYTES, upload


def _xlsx_bytes():
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "台账"
    workbook.save(buffer)
    return buffer.getvalue()


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("报告.pdf", PDF_BYTES, "pdf"), ("现场.PNG", PNG_BYTES, "png"), ("台账.xlsx", _xlsx_bytes(), "xlsx"),
     ("方案.docx", _docx_bytes(), "docx"), ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "jpg")],
)
def test_check_upload_accepts_allowed_kinds(name, content, kind):
    assert check_upload(upload(name, content)) == (kind, hashlib.sha256(content).hexdigest())


def test_check_upload_refuses_renamed_executable():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("验收报告.pdf", EXE_BYTES))
    assert error.value.messages == ["文件“验收报告.pdf”的内容与扩展名不符，可能已损坏或被改名，已拒绝上传。"]


def test_check_upload_refuses_unlisted_extension():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("tool.exe", EXE_BYTES))
    assert error.value.messages == ["不支持文件“tool.exe”的类型。允许的类型：PDF、Word、Excel、JPEG、PNG。"]


def test_check_upload_refuses_oversized_file(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as error:
        check_upload(upload("大文件.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024)))
    assert error.value.messages == ["文件“大文件.pdf”大小为 2.0 MB，超过上限 1 MB。"]


def test_check_upload_refuses_empty_file():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("空.pdf", b""))
    assert error.value.messages == ["文件“空.pdf”是空文件。"]


def test_check_upload_respects_kind_setting(settings):
    settings.EVIDENCE_ALLOWED_KINDS = ["pdf"]
    with pytest.raises(ValidationError) as error:
        check_upload(upload("现场.png", PNG_BYTES))
    assert error.value.messages == ["不支持文件“现场.png”的类型。允许的类型：PDF。"]
