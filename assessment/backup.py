"""备份与恢复: the database and every stored evidence file in one dated tar.gz, with a manifest of SHA-256s.

The database goes in as Django's `dumpdata` JSON rather than a `pg_dump`: it restores into any freshly migrated
database (PostgreSQL or SQLite, another server version, a test machine) without PostgreSQL's client tools, and the
portal's data is small (a round is tens of thousands of rows). Content types and permissions are written by natural
key, so the restored rows point at the new database's own. Export jobs, sessions and task records are left out:
they can be made again. Files are streamed from storage into the archive and back, never held whole in memory; a
restore checks every SHA-256 before it changes anything.
"""

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from appeals.models import Extension
from assessment.files import open_stream
from assessment.models import Evidence, EvidenceFile, Round, User
from notices.models import Announcement

MANIFEST, DATABASE, FILES = "manifest.json", "database.json", "files/"
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions", "django_tasks_database", "assessment.exportjob"]
BACKUP_DIR = "backups"


class RestoreError(Exception):
    pass


def stored_files():
    """Names of every stored file the database refers to (evidence, shared evidence, extensions, announcements)."""
    names = set()
    for model, field in ((Evidence, "file"), (EvidenceFile, "file"), (Extension, "file"), (Announcement, "attachment")):
        names.update(model.objects.exclude(**{field: ""}).values_list(field, flat=True))
    return sorted(names)


class _Hashing(io.RawIOBase):
    """Reads through a stream, keeping the SHA-256 of what was read."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.stream.read(size)
        self.digest.update(data)
        return data


class MissingFileError(Exception):
    """A file the database refers to is not in the storage: the backup would be incomplete."""


def write_backup(directory):
    """Write `liuhe-backup-<date-time>.tar.gz` into `directory`; return its path.

    The archive is written under a `.part` name and renamed once complete, so an archive under the final name is
    always whole; a failed backup leaves nothing behind.
    """
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = Path(directory) / f"liuhe-backup-{stamp}.tar.gz"
    partial = path.with_name(path.name + ".part")
    try:
        _write_archive(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)
    return path


def _write_archive(path):
    manifest = {"created_at": timezone.now().isoformat(), "files": {}}
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "w:gz") as archive:
        dump = Path(work) / DATABASE
        call_command("dumpdata", exclude=NOT_BACKED_UP, natural_foreign=True, natural_primary=False,
                     output=str(dump), verbosity=0)
        manifest["database"] = _sha256_of_path(dump)
        archive.add(dump, arcname=DATABASE)
        for name in stored_files():
            manifest["files"][name] = _add_stored(archive, name)
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


def _add_stored(archive, name):
    try:
        stream, size = open_stream(_Stored(name))
    except FileNotFoundError:
        raise MissingFileError(name) from None
    hashing = _Hashing(stream)
    info = tarfile.TarInfo(FILES + name)
    info.size = size
    try:
        archive.addfile(info, hashing)
    finally:
        stream.close()
    return hashing.digest.hexdigest()


class _Stored:
    """The bits of a FieldFile that `open_stream` needs, for a name in the default storage."""

    def __init__(self, name):
        self.name, self.storage = name, default_storage


def _sha256_of_path(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def upload_backup(path):
    """Copy a written archive into the file storage (the S3 bucket when configured); return its stored name."""
    with open(path, "rb") as source:
        return default_storage.save(f"{BACKUP_DIR}/{Path(path).name}", source)


def local_copy(archive, work):
    """A local path for ARCHIVE: as given, or fetched from the file storage (e.g. backups/liuhe-backup-….tar.gz)."""
    if Path(archive).is_file():
        return Path(archive)
    if not default_storage.exists(archive):
        raise RestoreError(f"找不到备份文件：{archive}")
    target = Path(work) / Path(archive).name
    with default_storage.open(archive, "rb") as source, open(target, "wb") as copy:
        shutil.copyfileobj(source, copy, 1 << 16)
    return target


def restore_backup(path):
    """Bring an archive back into an empty database and the storage; returns how many files were restored.

    Every SHA-256 is checked first; then the files are written under their own names, then the database is
    replaced in one transaction. A database that already holds rounds or accounts is refused.
    """
    if Round.objects.exists() or User.objects.exists():
        raise RestoreError("数据库中已有考评或账号：请恢复到新建（已执行 migrate）的空数据库。")
    manifest = _verified_manifest(path)
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.name.startswith(FILES):
                _write_stored(member.name[len(FILES):], archive.extractfile(member))
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        # Copied out by its fixed name rather than extract(): no path from the archive is used, and Debian 12's
        # Python 3.11.2 has no extraction filters.
        with archive.extractfile(DATABASE) as source, open(Path(work) / DATABASE, "wb") as dump:
            shutil.copyfileobj(source, dump, 1 << 16)
        with transaction.atomic():
            connection.check_constraints()  # PostgreSQL truncates only tables without pending deferred checks
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(Path(work) / DATABASE), verbosity=0)
    return len(manifest["files"])


def _verified_manifest(path):
    """The manifest, once every member's SHA-256 matched it and no listed file is missing."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile(MANIFEST))
        expected = {FILES + name: digest for name, digest in manifest["files"].items()} | {DATABASE: manifest["database"]}
        seen = {}
        for member in archive:
            if member.name in expected:
                digest, source = hashlib.sha256(), archive.extractfile(member)
                while chunk := source.read(1 << 16):
                    digest.update(chunk)
                seen[member.name] = digest.hexdigest()
    bad = sorted(name for name, digest in expected.items() if seen.get(name) != digest)
    if bad:
        raise RestoreError("备份文件已损坏，SHA-256 不符或缺失：" + "、".join(bad[:5]))
    return manifest


def _write_stored(name, source):
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, source)
    if saved != name:
        raise RestoreError(f"文件无法按原名恢复：{name}")
