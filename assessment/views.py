import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

import audit
from assessment import files, services, todo
from assessment.api import rubric_tree_queryset
from assessment.department_views import answered_criteria
from assessment.figures import stored_with_versions
from assessment.figures import versions as figure_versions
from assessment.forms import ANSWER_PREFIX, METRIC_PREFIX, SubmissionForm, answer_choice, plain_number
from assessment.models import CriterionUnit, Submission, Town
from assessment.paging import query_without_page
from assessment.parts import part_rows
from assessment.rounds import last_year_values, previous_figures, progress, unit_input
from assessment.scoping import (
    get_evidence_for_user,
    get_submission_for_user,
    parse_id,
    round_for_request,
    submissions_for_user,
)
from assessment.timeline import build_timeline
from scoring.engine import describe_rule, rule_from_dict
from scoring.loader import outcome_for, outcomes_for, propose_with

INLINE_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


@login_required
def home(request):
    if request.user.fills_items:
        return redirect("dashboard")
    if request.user.can_review:
        return redirect("review-queue")
    return redirect("results")


@login_required
def standard(request):
    """附件1 as a table, for every logged-in user."""
    rubric = rubric_tree_queryset().order_by("-version", "-id").first()
    return render(request, "assessment/standard.html", {"rubric": rubric})


DASHBOARD_PAGE_SIZE = 500  # one town's 41 items always fit; all towns of a large district are paged


@login_required
def dashboard(request):
    """The round's checklist of the items this user may see, grouped like 附件1."""
    round_ = round_for_request(request)
    if round_ is None:
        return render(request, "assessment/dashboard.html", {"round": None})
    scoped = submissions_for_user(request.user).filter(round=round_)
    if request.user.is_town_official:
        return _town_dashboard(request, round_, scoped)
    items = _filtered(request, scoped)
    page = Paginator(_ordered_items(items), DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    outcomes = outcomes_for(page.object_list)
    for item in page.object_list:
        item.outcome = outcomes[item.pk]
    towns = Town.objects.filter(pk__in=scoped.values("town_id"))
    context = {"round": round_, "page": page, "items": page.object_list, "progress": progress(items), "towns": towns,
               "town_id": request.GET.get("town", ""), "status": request.GET.get("status", ""),
               "criteria": answered_criteria(request.user, scoped), "criterion_id": request.GET.get("criterion", ""),
               "statuses": todo.STATUS_FILTERS, "is_open": round_.is_open(timezone.localdate()),
               "query": query_without_page(request), "back_query": todo.checklist_query(request.GET)}
    return render(request, "assessment/dashboard.html", context)


def _town_dashboard(request, round_, scoped):
    """A town official's 待办: cards and progress over what the town owes, next thing first; departments' items apart."""
    items = list(_ordered_items(scoped))
    outcomes = outcomes_for(items)
    for item in items:
        item.outcome = outcomes[item.pk]
    status, deadline = todo.valid_status(request.GET.get("status")), todo.valid_deadline(request.GET.get("deadline"))
    checklist = todo.town_checklist(request.user, items, town_id=parse_id(request.GET.get("town"), "town"),
                                    status=status, deadline=deadline)
    context = {"round": round_, "todo": checklist, "progress": progress(checklist["owed"]), "status": status,
               "deadline": deadline, "statuses": todo.STATUS_FILTERS, "deadlines": todo.DEADLINE_FILTERS,
               "is_open": round_.is_open(timezone.localdate()), "back_query": todo.checklist_query(request.GET)}
    return render(request, "assessment/dashboard.html", context)


def _filtered(request, items):
    town, status = parse_id(request.GET.get("town"), "town"), request.GET.get("status", "")
    if town is not None:
        items = items.filter(town_id=town)
    criterion = parse_id(request.GET.get("criterion"), "criterion")
    if criterion is not None:
        items = items.filter(criterion_id=criterion)
    return todo.filter_status(items, status)


def _ordered_items(items):
    links = CriterionUnit.objects.select_related("unit")
    return (
        items.select_related("round", "town", "criterion__indicator__section", "review")
        .prefetch_related(Prefetch("criterion__unit_links", queryset=links))
        # Criterion first, then town: a department sees each of its items across the towns together.
        .order_by("criterion__indicator__section__order", "criterion__indicator__order", "criterion__order", "town__order")
    )


@login_required
def submission_detail(request, pk):
    submission = get_submission_for_user(request.user, pk)
    stored, read_versions = stored_with_versions(submission.round_id, submission.town_id)
    baselines = _baselines(submission.criterion)
    last_year = _last_year(submission, baselines)
    form_kwargs = {"criterion": submission.criterion, "stored": stored, "last_year": last_year}
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        return _withdraw(request, submission)
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, **form_kwargs)
        response = _handle_post(request, submission, form)
        if response is not None:
            return response
        form.note_dropped_files()
    else:
        # ?copy=previous: last round's figures as the form's values, saved only when the user saves.
        copy = (request.GET.get("copy") == "previous" and bool(last_year)
                and services.edit_refusal(submission, request.user) is None)
        if copy:
            messages.info(request, _("已填入上年数据，请核对后保存。"))
        initial = _initial(submission, stored, last_year, baselines, copy=copy)
        initial["figure_versions"] = json.dumps(read_versions)
        form = SubmissionForm(initial=initial, **form_kwargs)
    return _render_detail(request, submission, form)


