"""A town's shared figures (指标数据): written from any item that reads them, so every save is checked here.

Invariants kept on every save, whichever item it comes from:
- a figure saved from a form is based on the version that form read; a newer value is never overwritten silently;
- every part stays ≤ its whole across the town's stored figures (HD cameras ≤ all cameras, …);
- a scored item whose figures change is flagged 数据已变更，待复核 for its reviewer.

Called inside the caller's transaction (`services.save_draft`); figure rows are locked while checked.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.forms import plain_number
from assessment.models import Figure, Metric, Submission


class FigureConflict(Exception):
    """A figure was changed by someone else since the form was read."""

    def __init__(self, figure):
        who = figure.updated_by.display_name if figure.updated_by else _("他人")
        self.message = _(
            "指标“%(label)s”已被 %(who)s 于 %(when)s 改为 %(value)s，您的内容尚未保存。请核对后再次保存。"
        ) % {"label": figure.metric.label, "who": who, "when": timezone.localtime(figure.updated_at).strftime("%H:%M"),
             "value": plain_number(figure.value)}
        super().__init__(self.message)
        self.figure = figure


class WholeExceeded(Exception):
    def __init__(self, part, part_value, whole, whole_value):
        self.message = _("%(label)s（%(value)s）不能大于%(whole)s（%(whole_value)s），请核对本街镇已填报的数据。") % {
            "label": part.label, "value": plain_number(part_value), "whole": whole.label,
            "whole_value": plain_number(whole_value),
        }
        super().__init__(self.message)


def versions(round_id, town_id):
    """Metric code → version of each stored figure of a town, for a form to send back."""
    return stored_with_versions(round_id, town_id)[1]


def stored_with_versions(round_id, town_id):
    """A town's figures in a round (code → Decimal) and their versions (code → int), in one query."""
    rows = Figure.objects.filter(round_id=round_id, town_id=town_id).values_list("metric__code", "value", "version")
    values, read = {}, {}
    for code, value, version in rows:
        values[code], read[code] = value, version
    return values, read


def save_figures(submission, figures, *, user, read_versions=None, save_as):
    """Write `figures` (Metric → Decimal or None) of the submission's town; return the codes that changed.

    `read_versions` maps metric code → the version the form read (absent: the figure did not exist then);
    None skips the check (scripts, the demo). Raises FigureConflict or WholeExceeded, changing nothing
    the caller's transaction does not roll back.
    """
    key = {"round_id": submission.round_id, "town_id": submission.town_id}
    locked = Figure.objects.select_for_update(of=("self",)).filter(**key).select_related("metric", "updated_by")
    stored = {f.metric_id: f for f in locked}
    changed = []
    for metric, value in figures.items():
        figure = stored.get(metric.pk)
        current = figure.value if figure else None
        if current == value:
            continue
        if read_versions is not None and _stale(figure, read_versions.get(metric.code)):
            raise FigureConflict(figure)
        _write(figure, metric, value, key, user, save_as)
        changed.append(metric.code)
    if changed:
        _check_wholes(submission)
        _flag_scored(submission, changed)
    return changed


def _stale(figure, read_version):
    return figure is not None and figure.version != read_version


def _write(figure, metric, value, key, user, save_as):
    if value is None:
        figure._history_user = user
        figure.delete()
    elif figure is None:
        save_as(Figure(metric=metric, value=value, updated_by=user, version=1, **key), user)
    else:
        figure.value, figure.updated_by, figure.version = value, user, figure.version + 1
        save_as(figure, user)


def _check_wholes(submission):
    """Every part ≤ its whole over the town's figures as now stored (parts saved from other items included)."""
    values = dict(Figure.objects.filter(round_id=submission.round_id, town_id=submission.town_id)
                  .values_list("metric_id", "value"))
    parts = Metric.objects.filter(pk__in=values, whole__isnull=False).select_related("whole")
    for part in parts:
        whole_value = values.get(part.whole_id)
        if whole_value is not None and values[part.pk] > whole_value:
            raise WholeExceeded(part, values[part.pk], part.whole, whole_value)


def _flag_scored(submission, codes):
    """Scored items of the town that read a changed figure wait for re-review; their proposal is recomputed on view."""
    Submission.objects.filter(
        round_id=submission.round_id, town_id=submission.town_id, status=Submission.Status.SCORED,
        criterion__metrics__code__in=codes,
    ).exclude(pk=submission.pk).update(figures_changed=True)
