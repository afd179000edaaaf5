"""Delete audit records older than AUDIT_RETENTION_DAYS (at least 180)."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import purge


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，不少于 180 天）的审计记录。"

    def handle(self, *args, **options):
        try:
            deleted = purge()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已删除 {deleted} 条过期审计记录。")