def _baselines(criterion):
    """Baseline metric → the figure it is the baseline of, in the criterion's rule (3.3: last year's cases)."""
    try:
        rule = rule_from_dict(criterion.rule)
    except ValueError:  # a rule broken in the admin stops automatic scoring, not the town's page
        return {}
    return rule.baselines if rule else {}


def _last_year(submission, baselines):
    """Last round's value of each figure the item asks for, one query; none if it asks for no figures."""
    codes = [metric.code for metric in submission.criterion.metrics.all()]
    if not codes:
        return {}
    return last_year_values(previous_figures(submission.round, submission.town_id), codes, baselines)


def _initial(submission, stored, last_year, baselines, copy=False):
    """The saved answer; with `copy` last round's figures instead; a baseline not yet saved is last round's figure."""
    initial = {"narrative": submission.narrative, "completed_on": submission.completed_on, "version": submission.version}
    for metric in submission.criterion.metrics.all():
        value = stored.get(metric.code)
        if (copy or (value is None and metric.code in baselines)) and metric.code in last_year:
            value = last_year[metric.code]
        # 1287 rather than 1287.00: counts read as whole numbers.
        initial[METRIC_PREFIX + metric.code] = plain_number(value) if value is not None else None
    for code, value in (submission.answers or {}).items():
        initial[ANSWER_PREFIX + code] = answer_choice(value)
    return initial


def _handle_post(request, submission, form):
    """Save (and submit when asked); None means: show the form again with what was typed."""
    wants_submit = request.POST.get("action") == "submit"
    if wants_submit and submission.status == Submission.Status.SUBMITTED:
        messages.info(request, _("该考察点已提交，无需重复提交。"))
        return _to_item(request, submission.pk)
    if not form.is_valid():
        messages.error(request, _("填写有误，内容尚未保存，请按提示修改。"))
        return None
    try:
        with transaction.atomic():
            saved = services.save_draft(
                submission, user=request.user, narrative=form.cleaned_data["narrative"],
                completed_on=form.cleaned_data["completed_on"], figures=form.figures(),
                version=form.cleaned_data["version"], figure_versions=form.read_versions(), answers=form.answers(),
            )
            # Every chosen file with the one description; a refused file keeps the draft unsaved too.
            for upload in form.cleaned_data["evidence_file"]:
                services.add_evidence(saved, user=request.user, upload=upload,
                                      description=form.cleaned_data["evidence_description"])
    except services.Conflict as conflict:
        return _conflict(request, submission, form, conflict, wants_submit)
    except services.StaleFigures as stale:
        # Keep what was typed; the figures' current versions let a deliberate second save win.
        form.data = request.POST.copy()
        form.data["figure_versions"] = json.dumps(figure_versions(submission.round_id, submission.town_id))
        form.add_error(None, stale.message)
        return None
    except services.ServiceError as error:
        form.add_error(None, error.message)
        return None
    return _after_save(request, saved, wants_submit)


