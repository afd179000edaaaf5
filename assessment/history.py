"""Readable change records from django-simple-history: who changed which field from what to what."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ACTIONS = {"+": _("新建"), "~": _("修改"), "-": _("删除")}
LIMIT = 200  # the page shows the newest changes; older ones stay in the admin's history pages


@dataclass
class Change:
    at: object
    actor: object
    subject: str
    kind: str
    action: str
    fields: list = field(default_factory=list)  # (label, old, new)


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # a field since removed from the model
        return None


def _shown(model, name, old, new):
    """(label, old, new) with a choice field's values in words."""
    model_field = _field(model, name)
    if model_field is None:
        return name, old, new
    words = dict(model_field.flatchoices) if model_field.choices else {}
    return str(model_field.verbose_name), words.get(old, old), words.get(new, new)


def describe(record, kind):
    """One historical record as a Change; a modification lists only the fields that differ from the record before."""
    change = Change(at=record.history_date, actor=record.history_user, subject=str(record.instance), kind=kind,
                    action=ACTIONS.get(record.history_type, record.history_type))
    previous = record.prev_record if record.history_type == "~" else None
    if previous is not None:
        model = record.instance_type
        delta = record.diff_against(previous)
        change.fields = [_shown(model, c.field, c.old, c.new) for c in delta.changes]
    return change


def changes(querysets):
    """The newest LIMIT records of several historical querysets, as Changes, newest first.

    `querysets` maps a label (the kind of node) to a queryset of historical records.
    """
    records = []
    for kind, queryset in querysets.items():
        records += [(record, kind) for record in queryset.select_related("history_user").order_by("-history_date")[:LIMIT]]
    records.sort(key=lambda pair: pair[0].history_date, reverse=True)
    return [describe(record, kind) for record, kind in records[:LIMIT]]
