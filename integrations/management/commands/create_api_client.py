"""Create an API client for a system and print its key (shown this once only)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.models import District, ResponsibleUnit, Town, User
from integrations.clients import create_client


class Command(BaseCommand):
    help = "为对接系统创建 API 密钥（只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="对接系统名称，如 区综治中心")
        parser.add_argument("--role", required=True, choices=["reviewer", "viewer", "town", "department"])
        parser.add_argument("--district", help="所属区名称（评审、领导、部门）；不填为市级")
        parser.add_argument("--town", help="街镇名称（role=town）")
        parser.add_argument("--unit", help="责任单位名称（role=department）")
        parser.add_argument("--rate", help="限速，如 600/min")

    def handle(self, *args, name, role, district=None, town=None, unit=None, rate=None, **options):
        try:
            client, key = create_client(
                name, role=role, rate=rate,
                district=District.objects.get(name=district) if district and role != User.Role.TOWN else None,
                town=Town.objects.get(name=town) if town else None,
                unit=ResponsibleUnit.objects.get(name=unit) if unit else None,
            )
        except (District.DoesNotExist, Town.DoesNotExist, ResponsibleUnit.DoesNotExist) as error:
            raise CommandError(f"找不到：{error}") from None
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已创建对接系统“{client.name}”（{client.scope_label}），密钥：{key}")
