"""到期提醒: once a day, every account that owes items of an open round gets one digest of what falls due on one of
the round's reminder days (7, 3 and 1 days before the deadline's last day unless the round sets others) and of what
is overdue. A `ReminderLog` per (account, round, day) keeps a second run on the same day from sending anything.

Run by `manage.py send_reminders` (a systemd timer, cron) or by the daily background task in `notices.tasks`.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Round
from notices.models import DEFAULT_REMINDER_DAYS, Message, ReminderLog, ReminderSetting
from notices.owed import fillers, item_lines, open_items, owed_by
from notices.send import notify
from scoring.engine import DeadlineState
from scoring.loader import outcomes_for


def reminder_settings(round_):
    """(days before the last day to remind on, whether to remind of overdue items) for a round."""
    try:
        setting = round_.reminder_setting
    except ReminderSetting.DoesNotExist:
        return DEFAULT_REMINDER_DAYS, True
    return setting.day_list, setting.remind_overdue


def last_day(outcome):
    """The day an item is due: its granted extension if any, else the last day of its deadline month."""
    return getattr(outcome, "extended_to", None) or outcome.deadline.last_day


def due_items(round_, as_of):
    """The round's items not handed in that fall due on a reminder day, or are overdue, as of `as_of`.

    Each carries `days_left` (negative when overdue) and `due_on`.
    """
    days, remind_overdue = reminder_settings(round_)
    items = list(open_items(round_))
    outcomes = outcomes_for(items, as_of)
    due = []
    for item in items:
        outcome = outcomes[item.pk]
        item.due_on = last_day(outcome)
        item.days_left = (item.due_on - as_of).days
        if item.days_left in days or (remind_overdue and outcome.state == DeadlineState.OVERDUE):
            due.append(item)
    return due


def send_reminders(as_of=None):
    """Send the digests due on `as_of` (default: today in Asia/Shanghai) for every open round; returns how many."""
    as_of = as_of or timezone.localdate()
    rounds = Round.objects.filter(state=Round.State.OPEN, opens_on__lte=as_of, closes_on__gte=as_of).select_related(
        "reminder_setting")
    return sum(_remind(round_, as_of) for round_ in rounds)


def _remind(round_, as_of):
    due = due_items(round_, as_of)
    if not due:
        return 0
    done = set(ReminderLog.objects.filter(round=round_, day=as_of).values_list("user_id", flat=True))
    users = [user for user in fillers(round_).select_related("town", "unit") if user.pk not in done]
    sent = 0
    for user, items in owed_by(users, due).items():
        with transaction.atomic():
            _log, created = ReminderLog.objects.get_or_create(
                user=user, round=round_, day=as_of, defaults={"item_count": len(items)})
            if created:  # another run got there first otherwise
                notify([user], kind=Message.Kind.REMINDER, url=f"{reverse('dashboard')}?round={round_.pk}",
                       **digest(round_, user, items))
                sent += 1
    return sent


def digest(round_, user, items):
    """Subject and body of one account's reminder: items grouped by days left, overdue ones last."""
    with_towns = user.is_department_official
    soon = [item for item in items if item.days_left >= 0]
    overdue = [item for item in items if item.days_left < 0]
    counts = []
    if soon:
        counts.append(_("%(n)s 项即将到期") % {"n": len(soon)})
    if overdue:
        counts.append(_("%(n)s 项已逾期") % {"n": len(overdue)})
    subject = _("【到期提醒】%(round)s：%(counts)s") % {"round": round_.name, "counts": "，".join(counts)}
    owner = user.town if user.is_town_official else user.unit
    lines = [_("“%(round)s”中%(owner)s负责的以下考察点尚未提交：") % {"round": round_.name, "owner": owner}]
    for left in sorted({item.days_left for item in soon}):
        group = [item for item in soon if item.days_left == left]
        date = group[0].due_on.isoformat()
        header = (_("今天到期（%(date)s）：") % {"date": date} if left == 0
                  else _("还有 %(n)s 天到期（%(date)s）：") % {"n": left, "date": date})
        lines += ["", header, *item_lines(group, with_towns=with_towns)]
    if overdue:
        lines += ["", _("已逾期（已过完成时间）："), *item_lines(overdue, with_towns=with_towns)]
    lines += ["", _("请登录门户及时填报并提交。")]
    return {"subject": subject, "body": "\n".join(lines)}
