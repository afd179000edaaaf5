"""Send today's 到期提醒 (or those of `--as-of`): one digest per responsible account and round, at most once a day."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notices.reminders import send_reminders


class Command(BaseCommand):
    help = "向负责未提交考察点的账号发送到期提醒（每人每轮每天至多一条）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="按该日期（YYYY-MM-DD）计算到期情况；默认今天。")

    def handle(self, *args, as_of=None, **options):
        day = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"日期无效：{as_of}，应为 YYYY-MM-DD。") from None
        sent = send_reminders(day)
        self.stdout.write(f"已发送到期提醒 {sent} 条。")
