"""One submission's history as a list of events, newest first, in seven queries.

Sources: workflow transitions, and the django-simple-history records of the
submission, of its evidence (deleted files included) and of the figures its
criterion reads; the item's 延期 and 复核 requests with their decisions; and the 催办 that listed it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from appeals.models import Appeal, Extension
from assessment.forms import plain_number
from assessment.models import Evidence, Figure, Submission, Transition
from notices.models import Urge

TRACKED_FIELDS = (("narrative", _("说明")), ("completed_on", _("完成日期")))


@dataclass(frozen=True)
class Event:
    at: datetime
    who: str
    text: str
    detail: str = ""


def _who(user):
    if user is None:
        return _("（已注销账号）")  # an account deleted before accounts were only ever deactivated
    return user.display_name


def build_timeline(submission):
    events = _transition_events(submission) + _submission_events(submission)
    events += _evidence_events(submission) + _figure_events(submission) + _request_events(submission)
    events += _urge_events(submission)
    return sorted(events, key=lambda e: e.at, reverse=True)


def _transition_events(submission):
    return [
        Event(t.at, _who(t.actor), f"{t.get_from_status_display()} → {t.get_to_status_display()}", t.comment)
        for t in Transition.objects.filter(submission=submission).select_related("actor")
    ]


def _submission_events(submission):
    records = list(
        Submission.history.filter(id=submission.id).select_related("history_user").order_by("history_date", "history_id")
    )
    # Checklists are created in bulk, without history: the first record is compared with a blank item.
    events, previous = [], dict.fromkeys(field for field, _label in TRACKED_FIELDS)
    previous["narrative"] = ""
    for record in records:
        current = {field: getattr(record, field) for field, _label in TRACKED_FIELDS}
        changed = [label for field, label in TRACKED_FIELDS if current[field] != previous[field]]
        if changed:
            text = _("修改了%(fields)s") % {"fields": "、".join(changed)}
            events.append(Event(record.history_date, _who(record.history_user), text))
        previous = current
    return events


def _evidence_events(submission):
    events = []
    for record in Evidence.history.filter(submission_id=submission.id).select_related("history_user"):
        verb = {"+": _("上传了佐证材料"), "-": _("删除了佐证材料")}.get(record.history_type)
        if verb:
            events.append(Event(record.history_date, _who(record.history_user), f"{verb}“{record.original_name}”", record.description))
    return events


def _figure_events(submission):
    metric_ids = [m.id for m in submission.criterion.metrics.all()]
    records = Figure.history.filter(
        round_id=submission.round_id, town_id=submission.town_id, metric_id__in=metric_ids
    ).select_related("history_user", "metric")
    events = []
    for record in records:
        if record.history_type == "-":
            text = _("清除了%(label)s") % {"label": record.metric.label}
        else:
            text = _("%(label)s填报为 %(value)s %(unit)s") % {
                "label": record.metric.label, "value": plain_number(record.value), "unit": record.metric.unit,
            }
        events.append(Event(record.history_date, _who(record.history_user), text))
    return events


def _request_events(submission):
    """延期 and 复核 requests on the item, and their decisions (two queries)."""
    events = []
    for e in Extension.objects.filter(submission_id=submission.id).select_related("requested_by", "decided_by"):
        events.append(Event(e.requested_at, _who(e.requested_by), _("申请延期至 %(date)s") % {"date": e.asked_until}, e.reason))
        if e.status == Extension.Status.GRANTED:
            text = _("批准延期至 %(date)s") % {"date": e.granted_until}
            events.append(Event(e.decided_at, _who(e.decided_by), text, e.decision_note))
        elif e.status == Extension.Status.REFUSED:
            events.append(Event(e.decided_at, _who(e.decided_by), _("未批准延期申请"), e.decision_note))
    for a in Appeal.objects.filter(submission_id=submission.id).select_related("requested_by", "decided_by"):
        events.append(Event(a.requested_at, _who(a.requested_by), _("申请复核"), a.reason))
        if a.status == Appeal.Status.CHANGED:
            text = _("复核：得分由 %(before)s 分调整为 %(after)s 分") % {"before": a.points_before, "after": a.points_after}
            events.append(Event(a.decided_at, _who(a.decided_by), text, a.reply))
        elif a.status == Appeal.Status.KEPT:
            events.append(Event(a.decided_at, _who(a.decided_by), _("复核：维持原评分"), a.reply))
    return events


def _urge_events(submission):
    """催办 that listed the item (one query)."""
    return [Event(urge.created_at, _who(urge.sender), _("催办"), urge.note)
            for urge in Urge.objects.filter(items=submission.id).select_related("sender")]
