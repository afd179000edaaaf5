"""Restore a backup made by `manage.py backup` into an empty, migrated database and the file storage."""

import tempfile

from django.core.management.base import BaseCommand, CommandError

from assessment.backup import RestoreError, local_copy, restore_backup


class Command(BaseCommand):
    help = "从 manage.py backup 生成的备份恢复数据库和佐证材料（先核对全部 SHA-256）；只能恢复到空数据库。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件路径，或文件存储中的名称（如 backups/liuhe-backup-….tar.gz）")

    def handle(self, *args, **options):
        try:
            with tempfile.TemporaryDirectory() as work:
                files = restore_backup(local_copy(options["archive"], work))
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已恢复数据库和 {files} 个文件。")
