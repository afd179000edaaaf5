"""修改记录: the standard's change history, with old and new values, for administrators."""

from django.shortcuts import get_object_or_404, render

from assessment import history
from assessment.models import Criterion, CriterionUnit, Indicator, Rubric, Section
from assessment.permissions import requires


@requires("can_manage_accounts")
def standard_history(request):
    """`?rubric=<id>`, default the newest version. Deleted nodes are found by their recorded parent ids."""
    rubrics = Rubric.objects.order_by("-version", "-id")
    rubric = get_object_or_404(rubrics, pk=request.GET["rubric"]) if request.GET.get("rubric", "").isdigit() \
        else rubrics.first()
    entries = []
    if rubric is not None:
        sections = _ids(Section, rubric_id=rubric.pk)
        indicators = _ids(Indicator, section_id__in=sections)
        criteria = _ids(Criterion, indicator_id__in=indicators)
        entries = history.changes({
            Rubric._meta.verbose_name: Rubric.history.filter(id=rubric.pk),
            Section._meta.verbose_name: Section.history.filter(id__in=sections),
            Indicator._meta.verbose_name: Indicator.history.filter(id__in=indicators),
            Criterion._meta.verbose_name: Criterion.history.filter(id__in=criteria),
            CriterionUnit._meta.verbose_name: CriterionUnit.history.filter(criterion_id__in=criteria),
        })
    context = {"rubric": rubric, "rubrics": rubrics, "entries": entries, "limit": history.LIMIT}
    return render(request, "assessment/standard_history.html", context)


def _ids(model, **parent):
    """Ids of the nodes under a parent, live or deleted since."""
    live = model.objects.filter(**parent).values_list("id", flat=True)
    return set(live) | set(model.history.filter(**parent).values_list("id", flat=True))
