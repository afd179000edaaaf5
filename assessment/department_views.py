"""按考察点填报: one page on which a department answers one criterion for every town it reports for.

The towns are the department's scope (`submissions_for_user`) for that criterion and round. Writes go through
`assessment.department_services`; the save policy (row by row, or all or nothing for a criterion answered once
for the district) is stated on the page.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment import department_services, services
from assessment.department_services import RowInput, SharedUpload
from assessment.evidence import allowed_label, max_bytes
from assessment.forms import METRIC_PREFIX, SubmissionForm, plain_number
from assessment.models import Criterion, CriterionUnit, Evidence, Figure, Submission
from assessment.rounds import last_year_values, previous_round
from assessment.scoping import parse_id, round_for_request, submissions_for_user
from scoring.engine import rule_from_dict
from scoring.loader import outcomes_for

ONCE_PREFIX = "all"
# Somebody saved the item, or one of its town's figures, since the page was read.
STALE = tuple(error for error in (services.Conflict, getattr(services, "StaleFigures", None)) if error)
NOT_ON_ROWS = {"evidence_file", "evidence_description"}  # the page has one shared upload instead of one per row


def answered_criteria(user, scoped):
    """The criteria a department official answers among `scoped` submissions, in 附件1's order; [] for others."""
    if not user.is_department_official:
        return []
    return list(
        Criterion.objects.filter(pk__in=scoped.values("criterion_id"))
        .order_by("indicator__section__order", "indicator__order", "order")
    )


@dataclass
class Row:
    item: Submission
    form: SubmissionForm
    refusal: str | None
    evidence: list
    outcome: object
    failed: bool = False

    @property
    def editable(self):
        return self.refusal is None


@dataclass
class Page:
    round: object
    criterion: Criterion
    rows: list
    stored: dict  # town id → {metric code: Decimal}
    versions: dict  # town id → {metric code: the figure's version}, sent back so a stale figure is refused
    last_year: dict  # town id → {metric code: Decimal}
    baselines: dict

    @property
    def once(self):
        return self.criterion.answered_once

    def row(self, pk):
        return next(row for row in self.rows if row.item.pk == pk)


@login_required
def department_criterion(request, criterion_id):
    page = _load(request, criterion_id)
    if request.method == "POST":
        return _post_once(request, page) if page.once else _post_by_town(request, page)
    return _render(request, page)


# --------------------------------------------------------------------------- reading


def _load(request, criterion_id):
    user = request.user
    if not user.is_department_official:
        raise Http404(_("只有部门填报员可以按考察点填报。"))
    criterion_id = parse_id(str(criterion_id), "criterion")
    round_ = round_for_request(request)
    if round_ is None:
        raise Http404(_("目前没有进行中的年度考评。"))
    criteria = Criterion.objects.select_related("indicator__section").prefetch_related(
        "metrics__whole", _unit_links()
    )
    criterion = get_object_or_404(criteria, pk=criterion_id, indicator__section__rubric_id=round_.rubric_id)
    items = list(
        submissions_for_user(user).filter(round=round_, criterion=criterion)
        .select_related("town", "updated_by", "review").order_by("town__order", "town_id")
    )
    if not items:
        raise Http404(_("您不是该考察点的填报单位。"))
    for item in items:
        item.round, item.criterion = round_, criterion
    stored, versions, last_year = _figures(round_, criterion, items)
    page = Page(round_, criterion, [], stored, versions, last_year, _baselines(criterion))
    evidence = defaultdict(list)
    for link in Evidence.objects.filter(submission__in=items).select_related("uploaded_by"):
        evidence[link.submission_id].append(link)
    outcomes = outcomes_for(items)
    for item in items:
        refusal = services.edit_refusal(item, user)
        page.rows.append(Row(item, _form(page, item, None, refusal), refusal, evidence[item.pk], outcomes[item.pk]))
    return page


def _unit_links():
    return Prefetch("unit_links", queryset=CriterionUnit.objects.select_related("unit"))


def _baselines(criterion):
    try:
        rule = rule_from_dict(criterion.rule)
    except ValueError:  # a rule broken in the admin stops automatic scoring, not this page
        return {}
    return rule.baselines if rule else {}


def _figures(round_, criterion, items):
    """Each town's figures this criterion reads (and the wholes they are checked against), their versions,
    and last round's figures; three queries whatever the number of towns, none without figures."""
    metrics = list(criterion.metrics.all())
    stored, versions, last_year = defaultdict(dict), defaultdict(dict), defaultdict(dict)
    if not metrics:
        return stored, versions, last_year
    codes = {m.code for m in metrics} | {m.whole.code for m in metrics if m.whole}
    towns = [item.town_id for item in items]
    rows = Figure.objects.filter(round=round_, town_id__in=towns, metric__code__in=codes)
    for town_id, code, value, version in rows.values_list("town_id", "metric__code", "value", "version"):
        stored[town_id][code], versions[town_id][code] = value, version
    previous = previous_round(round_)
    if previous is not None:
        baselines = _baselines(criterion)
        wanted = codes | set(baselines.values())
        before = defaultdict(dict)
        rows = Figure.objects.filter(round=previous, town_id__in=towns, metric__code__in=wanted)
        for town_id, code, value in rows.values_list("town_id", "metric__code", "value"):
            before[town_id][code] = value
        for town_id in towns:
            last_year[town_id] = last_year_values(before[town_id], [m.code for m in metrics], baselines)
    return stored, versions, last_year


