"""Delete old exports now (`EXPORT_RETENTION_DAYS`), or with --schedule queue the nightly purge in the task worker."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessment import export_purge


class Command(BaseCommand):
    help = "删除超过保留期限的导出文件、导出任务和已完成的后台任务记录；--schedule 在后台任务队列中安排每日清理。"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="安排每日清理（已安排则不重复），不立即清理")

    def handle(self, *args, **options):
        if options["schedule"]:
            run_after = export_purge.schedule()
            if run_after is None:
                self.stdout.write("当前任务后端不能定时运行任务：请用系统定时器每天运行 manage.py purge_exports。")
            else:
                self.stdout.write(f"每日导出清理已安排，下次运行：{timezone.localtime(run_after):%Y-%m-%d %H:%M}。")
            return
        purged = export_purge.purge_exports()
        self.stdout.write(
            f"已删除 {purged.jobs} 个导出任务、{purged.files} 个导出文件、{purged.task_results} 条后台任务记录。"
        )
