"""区县对比 for city- and province-level readers; the figures and who sees them are `assessment.compare`'s."""

from django.shortcuts import render

from assessment.compare import compare_for_user
from assessment.permissions import requires


@requires("compares_districts")
def compare(request):
    """A city's districts ranked, or the province's cities (`?city=` drills into one); `?year=`, `?rubric=`
    choose what is compared and `?order=pass_rate` ranks by 达标率 instead of 平均总分."""
    query = request.GET
    comparison = compare_for_user(request.user, year=query.get("year"), rubric=query.get("rubric"),
                                  city=query.get("city"), order=query.get("order"))
    drilled = request.user.city_id is None and query.get("city") is not None
    return render(request, "assessment/compare.html",
                  {"c": comparison, "drilled": drilled, "city_param": query.get("city", "")})
