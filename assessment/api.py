"""REST API. Every view requires a logged-in user (the DRF default)."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from rest_framework.decorators import api_view
from rest_framework.response import Response

from assessment.models import Criterion, Rubric, Section
from assessment.serializers import RubricSerializer


def rubric_tree_queryset():
    """Rubrics with the whole tree prefetched: a fixed number of queries for any size."""
    criteria = Criterion.objects.prefetch_related("unit_links__unit")
    sections = Section.objects.annotate(criteria_count=Count("indicators__criteria"))
    return Rubric.objects.prefetch_related(
        Prefetch("sections", queryset=sections),
        "sections__indicators",
        Prefetch("sections__indicators__criteria", queryset=criteria),
    )


@api_view(["GET"])
def rubric_detail(request):
    """The standard as a tree; `?version=` picks a version, default the newest."""
    rubrics = rubric_tree_queryset()
    version = request.query_params.get("version")
    if version:
        rubric = get_object_or_404(rubrics, version=version)
    else:
        rubric = rubrics.order_by("-version", "-id").first()
        if rubric is None:
            return Response({"detail": "尚未导入评估标准。"}, status=404)
    return Response(RubricSerializer(rubric).data)