def _initial(page, item):
    """The saved answer; a baseline not yet saved is last round's figure (as on the item's own page)."""
    stored, last_year = page.stored[item.town_id], page.last_year[item.town_id]
    initial = {"narrative": item.narrative, "completed_on": item.completed_on, "version": item.version,
               "figure_versions": _versions_json(page, item)}
    for metric in page.criterion.metrics.all():
        value = stored.get(metric.code)
        if value is None and metric.code in page.baselines:
            value = last_year.get(metric.code)
        initial[METRIC_PREFIX + metric.code] = plain_number(value) if value is not None else None
    return initial


def _versions_json(page, item):
    return json.dumps(page.versions[item.town_id], sort_keys=True)


def _form(page, item, data, refusal=None, prefix=None):
    form = SubmissionForm(
        data, prefix=prefix or f"s{item.pk}", initial=_initial(page, item), criterion=page.criterion,
        stored=page.stored[item.town_id], last_year=page.last_year[item.town_id],
    )
    town = "" if prefix == ONCE_PREFIX else item.town.name
    form.fields["narrative"].widget.attrs.update(
        {"rows": 3, "style": "min-height: 4rem", "aria-label": _("%(town)s说明") % {"town": town}}
    )
    form.fields["completed_on"].widget.attrs["aria-label"] = _("%(town)s完成日期") % {"town": town}
    for metric in page.criterion.metrics.all():
        form.fields[METRIC_PREFIX + metric.code].widget.attrs["aria-label"] = f"{town}{metric.label}"
    if refusal is not None:
        for field in form.fields.values():
            field.disabled = True
    return form


# --------------------------------------------------------------------------- writing


def _listed(request, page, name):
    """The page's rows whose ids the POST lists under `name`; an id outside the department's scope is a 404."""
    wanted = [parse_id(raw, name) for raw in request.POST.getlist(name)]
    rows = {row.item.pk: row for row in page.rows}
    if any(pk not in rows for pk in wanted):
        raise Http404(_("您不是该考察点的填报单位。"))
    return [rows[pk] for pk in dict.fromkeys(wanted)]


def _shared(request, page):
    upload = request.FILES.get("evidence_file")
    if upload is None:
        return None
    targets = [row.item for row in _listed(request, page, "evidence_for")]
    return SharedUpload(upload, request.POST.get("evidence_description", ""), targets)


def _post_by_town(request, page):
    """Row by row: each changed row is saved on its own; failed rows keep what was typed, the others are saved."""
    listed = _listed(request, page, "row")
    shared = _shared(request, page)
    inputs, invalid = [], set()
    for row in listed:
        form = _form(page, row.item, request.POST)
        row.form = form
        if not form.is_valid():
            invalid.add(row.item.pk)
        elif _changed(form):
            inputs.append(RowInput(
                row.item, form.cleaned_data["narrative"], form.cleaned_data["completed_on"], form.figures(),
                form.cleaned_data["version"], _read_versions(request, form.add_prefix("figure_versions")),
            ))
    submit = [row.item for row in listed if row.item.pk not in invalid] if _wants_submit(request) else []
    result = department_services.save_by_town(inputs, user=request.user, shared=shared, submit=submit)
    _report(request, page, result)
    if not (invalid or result.errors or result.evidence_error):
        return redirect(_self_url(page))
    fresh = _load(request, page.criterion.pk)
    for row in listed:
        pk = row.item.pk
        if pk in invalid or pk in result.errors:
            _keep_typed(request, fresh, fresh.row(pk), row.form, result.errors.get(pk))
    return _render(request, fresh, evidence_error=result.evidence_error, status=400)


def _changed(form):
    """Whether the row differs from what is stored (a figure shown as "1287" is not changed by "1287.00")."""
    for name in form.changed_data:
        if name in NOT_ON_ROWS:
            continue
        if not name.startswith(METRIC_PREFIX):
            return True
        initial = form.get_initial_for_field(form.fields[name], name)
        if (Decimal(initial) if initial not in (None, "") else None) != form.cleaned_data.get(name):
            return True
    return False


def _keep_typed(request, fresh, row, form, error):
    """Show `form` (what was typed) on a fresh row, with the reason it was not saved."""
    row.failed = True
    row.form = form
    if error is None:
        form.add_error(None, _("本行填写有误，尚未保存，请按提示修改。"))
        return
    if isinstance(error, STALE):
        # The current versions let a deliberate second save win, as on the item's own page.
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(row.item.version)
        data[form.add_prefix("figure_versions")] = _versions_json(fresh, row.item)
        form.data = data
    form.add_error(None, error.message)


