"""Every write of a round's life: creating (copied from an earlier round), changing state, deleting, voiding.

A round's state changes only here, under `transaction.atomic`, each change recorded
with who, when and why. Items are written in `assessment.services`.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import Criterion, Round, RoundDeadline, RoundTransition, Submission
from assessment.services import ServiceError, ensure_checklist
from scoring import stored

State = Round.State

# The way a round moves; voiding is possible from any state but 作废 itself.
NEXT_STATES = {
    State.PREPARING: {State.OPEN},
    State.OPEN: {State.REVIEWING},
    State.REVIEWING: {State.OPEN, State.PUBLISHED},
    State.PUBLISHED: {State.REVIEWING, State.ARCHIVED},
    State.ARCHIVED: set(),
    State.VOIDED: set(),
}


def _lock(round_):
    return Round.objects.select_for_update().get(pk=round_.pk)


def _record(locked, to_state, user, reason=""):
    RoundTransition.objects.create(round=locked, from_state=locked.state, to_state=to_state, actor=user, reason=reason)
    locked.state = to_state
    locked.save(update_fields=["state"])
    from notices.hooks import round_state_changed  # notices builds on assessment: imported here, not at the top

    round_state_changed(locked, to_state)  # opened, published: the officials get a 站内消息 once this commits
    return locked


def unscored_count(round_):
    return Submission.objects.filter(round=round_).exclude(status=Submission.Status.SCORED).count()


@transaction.atomic
def change_state(round_, to_state, *, user, reason="", expected_state=None):
    """Move a round to `to_state`; refuse moves outside `NEXT_STATES` and a stale page (`expected_state`).

    Publishing a round with unscored items needs a reason, which is recorded.
    """
    if not user.can_manage_rounds:
        raise ServiceError(_("只有视频办和管理员可以变更考评状态。"))
    locked = _lock(round_)
    if expected_state is not None and locked.state != expected_state:
        raise ServiceError(_("该考评的状态已被他人改为“%(state)s”，请刷新后再操作。") % {"state": locked.get_state_display()})
    if to_state not in NEXT_STATES[State(locked.state)]:
        raise ServiceError(_("考评不能从“%(from)s”变为“%(to)s”。") % {
            "from": locked.get_state_display(), "to": State(to_state).label})
    unscored = unscored_count(locked) if to_state == State.PUBLISHED else 0
    if unscored and not reason.strip():
        raise ServiceError(_("还有 %(n)s 个考察点未评分，公布结果须填写说明。") % {"n": unscored})
    _record(locked, to_state, user, reason.strip())
    stored.refresh(locked)  # what is published (or reopened) is the engine's standing as of today
    return locked


@transaction.atomic
def change_settings(round_, *, user, **values):
    """Change a round's 达标线 or late policy (`pass_mark`, `late_policy`, `late_deduction`); its results follow."""
    if not user.can_manage_rounds:
        raise ServiceError(_("只有视频办和管理员可以修改考评设置。"))
    unknown = set(values) - {"pass_mark", "late_policy", "late_deduction"}
    if unknown:
        raise ValueError(f"unknown round settings: {sorted(unknown)}")
    locked = _lock(round_)
    for name, value in values.items():
        setattr(locked, name, value)
    try:
        locked.clean_fields(exclude=[field.name for field in Round._meta.fields if field.name not in values])
    except ValidationError as error:
        raise ServiceError("；".join(error.messages)) from None
    locked.save(update_fields=list(values))
    stored.refresh(locked)
    return locked


def has_input(round_):
    """Whether anybody has typed into this round yet (then it can only be voided, never deleted)."""
    return Submission.objects.filter(round=round_, started=True).exists() or round_.figures.exists()


@transaction.atomic
def delete_or_void(round_, *, user, reason=""):
    """Delete a round nobody has typed into; otherwise void it (作废) with a reason. Returns True if deleted."""
    if not user.can_manage_rounds:
        raise ServiceError(_("只有视频办和管理员可以删除或作废考评。"))
    locked = _lock(round_)
    if locked.state == State.VOIDED:
        raise ServiceError(_("该考评已作废。"))
    if not has_input(locked):
        locked.delete()
        return True
    if not reason.strip():
        raise ServiceError(_("该考评已有填报内容，不能删除；作废须填写原因。"))
    _record(locked, State.VOIDED, user, reason.strip())
    return False


# --------------------------------------------------------------------------- a new year's round


def shift_year(deadline, years):
    """The same month `years` later (first day of the month, as deadlines are stored)."""
    return datetime.date(deadline.year + years, deadline.month, 1)


def copied_deadlines(source, new_year):
    """Criterion id → the source round's deadline moved into the new round's year; months and spans kept."""
    years = new_year - source.year
    overrides = dict(RoundDeadline.objects.filter(round=source).values_list("criterion_id", "deadline"))
    criteria = Criterion.objects.filter(indicator__section__rubric_id=source.rubric_id)
    return {c.pk: shift_year(overrides.get(c.pk, c.deadline), years) for c in criteria}


def due_on_opening(deadlines, opens_on, soon_days):
    """How many deadlines are already past, or fall due within `soon_days`, on the opening day."""
    last_days = [datetime.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1]) for d in deadlines.values()]
    overdue = sum(last < opens_on for last in last_days)
    soon = sum(opens_on <= last and (last - opens_on).days <= soon_days for last in last_days)
    return overdue, soon


@transaction.atomic
def create_round(*, user, source, name, opens_on, closes_on, deadlines, open_now=False, pass_mark=None,
                 confirm_past=False):
    """A new round copied from `source`: its rubric, district (towns), 达标线 and late policy.

    `deadlines` maps criterion id → first day of the deadline month. A deadline before the opening
    day needs `confirm_past`. The round starts in 筹备 unless `open_now`; every town gets its checklist.
    """
    if not user.can_manage_rounds:
        raise ServiceError(_("只有视频办和管理员可以新建年度考评。"))
    if closes_on < opens_on:
        raise ServiceError(_("截止填报日期不能早于开始填报日期。"))
    overdue, _soon = due_on_opening(deadlines, opens_on, 0)
    if overdue and not confirm_past:
        raise ServiceError(_("有 %(n)s 个考察点的完成时间早于开始填报日期，请确认后再保存。") % {"n": overdue})
    round_ = Round.objects.create(
        rubric_id=source.rubric_id, district_id=source.district_id, name=name, opens_on=opens_on, closes_on=closes_on,
        pass_mark=source.pass_mark if pass_mark is None else pass_mark, late_policy=source.late_policy,
        late_deduction=source.late_deduction,
    )
    _record(round_, State.PREPARING, user, _("复制自“%(name)s”") % {"name": source.name})
    RoundDeadline.objects.bulk_create(RoundDeadline(round=round_, criterion_id=c, deadline=d) for c, d in deadlines.items())
    ensure_checklist(round_)
    if open_now:
        _record(round_, State.OPEN, user)
    return round_
