"""Results: towns × 一类指标, totals, ranks and 达标, and each town's drill-down."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from assessment.models import CriterionUnit, Section, Town, User
from assessment.rounds import current_round, deadline_overrides, item_deadline_state
from assessment.scoping import submissions_for_user
from scoring.loader import round_results


def results_visible(user, round_):
    """Readers always; a town official only once the round's results are published."""
    if user.sees_all_towns:
        return True
    return user.role == User.Role.TOWN and round_.results_published


@login_required
def results(request):
    round_ = current_round(request.user, request.GET.get("round"))
    if round_ is None or not results_visible(request.user, round_):
        return render(request, "assessment/results.html", {"round": round_, "hidden": round_ is not None})
    sections = list(Section.objects.filter(rubric_id=round_.rubric_id))
    rows = round_results(round_)
    if not request.user.sees_all_towns:
        rows = [row for row in rows if row.town_id == request.user.town_id]
    table = [(row, [row.sections.get(s.code) for s in sections]) for row in rows]
    return render(request, "assessment/results.html", {"round": round_, "sections": sections, "table": table})


@login_required
def town_results(request, town_id):
    round_ = current_round(request.user, request.GET.get("round"))
    if round_ is None or not results_visible(request.user, round_):
        raise Http404
    town = get_object_or_404(Town.objects.filter(pk__in=submissions_for_user(request.user).values("town_id")), pk=town_id)
    items = list(
        submissions_for_user(request.user).filter(round=round_, town=town)
        .select_related("criterion__indicator__section", "review__reviewer")
        .prefetch_related(Prefetch("criterion__unit_links", queryset=CriterionUnit.objects.select_related("unit")))
        .order_by("criterion__indicator__section__order", "criterion__indicator__order", "criterion__order")
    )
    overrides = deadline_overrides(round_)
    for item in items:
        item.deadline_state = item_deadline_state(item, overrides)
    result = next((r for r in round_results(round_) if r.town_id == town.pk), None)
    return render(request, "assessment/town_results.html", {"round": round_, "town": town, "items": items, "result": result})