def _post_once(request, page):
    """All or nothing: the one answer is written to every listed town's item, or to none."""
    listed = _listed(request, page, "row")
    if not listed:
        messages.error(request, _("本考察点当前没有可填报的街镇。"))
        return redirect(_self_url(page))
    shared = _shared(request, page)
    if shared is not None:
        shared.submissions = [row.item for row in listed]
    form = _form(page, listed[0].item, request.POST, prefix=ONCE_PREFIX)
    if not form.is_valid():
        messages.error(request, _("填写有误，各街镇均未保存，请按提示修改。"))
        return _render(request, page, once_form=form, status=400)
    data = form.cleaned_data
    figures = form.figures()
    versions = {row.item.pk: _version(request, row.item.pk) for row in listed}
    figure_versions = {row.item.pk: _read_versions(request, f"figure_versions_{row.item.pk}") for row in listed}
    unchanged = {row.item.pk for row in listed if _holds(page, row.item, data, figures)}
    try:
        result = department_services.save_for_every_town(
            [row.item for row in listed], user=request.user, narrative=data["narrative"],
            completed_on=data["completed_on"], figures=figures, versions=versions, figure_versions=figure_versions,
            unchanged=unchanged,
            shared=shared, submit=_wants_submit(request),
        )
    except services.ServiceError as error:
        messages.error(request, _("各街镇均未保存：") + error.message)
        fresh = _load(request, page.criterion.pk)
        form.add_error(None, error.message)
        return _render(request, fresh, once_form=form, status=400)
    _report(request, page, result)
    return redirect(_self_url(page))


def _holds(page, item, data, figures):
    """Whether a town's item already holds this answer, so saving it again would change nothing."""
    stored = page.stored[item.town_id]
    return (
        item.started and item.narrative == data["narrative"] and item.completed_on == data["completed_on"]
        and all(stored.get(metric.code) == value for metric, value in figures.items())
    )


def _version(request, pk):
    raw = request.POST.get(f"version_{pk}", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


def _read_versions(request, key):
    """Code → version of a town's figures as the page read them (`SubmissionForm.read_versions` for a prefixed or
    per-town field): None when not sent (no check), {} when unreadable (every stored figure counts as changed)."""
    if key not in request.POST:
        return None
    try:
        data = json.loads(request.POST[key] or "{}")
    except ValueError:
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def _wants_submit(request):
    return request.POST.get("action") == "submit"


def _report(request, page, result):
    towns = {row.item.pk: row.item.town.name for row in page.rows}
    if result.saved:
        messages.success(request, _("已保存 %(count)d 个街镇的填报。") % {"count": len(result.saved)})
    if result.shared_file is not None:
        messages.success(request, _("佐证材料“%(name)s”已上传，关联 %(count)d 个街镇。") % {
            "name": result.shared_file.original_name, "count": len(result.links),
        })
    if result.evidence_error:
        messages.error(request, result.evidence_error)
    if result.submitted:
        messages.success(request, _("已提交 %(count)d 个街镇，等待视频办评审。") % {"count": len(result.submitted)})
    if result.not_submitted:
        details = "；".join(f"{towns[pk]}：{why}" for pk, why in result.not_submitted.items())
        messages.warning(request, _("以下街镇未提交：%(details)s") % {"details": details})
    if result.errors:
        messages.error(request, _("%(count)d 个街镇未保存，见下方标出的行；其余已保存。") % {"count": len(result.errors)})
    nothing = not (result.saved or result.shared_file or result.submitted or result.not_submitted or result.errors)
    if nothing and not result.evidence_error:
        messages.info(request, _("没有需要保存的修改。"))


def _self_url(page):
    return f"{reverse('department-criterion', args=[page.criterion.pk])}?round={page.round.pk}"


# --------------------------------------------------------------------------- the page


def _render(request, page, *, once_form=None, evidence_error=None, status=200):
    editable = [row for row in page.rows if row.editable]
    if page.once and once_form is None:
        first = (editable or page.rows)[0]
        once_form = _form(page, first.item, None, None if editable else first.refusal, prefix=ONCE_PREFIX)
    chosen = {raw for raw in request.POST.getlist("evidence_for") if raw.isascii()} if request.method == "POST" else None
    context = {
        "round": page.round,
        "criterion": page.criterion,
        "metrics": list(page.criterion.metrics.all()),
        "rows": page.rows,
        "editable_rows": editable,
        "once": page.once,
        "once_form": once_form,
        "differs": page.once and len({_answer(page, row.item) for row in page.rows}) > 1,
        "figure_versions": {row.item.pk: _versions_json(page, row.item) for row in editable} if page.once else {},
        "evidence_for": {row.item.pk for row in editable} if chosen is None else {int(pk) for pk in chosen if pk.isdigit()},
        "evidence_error": evidence_error,
        "evidence_help": _evidence_help(),
        "self_url": _self_url(page),
    }
    return render(request, "assessment/department_criterion.html", context, status=status)


def _answer(page, item):
    stored = page.stored[item.town_id]
    return item.narrative, item.completed_on, tuple(stored.get(m.code) for m in page.criterion.metrics.all())


def _evidence_help():
    return _("允许 %(kinds)s，单个文件不超过 %(mb)d MB。") % {"kinds": allowed_label(), "mb": max_bytes() // 1048576}
