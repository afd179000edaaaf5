"""配置检查: the page that lists what `assessment.setup_check` finds, for those who manage rounds."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from assessment import setup_check
from assessment.models import District
from assessment.permissions import requires
from assessment.scoping import districts_for_user, parse_id, round_for_user, rounds_for_user


@requires("can_manage_rounds")
def setup_check_page(request):
    """`?round=` checks that round's district against its rubric; otherwise the district's current data
    (the user's district; `?district=` among those a city- or province-level account reaches) against the newest rubric."""
    round_ = round_for_user(request.user, request.GET.get("round")) if request.GET.get("round") else None
    # A city- or province-level account chooses among the districts it reaches: read once, for the choice and the list.
    districts = list(districts_for_user(request.user).order_by("name")) if request.user.district_id is None else []
    if round_ is not None:
        district, rubric = round_.district, round_.rubric
    else:
        district, rubric = _district(request, districts), setup_check.current_rubric()
    found = setup_check.findings(district, rubric) if district is not None else None
    context = {
        "round": round_, "district": district, "rubric": rubric, "found": found,
        "groups": _groups(found, district.towns.count()) if found else [],
        "rounds": rounds_for_user(request.user).filter(district=district) if district is not None else [],
        "districts": districts,
    }
    return render(request, "assessment/setup_check.html", context)


def _district(request, districts):
    """The user's own district; for a city- or province-level account the one asked for (404 if none such) or the first."""
    if request.user.district_id is not None:
        return get_object_or_404(District, pk=request.user.district_id)
    district_id = parse_id(request.GET.get("district"), "district")
    if district_id is None:
        return districts[0] if districts else None
    chosen = next((district for district in districts if district.pk == district_id), None)
    if chosen is None:
        raise Http404(_("没有该区。"))
    return chosen


def _groups(found, town_count):
    """[(criterion, towns, how to name them)]: "all" towns of the district, exactly the towns "unstaffed" (listed
    below on the page), else None and the names are listed; so that a criterion is one short line."""
    unstaffed = {town.pk for town in found.towns_without_officials}
    groups = []
    for criterion, towns in setup_check.by_criterion(found.unanswered):
        ids = {town.pk for town in towns}
        scope = "all" if len(ids) == town_count else "unstaffed" if ids == unstaffed and len(ids) > 1 else None
        groups.append((criterion, towns, scope))
    return groups
