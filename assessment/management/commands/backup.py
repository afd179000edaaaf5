"""Back up the database and every evidence file into one dated tar.gz (see assessment.backup)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.backup import MissingFileError, upload_backup, write_backup


class Command(BaseCommand):
    help = "把数据库和全部佐证材料备份为一个带日期的 tar.gz（含 SHA-256 清单），保存到目录或文件存储（S3 存储桶）。"

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--to", default=".", help="保存备份的目录（默认当前目录）")
        where.add_argument("--bucket", action="store_true", help="保存到文件存储的 backups/ 下（配置了 S3 时即存储桶）")

    def handle(self, *args, **options):
        try:
            self._back_up(options)
        except MissingFileError as missing:
            raise CommandError(f"文件存储中缺少文件 {missing}（数据库引用了它），备份未完成，未留下备份文件。"
                               "请检查存储配置（S3_* 或 MEDIA_ROOT）。") from None

    def _back_up(self, options):
        if options["bucket"]:
            with tempfile.TemporaryDirectory() as work:
                name = upload_backup(write_backup(work))
            self.stdout.write(f"备份已保存到文件存储：{name}")
            return
        directory = Path(options["to"])
        if not directory.is_dir():
            raise CommandError(f"目录不存在：{directory}")
        self.stdout.write(f"备份已保存：{write_backup(directory)}")
