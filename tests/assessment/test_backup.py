"""备份与恢复: back up, wipe everything, restore, and find the same results and the same files."""

import hashlib
import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessment.backup import stored_files
from assessment.models import Evidence, EvidenceFile, Round, Submission
from scoring.loader import round_results
from tests.factories import PDF_BYTES, score_item


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(media, open_round, scored_a, official_a, reviewer, criteria, police):
    item = Submission.objects.get(round=open_round, town=scored_a.town, criterion=criteria["1.2.1"])
    score_item(item, official_a, reviewer, "1.5")
    shared = EvidenceFile(original_name="全区统计.pdf", kind="pdf", size=len(PDF_BYTES) + 5, sha256="-",
                          uploaded_by=police)
    shared.file.save("统计.pdf", ContentFile(PDF_BYTES + b"stats"), save=False)
    shared.save()
    Evidence.objects.create(submission=item, file=shared.file.name, shared_file=shared, original_name="全区统计.pdf",
                            description="统计", kind="pdf", size=shared.size, sha256="-", uploaded_by=police)
    return open_round


def totals(round_):
    return [(r.town_id, r.total, r.rank, r.passed) for r in round_results(Round.objects.get(pk=round_.pk))]


def file_digests():
    digests = {}
    for name in stored_files():
        with default_storage.open(name, "rb") as stored:
            digests[name] = hashlib.sha256(stored.read()).hexdigest()
    return digests


def wipe():
    names = stored_files()
    connection.check_constraints()  # PostgreSQL truncates only once this test's deferred checks have run
    call_command("flush", interactive=False, verbosity=0)
    for name in names:
        default_storage.delete(name)


def backup(directory):
    directory.mkdir()
    call_command("backup", to=str(directory), stdout=io.StringIO())
    [archive] = directory.iterdir()
    return archive


def test_restore_gives_back_the_same_results_and_files(filled, tmp_path):
    before, digests = totals(filled), file_digests()
    assert len(digests) == 3 and before[0][1] > 0
    archive = backup(tmp_path / "out")
    assert archive.name.startswith("liuhe-backup-") and archive.name.endswith(".tar.gz")
    wipe()
    assert (Round.objects.count(), file_digests()) == (0, {})
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert out.getvalue() == "已恢复数据库和 3 个文件。\n"
    assert totals(filled) == before
    assert file_digests() == digests
    assert Evidence.objects.get(shared_file__isnull=False).shared_file.original_name == "全区统计.pdf"


def test_restore_refuses_a_database_in_use(filled, tmp_path):
    archive = backup(tmp_path / "out")
    with pytest.raises(CommandError, match="数据库中已有考评或账号"):
        call_command("restore", str(archive))


def test_a_tampered_archive_is_refused_before_anything_changes(filled, tmp_path):
    archive = backup(tmp_path / "out")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("files/evidence/shared/"):
                data = data.replace(b"stats", b"STATS")
            target.addfile(member, io.BytesIO(data))
    wipe()
    with pytest.raises(CommandError, match="SHA-256 不符或缺失：files/evidence/shared/"):
        call_command("restore", str(tampered))
    assert (Round.objects.count(), file_digests()) == (0, {})


def test_backup_to_the_storage_and_restore_from_it(filled, tmp_path):
    before = totals(filled)
    out = io.StringIO()
    call_command("backup", bucket=True, stdout=out)
    name = out.getvalue().removeprefix("备份已保存到文件存储：").strip()
    assert name.startswith("backups/liuhe-backup-")
    wipe()
    call_command("restore", name, stdout=io.StringIO())
    assert totals(filled) == before


def test_a_missing_file_stops_the_backup_with_a_message_and_leaves_no_archive(filled, tmp_path):
    missing = stored_files()[0]
    default_storage.delete(missing)
    directory = tmp_path / "backups"
    directory.mkdir()
    with pytest.raises(CommandError) as refused:
        call_command("backup", to=str(directory), stdout=io.StringIO())
    assert str(refused.value) == (f"文件存储中缺少文件 {missing}（数据库引用了它），备份未完成，未留下备份文件。"
                                  "请检查存储配置（S3_* 或 MEDIA_ROOT）。")
    assert list(directory.iterdir()) == []


def test_restore_needs_no_tar_extraction_filters(filled, tmp_path, monkeypatch):
    """Debian 12's Python 3.11.2 has no `filter=` on extract(): restore must not depend on it."""
    before = totals(filled)
    archive = backup(tmp_path / "out")
    wipe()

    def old_extract(self, member, path="", set_attrs=True, *, numeric_owner=False):
        raise AssertionError("extract() is not used")

    monkeypatch.setattr(tarfile.TarFile, "extract", old_extract)
    call_command("restore", str(archive), stdout=io.StringIO())
    assert totals(filled) == before