def _to_item(request, pk):
    """Back to the item page, keeping the checklist's filters the page was opened with."""
    query = todo.checklist_query(request.GET)
    return HttpResponseRedirect(reverse("submission", args=[pk]) + (f"?{query}" if query else ""))


def _posted_version(request):
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else -1


def _withdraw(request, submission):
    try:
        services.withdraw(submission, user=request.user, version=_posted_version(request))
    except services.Conflict:
        messages.error(request, _("该考察点刚刚有变动，未撤回，请查看当前状态。"))
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已撤回为草稿，修改后请重新提交。"))
    return _to_item(request, submission.pk)


def _after_save(request, saved, wants_submit):
    if not wants_submit:
        messages.success(request, _("草稿已保存。"))
        return _to_item(request, saved.pk)
    try:
        services.submit(saved, user=request.user, missing_note=request.POST.get("missing_note", ""))
    except services.ServiceError as error:
        messages.warning(request, _("草稿已保存。") + error.message)
        return _to_item(request, saved.pk)
    messages.success(request, _("已提交，等待视频办评审。"))
    return _to_item(request, saved.pk)


def _conflict(request, submission, form, conflict, wants_submit):
    current = conflict.current
    if wants_submit and current.status == Submission.Status.SUBMITTED and current.updated_by_id == request.user.id:
        messages.info(request, _("该考察点已提交，无需重复提交。"))
        return _to_item(request, submission.pk)
    # Keep what was typed; the new version lets a deliberate second save win.
    data = request.POST.copy()
    data["version"] = str(current.version)
    form.data = data
    form.add_error(None, conflict.message)
    request.conflict = current
    return None


def _render_detail(request, submission, form):
    refusal = services.edit_refusal(submission, request.user)
    outcome = outcome_for(submission)
    inputs = unit_input(submission) if submission.criterion.unit_links.count() > 1 else []
    context = {
        "submission": submission,
        "criterion": submission.criterion,
        "form": form,
        "refusal": refusal,
        "editable": refusal is None,
        "copy_previous": refusal is None and any(field.field.last_year for field in form.metric_fields()),
        "evidence": list(submission.evidence.select_related("uploaded_by")),
        "timeline": build_timeline(submission),
        "outcome": outcome,
        "conflict": getattr(request, "conflict", None),
        "unit_input": inputs,
        "parts": part_rows(submission, request.user, inputs, editable=refusal is None),
        "can_withdraw": (submission.status == Submission.Status.SUBMITTED and request.user.can_fill(submission)
                         and submission.round.is_open(timezone.localdate())),
        "back_query": todo.checklist_query(request.GET),
        **_trial_context(submission, form),
    }
    return render(request, "assessment/submission.html", context, status=400 if form.errors else 200)


def _trial_context(submission, form):
    """The stored figures' proposal (试算 before any typing) and the rule in words; nothing without a valid rule.

    The same as the reviewer's `propose_for`, from the figures the form has already read (`form.stored`)."""
    try:
        rule = rule_from_dict(submission.criterion.rule)
    except ValueError:
        return {}
    if rule is None:
        return {}
    labels = {metric.code: metric.label for metric in form.metrics}
    proposal = propose_with(submission.criterion, submission.round, form.stored, submission.answers or {},
                            town_id=submission.town_id, rule=rule, labels=labels)
    return {"trial": proposal, "rule_lines": describe_rule(rule, labels)}


@login_required
@xframe_options_sameorigin
def evidence_download(request, pk):
    """Evidence is served only through here, after the scope check; `?inline=1` shows PDFs and images."""
    evidence = get_evidence_for_user(request.user, pk)
    audit.record(request, "evidence_download", evidence=evidence.pk, submission=evidence.submission_id)
    inline = request.GET.get("inline") == "1" and evidence.kind in INLINE_TYPES
    return files.serve(evidence.file, filename=evidence.original_name, inline=inline,
                       content_type=INLINE_TYPES.get(evidence.kind, "application/octet-stream"))


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = get_evidence_for_user(request.user, pk)
    try:
        services.delete_evidence(evidence, user=request.user)
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已删除佐证材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect("submission", pk=evidence.submission_id)



def csrf_failure(request, reason=""):
    """An expired form, in Chinese; what was typed on an item page is still in the browser."""
    return render(request, "403_csrf.html", status=403)
