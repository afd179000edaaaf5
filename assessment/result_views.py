"""Results: towns × 一类指标, totals, ranks and 达标, and each town's drill-down.

Every figure shown is the engine's, as stored by `scoring.stored`; who sees it is decided by `assessment.scoping`.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from assessment.models import CriterionUnit, Section, Submission, Transition
from assessment.paging import query_without_page
from assessment.permissions import requires
from assessment.result_status import any_provisional, provisional_note, status_label
from assessment.scoping import (
    get_results_for_user,
    results_visible,
    round_for_request,
    submissions_for_user,
    visible_results,
)
from scoring import stored

RESULTS_PAGE_SIZE = 100
SORTS = {"rank": _("排名"), "-rank": _("排名（倒序）"), "town": _("街镇顺序"), "-scored": _("已评分最多"),
         "-overdue": _("逾期项最多")}


@login_required
def results(request):
    round_ = round_for_request(request)
    if round_ is None or not results_visible(request.user, round_):
        return render(request, "assessment/results.html", {"round": round_, "hidden": round_ is not None})
    sections = list(Section.objects.filter(rubric_id=round_.rubric_id))
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "rank"
    # A NUL cannot be in a town's name, and PostgreSQL refuses it in a query.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    rows = visible_results(request.user, round_, stored.round_rows(round_, sort, search))
    page = Paginator(rows, RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = stored.as_results(page.object_list)
    table = [(row, [row.sections.get(s.code) for s in sections]) for row in shown]
    note = provisional_note() if any_provisional(rows) else None
    return render(request, "assessment/results.html", {
        "round": round_, "sections": sections, "table": table, "provisional_note": note, "page": page,
        "sorts": SORTS, "sort": sort, "search": search, "query": query_without_page(request),
    })


@login_required
def town_results(request, town_id):
    round_, town = get_results_for_user(request.user, request.GET.get("round"), town_id)
    items = list(
        submissions_for_user(request.user).filter(round=round_, town=town)
        .select_related("criterion__indicator__section", "review__reviewer")
        .prefetch_related(Prefetch("criterion__unit_links", queryset=CriterionUnit.objects.select_related("unit")))
        .order_by("criterion__indicator__section__order", "criterion__indicator__order", "criterion__order")
    )
    result = stored.results_for_town(round_, town.pk, items)
    for item in items:
        item.outcome = result.item(item.criterion_id)
    note = provisional_note() if result is not None and not result.final else None
    return render(request, "assessment/town_results.html",
                  {"round": round_, "town": town, "items": items, "result": result, "provisional_note": note})


@requires("sees_all_towns")
def results_dashboard(request):
    """Three charts for leaders: totals with the 达标 line, section shares, submissions per day."""
    round_ = round_for_request(request)
    if round_ is None:
        return render(request, "assessment/results_dashboard.html", {"round": None})
    chart_data = dashboard_data(round_)
    note = provisional_note() if any(not town["final"] for town in chart_data["towns"]) else None
    return render(request, "assessment/results_dashboard.html",
                  {"round": round_, "chart_data": chart_data, "provisional_note": note})


def dashboard_data(round_):
    """Plain numbers for the charts; Decimals become strings so nothing is rounded through float on the way.

    Each town's `final` says whether every item is scored; until then `status` reads "暂定（已评分 n/N）".
    """
    sections = list(Section.objects.filter(rubric_id=round_.rubric_id))
    rows = stored.results_for_round(round_)
    per_day = (
        Transition.objects.filter(round=round_, to_status=Submission.Status.SUBMITTED)
        .annotate(day=TruncDate("at")).values("day").annotate(n=Count("id")).order_by("day")
    )
    return {
        "pass_mark": str(round_.pass_mark) if round_.pass_mark is not None else None,
        "sections": [{"code": s.code, "title": s.title, "points": str(s.points)} for s in sections],
        "towns": [
            {"name": r.town_name, "total": str(r.total), "rank": r.rank, "passed": r.passed,
             "sections": [str(r.sections.get(s.code, 0)) for s in sections],
             "scored": r.scored, "item_count": r.item_count, "final": r.final, "status": status_label(r)}
            for r in rows
        ],
        "submitted_per_day": [{"day": p["day"].isoformat(), "count": p["n"]} for p in per_day],
    }
