"""`manage.py open_round --copy-from <id|latest> --name NAME --opens YYYY-MM-DD --closes YYYY-MM-DD [--open]`."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from assessment import round_services
from assessment.models import Round, User
from assessment.services import ServiceError


class Command(BaseCommand):
    help = "复制一轮年度考评（完成时间顺延到新年度），打印新考评的编号；不加 --open 则为“筹备”状态。"

    def add_arguments(self, parser):
        parser.add_argument("--copy-from", required=True, help="被复制考评的编号，或 latest")
        parser.add_argument("--name", required=True)
        parser.add_argument("--opens", required=True, type=_date)
        parser.add_argument("--closes", required=True, type=_date)
        parser.add_argument("--open", action="store_true", help="立即开始填报")
        parser.add_argument("--confirm-past", action="store_true", help="允许早于开始日期的完成时间")
        parser.add_argument("--as-user", default=None, help="记为操作人的账号（默认第一个超级用户）")

    def handle(self, *args, **options):
        source = _source(options["copy_from"])
        user = _actor(options["as_user"])
        deadlines = round_services.copied_deadlines(source, options["opens"].year)
        try:
            round_ = round_services.create_round(
                user=user, source=source, name=options["name"], opens_on=options["opens"], closes_on=options["closes"],
                deadlines=deadlines, open_now=options["open"], confirm_past=options["confirm_past"],
            )
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(str(round_.pk))


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _source(raw):
    rounds = Round.objects.exclude(state=Round.State.VOIDED)
    source = rounds.order_by("-opens_on", "-id").first() if raw == "latest" else rounds.filter(pk=int(raw) if raw.isdigit() else 0).first()
    if source is None:
        raise CommandError(f"找不到要复制的考评：{raw}")
    return source


def _actor(username):
    users = User.objects.filter(is_active=True)
    user = users.filter(username=username).first() if username else users.filter(is_superuser=True).order_by("pk").first()
    if user is None or not user.can_manage_rounds:
        raise CommandError("请用 --as-user 指定一个视频办或管理员账号。")
    return user
