"""REST API. Every view requires a logged-in user (the DRF default) and reads
through `assessment.scoping`, so a town sees only its own data here too."""

import django_filters
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assessment.models import Criterion, Round, Rubric, Section, Submission
from assessment.result_views import results_visible, visible_results
from assessment.rounds import current_round, rounds_for_user
from assessment.scoping import submissions_for_user
from assessment.serializers import RoundSerializer, RubricSerializer, SubmissionSerializer, TownResultSerializer


def rubric_tree_queryset():
    """Rubrics with the whole tree prefetched: a fixed number of queries for any size."""
    criteria = Criterion.objects.prefetch_related("unit_links__unit")
    sections = Section.objects.annotate(criteria_count=Count("indicators__criteria"))
    return Rubric.objects.prefetch_related(
        Prefetch("sections", queryset=sections),
        "sections__indicators",
        Prefetch("sections__indicators__criteria", queryset=criteria),
    )


@extend_schema(responses=RubricSerializer)
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


class RoundList(generics.ListAPIView):
    serializer_class = RoundSerializer
    queryset = Round.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return rounds_for_user(self.request.user)


class SubmissionFilter(django_filters.FilterSet):
    criterion = django_filters.CharFilter(field_name="criterion__code")

    class Meta:
        model = Submission
        fields = ["round", "town", "status", "criterion"]


class SubmissionList(generics.ListAPIView):
    """Submissions in the user's scope, filterable by round, town, status and criterion code."""

    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return submissions_for_user(self.request.user).select_related("town", "criterion", "review").order_by("id")


class SubmissionDetail(generics.RetrieveAPIView):
    serializer_class = SubmissionSerializer

    def get_queryset(self):
        return submissions_for_user(self.request.user).select_related("town", "criterion", "review")


@extend_schema(responses=TownResultSerializer(many=True))
@api_view(["GET"])
def results_list(request):
    """A round's results (`?round=`, default the newest): readers see all towns, a town only itself once published."""
    round_ = current_round(request.user, request.query_params.get("round"))
    if round_ is None or not results_visible(request.user, round_):
        raise NotFound("没有可查看的考评结果。")
    return Response(TownResultSerializer(visible_results(request.user, round_), many=True).data)
