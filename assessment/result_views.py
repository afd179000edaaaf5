"""Results: towns × 一类指标, totals, ranks and 达标, and each town's drill-down."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import render

from assessment.models import CriterionUnit, Section, Submission, Transition, User
from assessment.permissions import READERS, role_required
from assessment.rounds import current_round, deadline_overrides, item_deadline_state
from assessment.scoping import get_town_for_user, submissions_for_user
from scoring.engine import apply_late_policy
from scoring.loader import late_policy, round_results


def results_visible(user, round_):
    """Readers always; a town official only once the round's results are published."""
    if user.sees_all_towns:
        return True
    return user.role == User.Role.TOWN and round_.results_published


def visible_results(user, round_):
    """The round's results this user may see: every town for readers, a town official's own row."""
    rows = round_results(round_)
    if user.sees_all_towns:
        return rows
    return [row for row in rows if row.town_id == user.town_id]


@login_required
def results(request):
    round_ = current_round(request.user, request.GET.get("round"))
    if round_ is None or not results_visible(request.user, round_):
        return render(request, "assessment/results.html", {"round": round_, "hidden": round_ is not None})
    sections = list(Section.objects.filter(rubric_id=round_.rubric_id))
    table = [(row, [row.sections.get(s.code) for s in sections]) for row in visible_results(request.user, round_)]
    return render(request, "assessment/results.html", {"round": round_, "sections": sections, "table": table})


def visible_round_and_town(request, town_id):
    """The round and town whose results this user may see, else 404."""
    round_ = current_round(request.user, request.GET.get("round"))
    if round_ is None or not results_visible(request.user, round_):
        raise Http404
    return round_, get_town_for_user(request.user, town_id)


@login_required
def town_results(request, town_id):
    round_, town = visible_round_and_town(request, town_id)
    items = list(
        submissions_for_user(request.user).filter(round=round_, town=town)
        .select_related("criterion__indicator__section", "review__reviewer")
        .prefetch_related(Prefetch("criterion__unit_links", queryset=CriterionUnit.objects.select_related("unit")))
        .order_by("criterion__indicator__section__order", "criterion__indicator__order", "criterion__order")
    )
    overrides, policy = deadline_overrides(round_), late_policy(round_)
    for item in items:
        item.deadline_state = item_deadline_state(item, overrides)
        # What counts toward the total: the awarded points after the round's late policy.
        if item.status == Submission.Status.SCORED:
            item.kept_points = apply_late_policy(item.review.points, item.deadline_state, policy)
    result = next((r for r in round_results(round_) if r.town_id == town.pk), None)
    return render(request, "assessment/town_results.html", {"round": round_, "town": town, "items": items, "result": result})


@role_required(READERS)
def results_dashboard(request):
    """Three charts for leaders: totals with the 达标 line, section shares, submissions per day."""
    round_ = current_round(request.user, request.GET.get("round"))
    if round_ is None:
        return render(request, "assessment/results_dashboard.html", {"round": None})
    return render(request, "assessment/results_dashboard.html", {"round": round_, "chart_data": dashboard_data(round_)})


def dashboard_data(round_):
    """Plain numbers for the charts; Decimals become strings so nothing is rounded through float on the way."""
    sections = list(Section.objects.filter(rubric_id=round_.rubric_id))
    rows = round_results(round_)
    per_day = (
        Transition.objects.filter(submission__round=round_, to_status=Submission.Status.SUBMITTED)
        .annotate(day=TruncDate("at")).values("day").annotate(n=Count("id")).order_by("day")
    )
    return {
        "pass_mark": str(round_.pass_mark) if round_.pass_mark is not None else None,
        "sections": [{"code": s.code, "title": s.title, "points": str(s.points)} for s in sections],
        "towns": [
            {"name": r.town_name, "total": str(r.total), "rank": r.rank, "passed": r.passed,
             "sections": [str(r.sections.get(s.code, 0)) for s in sections]}
            for r in rows
        ],
        "submitted_per_day": [{"day": p["day"].isoformat(), "count": p["n"]} for p in per_day],
    }
