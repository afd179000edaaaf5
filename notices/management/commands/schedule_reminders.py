"""Queue the daily 到期提醒 in the background task worker (`manage.py db_worker`); running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.tasks import schedule as schedule_audit_purge
from notices.tasks import schedule


class Command(BaseCommand):
    help = "在后台任务队列中安排每日到期提醒（已安排则不重复）。"

    def handle(self, *args, **options):
        schedule_audit_purge()  # the daily purge of expired audit records rides on the same worker
        run_after = schedule()
        if run_after is None:
            self.stdout.write("当前任务后端不能定时运行任务：请用系统定时器每天运行 manage.py send_reminders。")
        else:
            self.stdout.write(f"每日到期提醒已安排，下次运行：{timezone.localtime(run_after):%Y-%m-%d %H:%M}。")
