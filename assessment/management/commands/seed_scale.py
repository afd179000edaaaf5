"""A province-sized data set for benchmarks: `seed_scale --towns 1300 --districts 100 --cities 13 --rounds 3`.

Refuses to run a second time on the same database (its accounts already exist).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment.scale import MARKER_ACCOUNT, AlreadySeeded, seed
from assessment.standard import load_default_standard


class Command(BaseCommand):
    help = "生成全省规模的测试数据（市、区、街镇、逐年考评、填报、评分、佐证和账号），用于性能测试。"

    def add_arguments(self, parser):
        parser.add_argument("--towns", type=int, default=1300, help="街镇数")
        parser.add_argument("--districts", type=int, default=100, help="区数")
        parser.add_argument("--cities", type=int, default=13, help="市数（至多 13）")
        parser.add_argument("--rounds", type=int, default=3, help="每个区的年度考评数（最新一轮填报中，其余已归档）")
        parser.add_argument("--password", required=True, help="所有规模账号的密码")

    def handle(self, *args, towns, districts, cities, rounds, password, **options):
        if min(towns, districts, cities, rounds) < 1 or districts > towns:
            raise CommandError("街镇、区、市和考评数都须至少为 1，且区数不能多于街镇数。")
        load_default_standard()
        started = time.perf_counter()
        try:
            with transaction.atomic():
                counts = seed(towns=towns, districts=districts, cities=cities, rounds=rounds, password=password,
                              log=self.stdout.write)
        except AlreadySeeded:
            raise CommandError(f"本数据库已有规模数据（账号 {MARKER_ACCOUNT} 已存在），不再重复生成；请换一个空数据库。") from None
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {counts['districts']} 个区、{counts['towns']} 个街镇、{counts['rounds']} 轮考评，"
            f"用时 {time.perf_counter() - started:.0f} 秒。账号：scale-province、scale-city、scale-reviewer、"
            "scale-town-<街镇编号>。"
        ))
