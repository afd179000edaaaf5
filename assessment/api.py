"""REST API. Every view requires a logged-in user (the DRF default) and reads
through `assessment.scoping`, so a town sees only its own data here too."""

import django_filters
from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assessment.models import Criterion, Round, Rubric, Section, Submission
from assessment.scoping import results_visible, round_for_user, rounds_for_user, submissions_for_user, visible_results
from assessment.serializers import RoundSerializer, RubricSerializer, SubmissionSerializer, TownResultSerializer
from scoring.loader import outcomes_for
from scoring.stored import results_for_round


def rubric_tree_queryset(with_metrics=False):
    """Rubrics with the whole tree prefetched: a fixed number of queries for any size (one more with the metrics
    each criterion reads, which the API lists)."""
    criteria = Criterion.objects.prefetch_related("unit_links__unit", *(["metrics"] if with_metrics else []))
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
    rubrics = rubric_tree_queryset(with_metrics=True)
    version = request.query_params.get("version")
    if version:
        # A NUL cannot be in a stored version, and PostgreSQL refuses it in a query.
        rubric = None if "\x00" in version else rubrics.filter(version=version).first()
        if rubric is None:
            raise NotFound("没有该版本的评估标准。")
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


class ScoredSubmissions:
    """Submissions in the user's scope, each serialized with the engine's outcome where its points may be seen."""

    serializer_class = SubmissionSerializer

    def get_queryset(self):
        return submissions_for_user(self.request.user).select_related("round", "town", "criterion", "review").order_by("id")

    def get_serializer(self, instance=None, *args, **kwargs):
        items = list(instance) if kwargs.get("many") else [instance] if instance is not None else []
        context = kwargs.setdefault("context", self.get_serializer_context())
        context["outcomes"] = outcomes_for(items)
        context["points_shown"] = {item.pk for item in items if results_visible(self.request.user, item.round)}
        return super().get_serializer(items if kwargs.get("many") else instance, *args, **kwargs)


class SubmissionList(ScoredSubmissions, generics.ListAPIView):
    """Submissions in the user's scope, filterable by round, town, status and criterion code."""

    filterset_class = SubmissionFilter


class SubmissionDetail(ScoredSubmissions, generics.RetrieveAPIView):
    pass


@extend_schema(responses=TownResultSerializer(many=True))
@api_view(["GET"])
def results_list(request):
    """A round's results (`?round=`, default the newest): readers see all towns, a town only itself once published."""
    round_ = round_for_user(request.user, request.query_params.get("round"))
    if round_ is None or not results_visible(request.user, round_):
        raise NotFound("没有可查看的考评结果。")
    rows = visible_results(request.user, round_, results_for_round(round_))
    return Response(TownResultSerializer(rows, many=True).data)
