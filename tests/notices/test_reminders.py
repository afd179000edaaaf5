"""send_reminders: one digest per responsible account and round on a reminder day, never twice a day."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessment.models import Round, Submission, Town
from notices.models import Message, ReminderLog, ReminderSetting
from notices.reminders import send_reminders
from tests.factories import add_towns
from tests.notices.conftest import AS_OF, set_deadline

pytestmark = pytest.mark.django_db

JUNE, MAY = datetime.date(2030, 6, 1), datetime.date(2030, 5, 1)


@pytest.fixture
def due(long_round, town_b):
    """Due on 2030-06-30 (7 days after AS_OF): 2.3⑤ (towns) and 3.4.1 (区公安分局); overdue: 1.1.1 (towns and
    区公安分局). Town B has handed in 2.3⑤ and 1.1.1."""
    for code, month in [("2.3⑤", JUNE), ("3.4.1", JUNE), ("1.1.1", MAY)]:
        set_deadline(long_round, code, month)
    Submission.objects.filter(round=long_round, town=town_b, criterion__code__in=["2.3⑤", "1.1.1"]).update(
        status=Submission.Status.SUBMITTED)
    return long_round


def run(as_of=AS_OF):
    return send_reminders(as_of)


def test_each_responsible_account_gets_one_digest_of_its_items(due, official_a, official_a2, official_b, police,
                                                               transport, reviewer, town_a, town_b):
    official_a.email = "a@example.com"
    official_a.save()
    assert run() == 3
    messages = {m.user.username: m for m in Message.objects.all()}
    assert sorted(messages) == ["official_a", "official_a2", "police"]  # town B owes nothing due; transport nothing
    digest = messages["official_a"]
    assert (digest.kind, digest.url) == ("reminder", f"{reverse('dashboard')}?round={due.pk}")
    assert digest.subject == "【到期提醒】2030年度达标评估：1 项即将到期，1 项已逾期"
    assert digest.body.splitlines() == [
        f"“2030年度达标评估”中{town_a.name}负责的以下考察点尚未提交：",
        "",
        "还有 7 天到期（2030-06-30）：",
        "· 2.3⑤ 加强高清视频监控建设",
        "",
        "已逾期（已过完成时间）：",
        "· 1.1.1 建立专项工作班子",
        "",
        "请登录门户及时填报并提交。",
    ]
    towns = list(Town.objects.filter(district=due.district).values_list("name", flat=True))
    police_lines = messages["police"].body.splitlines()
    assert police_lines[3] == f"· 3.4.1 利用技防监控系统查破案件情况：{'、'.join(towns)}"
    assert police_lines[6] == f"· 1.1.1 建立专项工作班子：{'、'.join(t for t in towns if t != town_b.name)}"
    assert messages["police"].subject == (
        f"【到期提醒】2030年度达标评估：{len(towns)} 项即将到期，{len(towns) - 1} 项已逾期")
    assert [m.to for m in mail.outbox] == []  # delivered once the transaction commits (see below)
    assert set(ReminderLog.objects.values_list("user__username", "day", "item_count")) == {
        ("official_a", AS_OF, 2), ("official_a2", AS_OF, 2), ("police", AS_OF, 2 * len(towns) - 1)}


def test_mail_goes_out_after_commit(due, official_a, django_capture_on_commit_callbacks):
    official_a.email = "a@example.com"
    official_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["a@example.com"], "[六合区技防达标评估门户] 【到期提醒】2030年度达标评估：1 项即将到期，1 项已逾期")]


def test_a_second_run_the_same_day_sends_nothing(due, official_a, police):
    assert run() == 2
    assert run() == 0
    call_command("send_reminders", "--as-of", AS_OF.isoformat())
    assert Message.objects.count() == 2 and ReminderLog.objects.count() == 2


def test_the_next_day_only_overdue_items_are_reminded(due, official_a, town_a):
    run()
    assert run(AS_OF + datetime.timedelta(days=1)) == 1  # 6 days left is not a reminder day
    latest = Message.objects.filter(user=official_a).order_by("-id").first()
    assert latest.subject == "【到期提醒】2030年度达标评估：1 项已逾期"
    assert "2.3⑤" not in latest.body


def test_reminder_days_and_overdue_reminders_are_a_setting_of_the_round(due, official_a, police):
    ReminderSetting.objects.create(round=due, days="10", remind_overdue=False)
    assert run() == 0  # 7 days before is no longer a reminder day, overdue items are not reminded
    assert run(datetime.date(2030, 6, 20)) == 2
    assert "还有 10 天到期（2030-06-30）：" in Message.objects.get(user=official_a).body


def test_nothing_when_nothing_falls_due(long_round, official_a, police):
    for day in [datetime.date(2030, 6, 23), datetime.date(2030, 11, 30), datetime.date(2030, 12, 1)]:
        assert run(day) == 0  # every deadline is 2030-12-31: 31, 1 and 30 days ahead
    assert run(datetime.date(2030, 12, 24)) == 2
    assert Message.objects.count() == 2


def test_rounds_not_open_or_outside_their_dates_are_left_alone(due, official_a):
    assert run(datetime.date(2036, 1, 7)) == 0  # after the round's close
    Round.objects.filter(pk=due.pk).update(state=Round.State.REVIEWING)
    assert run() == 0
    assert Message.objects.count() == 0


def test_inactive_accounts_get_nothing(due, official_a):
    official_a.is_active = False
    official_a.save()
    assert run() == 0


def test_command_reports_and_checks_its_date(due, official_a, capsys):
    call_command("send_reminders", "--as-of", "2030-06-23")
    assert capsys.readouterr().out.strip() == "已发送到期提醒 1 条。"
    with pytest.raises(Exception, match="日期无效：2030-13-01"):
        call_command("send_reminders", "--as-of", "2030-13-01")


@pytest.mark.parametrize("extra_towns", [0, 5])
def test_query_count_does_not_grow_with_the_items_due(due, official_a, police, django_assert_num_queries, extra_towns):
    add_towns(due, extra_towns)
    # 6 reads: rounds; items; their units; deadlines with extensions; the day's logs; accounts. Then per digest 9:
    # the log's get-or-create (select, insert) and the message's insert, with their savepoints
    with django_assert_num_queries(6 + 2 * 9):
        assert run() == 2
