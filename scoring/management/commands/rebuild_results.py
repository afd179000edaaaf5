"""Rebuild the stored results from scratch with the engine, reporting every difference from what was stored."""

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Round
from scoring import stored


class Command(BaseCommand):
    help = "从头重算已保存的评估结果，并列出与已保存结果的差异（应当没有）。"

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="只处理该年度考评（编号）")
        parser.add_argument("--check", action="store_true", help="只比较，不写入；有差异时以非零状态退出")

    def handle(self, *args, round=None, check=False, **options):
        rounds = Round.objects.exclude(state=Round.State.VOIDED).order_by("id")
        if round is not None:
            rounds = rounds.filter(pk=round)
            if not rounds.exists():
                raise CommandError(f"没有编号为 {round} 的年度考评。")
        total = 0
        for round_ in rounds:
            found = stored.differences(round_)
            total += len(found)
            for line in found:
                self.stdout.write(f"{round_.name}（{round_.pk}）：{line}")
            if not check:
                stored.refresh(round_)
        self.stdout.write(f"共 {total} 处差异。" if total else "已保存的结果与重算一致。")
        if check and total:
            raise CommandError(f"已保存的结果有 {total} 处与重算不一致。")
