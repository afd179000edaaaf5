"""Rounds: the switcher, the list, one round's page with its state history, and a new year's round."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import history, round_services, setup_check
from assessment.models import Criterion, Round, Town
from assessment.permissions import requires
from assessment.round_forms import DEADLINE_PREFIX, NewRoundForm, StateChangeForm
from assessment.scoping import managed_rounds, parse_id, round_for_request, rounds_for_user
from assessment.services import ServiceError

# Pages that show one round as a whole: switching rounds stays on them.
ROUND_PAGES = ("dashboard", "review-queue", "results", "results-dashboard", "round-list")


@login_required
def round_switch(request):
    round_ = round_for_request(request, request.GET.get("round") or "")
    target = request.GET.get("next", "")
    names = {reverse(name): name for name in ROUND_PAGES}
    url = target if target in names else reverse("home")
    return redirect(f"{url}?round={round_.pk}" if round_ else url)


@login_required
def round_list(request):
    rounds = managed_rounds(request.user) if request.user.can_manage_rounds else rounds_for_user(request.user)
    return render(request, "assessment/round_list.html", {"rounds": rounds.select_related("district", "rubric")})


@login_required
def round_detail(request, pk):
    rounds = managed_rounds(request.user) if request.user.can_manage_rounds else rounds_for_user(request.user)
    round_ = get_object_or_404(rounds.select_related("district", "rubric"), pk=pk)
    context = {
        "round": round_, "transitions": round_.transitions.select_related("actor"),
        "next_states": [Round.State(s) for s in sorted(round_services.NEXT_STATES[Round.State(round_.state)])],
        "unscored": round_services.unscored_count(round_) if request.user.can_manage_rounds else None,
        "deletable": not round_services.has_input(round_) if request.user.can_manage_rounds else False,
        "setup": _setup_findings(request.user, round_),
        "changes": history.changes({"": round_.history.all()}) if request.user.can_manage_rounds else None,
    }
    return render(request, "assessment/round_detail.html", context)


def _setup_findings(user, round_):
    """Before opening a round: what 配置检查 finds for it (None once opening is not the next step)."""
    if not (user.can_manage_rounds and round_.state == Round.State.PREPARING):
        return None
    return setup_check.findings(round_.district, round_.rubric)


@requires("can_manage_rounds")
@require_POST
def round_change_state(request, pk):
    round_ = get_object_or_404(managed_rounds(request.user), pk=pk)
    form = StateChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效，请刷新页面后重试。"))
        return redirect("round-detail", pk=pk)
    findings = _setup_findings(request.user, round_)
    if form.cleaned_data["to_state"] == Round.State.OPEN and findings and not findings.ok \
            and not request.POST.get("confirm_setup"):
        messages.error(request, _("配置检查发现问题，请查看后勾选“已知悉”再开始填报。"))
        return redirect("round-detail", pk=pk)
    try:
        round_services.change_state(round_, form.cleaned_data["to_state"], user=request.user,
                                    reason=form.cleaned_data["reason"], expected_state=form.cleaned_data["expected_state"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("考评已变为“%(state)s”。") % {"state": Round.State(form.cleaned_data["to_state"]).label})
    return redirect("round-detail", pk=pk)


@requires("can_manage_rounds")
@require_POST
def round_delete(request, pk):
    round_ = get_object_or_404(managed_rounds(request.user), pk=pk)
    name = round_.name
    try:
        deleted = round_services.delete_or_void(round_, user=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("round-detail", pk=pk)
    messages.success(request, _("已删除“%(name)s”。") % {"name": name} if deleted else _("已作废“%(name)s”。") % {"name": name})
    return redirect("round-list")


@requires("can_manage_rounds")
def round_new(request):
    """新建年度考评: copy an earlier round, move its deadlines into the new year, preview, then save."""
    sources = rounds_for_user(request.user).select_related("rubric", "district")
    source = _source(request, sources)
    if source is None:
        messages.error(request, _("还没有可复制的年度考评，请在管理后台建立第一轮考评。"))
        return redirect("round-list")
    criteria = list(Criterion.objects.filter(indicator__section__rubric_id=source.rubric_id)
                    .order_by("indicator__section__order", "indicator__order", "order"))
    data = request.POST if request.method == "POST" else None
    form = NewRoundForm(data, initial=_initial(source), sources=sources, criteria=criteria)
    preview = None
    if data is not None and form.is_valid():
        preview = _preview(form.cleaned_data, source)
        if request.POST.get("action") == "save":
            response = _save(request, form)
            if response is not None:
                return response
    return render(request, "assessment/round_new.html", {"form": form, "source": source, "preview": preview})


def _source(request, sources):
    raw = request.POST.get("source") or request.GET.get("source")
    if raw:
        return get_object_or_404(sources, pk=parse_id(raw, "source"))
    return sources.order_by("-opens_on", "-id").first()


def _initial(source):
    """Next year's dates and name; each deadline moved by one year, month and span kept."""
    year = source.year + 1
    initial = {
        "source": source.pk, "name": _("%(year)s年度技防街镇达标评估") % {"year": year},
        "opens_on": _same_day(source.opens_on, year), "closes_on": _same_day(source.closes_on, year + (source.closes_on.year - source.year)),
    }
    for criterion_id, deadline in round_services.copied_deadlines(source, year).items():
        initial[f"{DEADLINE_PREFIX}{criterion_id}"] = deadline.strftime("%Y-%m")
    return initial


def _same_day(day, year):
    return day.replace(year=year) if not (day.month == 2 and day.day == 29) else datetime.date(year, 2, 28)


def _preview(data, source):
    overdue, soon = round_services.due_on_opening(data["deadlines"], data["opens_on"], settings.DEADLINE_SOON_DAYS)
    towns = Town.objects.filter(district_id=source.district_id).count()
    return {"overdue": overdue, "soon": soon, "towns": towns, "overdue_items": overdue * towns, "soon_items": soon * towns}


def _save(request, form):
    data = form.cleaned_data
    try:
        round_ = round_services.create_round(
            user=request.user, source=data["source"], name=data["name"], opens_on=data["opens_on"],
            closes_on=data["closes_on"], deadlines=data["deadlines"], open_now=data["open_now"],
            pass_mark=data["pass_mark"], confirm_past=data["confirm_past"],
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, _("已新建“%(name)s”（%(state)s）。") % {"name": round_.name, "state": round_.get_state_display()})
    return redirect("round-detail", pk=round_.pk)


