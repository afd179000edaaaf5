"""Demo accounts (and, as the portal grows, demo data) for a first look.

Refuses to run with DEBUG off: demo passwords must never reach production.
Running it again changes nothing, passwords included.
"""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment.demo import create_demo_round, nanjing
from assessment.models import District, ResponsibleUnit, Town, User
from assessment.standard import DEFAULT_DISTRICT, load_default_standard

DEMO_ACCOUNTS = [
    # username, role, binding (town index into the ordered towns, unit name, or what a leader reads), full name
    ("admin", User.Role.ADMIN, None, "系统管理员"),
    ("reviewer", User.Role.REVIEWER, None, "视频办评审员"),
    ("leader", User.Role.VIEWER, None, "综治办领导"),
    ("official1", User.Role.TOWN, 0, "街镇填报员一"),
    ("official2", User.Role.TOWN, 1, "街镇填报员二"),
    ("police", User.Role.DEPARTMENT, "区公安分局", "区公安分局填报员"),
    ("transport", User.Role.DEPARTMENT, "区交通运输局", "区交通运输局填报员"),
    ("city", User.Role.VIEWER, "南京市", "南京市综治办领导"),
    ("province", User.Role.VIEWER, "江苏省", "江苏省综治办领导"),
]
ABOVE_DISTRICT = {"admin", "city", "province"}  # not bound to 六合区: 南京市's, or the province's


class Command(BaseCommand):
    help = "创建演示账号和演示数据（仅限 DEBUG 模式）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", help="演示账号的密码；不填则随机生成并打印。")

    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG 未开启：演示数据只能在开发环境中创建。")
        password = password or secrets.token_urlsafe(9)
        load_default_standard()
        created = self.create_accounts(password)
        demo_round = create_demo_round()
        self.stdout.write(f"演示考评：{demo_round.name}")
        from integrations.demo import create_demo_clients  # the API's demo keys (README: API)

        for name, key in create_demo_clients():
            self.stdout.write(f"演示对接系统“{name}”的 API 密钥：{key}")
        if created:
            self.stdout.write(f"已创建演示账号：{'、'.join(created)}，密码：{password}")
        else:
            self.stdout.write("演示账号已存在，未作任何修改。")

    @transaction.atomic
    def create_accounts(self, password):
        towns = list(Town.objects.order_by("district", "order", "name")[:2])
        created = []
        district = District.objects.get(name=DEFAULT_DISTRICT)
        for username, role, binding, full_name in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(username=username, role=role, last_name=full_name)
            if role == User.Role.TOWN:
                user.town = towns[binding]
            elif username == "city":
                user.city = nanjing()
            elif username not in ABOVE_DISTRICT:
                user.district = district  # district accounts of 六合区; admin and province see every district
            if role == User.Role.DEPARTMENT:
                user.unit = ResponsibleUnit.objects.get(name=binding)
            user.is_staff = user.is_superuser = role == User.Role.ADMIN
            user.set_password(password)
            user.save()
            created.append(username)
        return created
