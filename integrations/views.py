"""/api/v1/, reading. Every queryset starts from `assessment.scoping`, so a system sees what its service account
would see on the pages; lists are paged (`limit` ≤ 500), take `updated_since` and `ordering`, and refuse a
malformed parameter with a 400."""

from django.db.models import DateTimeField, F, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import FileResponse
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assessment.api import ScoredSubmissions, rubric_detail
from assessment.models import Criterion, Evidence, Figure, RoundTransition, Transition
from assessment.scoping import (
    get_evidence_for_user,
    get_export_job_for_user,
    results_visible,
    round_for_user,
    rounds_for_user,
    submissions_for_user,
    towns_for_user,
    visible_results,
)
from integrations import schema
from integrations.errors import Conflict
from integrations.models import Event
from integrations.params import StrictPagination, number, query_datetime, query_id, query_ordering
from integrations.serializers import (
    EventSerializer,
    ExportJobSerializer,
    RoundSerializer,
    SubmissionV1Serializer,
    TownResultV1Serializer,
    TownSerializer,
)
from scoring.loader import round_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StrictList(generics.ListAPIView):
    """A scoped list: `changed` is the queryset's "last changed" expression, `orderings` what ?ordering= takes."""

    pagination_class = StrictPagination
    filter_backends = []
    orderings = {"id": "id"}
    default_ordering = ("id",)

    def filter_queryset(self, queryset):
        since = query_datetime(self.request, "updated_since")
        queryset = queryset.annotate(changed=self.changed())
        if since is not None:
            queryset = queryset.filter(changed__gt=since)
        return self.narrow(queryset).order_by(*query_ordering(self.request, self.orderings, self.default_ordering))

    def narrow(self, queryset):
        return queryset


@schema.list_view(schema.ROUNDS, schema.ROUND_PARAMS, "年度考评列表")
class RoundList(StrictList):
    serializer_class = RoundSerializer
    orderings = {"id": "id", "opens_on": "opens_on", "updated_at": "changed"}

    def get_queryset(self):
        return rounds_for_user(self.request.user)

    def changed(self):
        last = RoundTransition.objects.filter(round=OuterRef("pk")).order_by().values("round")
        last = last.annotate(at=Max("at")).values("at")
        return Greatest(F("created_at"), Coalesce(Subquery(last, output_field=DateTimeField()), F("created_at")))


@schema.list_view(schema.TOWNS, schema.TOWN_PARAMS, "街镇列表（含行政区划代码）")
class TownList(StrictList):
    serializer_class = TownSerializer
    orderings = {"id": "id", "code": "code", "order": "order", "updated_at": "changed"}
    default_ordering = ("district", "order", "id")

    def get_queryset(self):
        return towns_for_user(self.request.user)

    def changed(self):
        return F("updated_at")


def _latest(queryset, key):
    return Subquery(queryset.order_by().values(key).annotate(last=Max("history_date")).values("last"),
                    output_field=DateTimeField())


def submission_changed():
    """When an item last changed as the API shows it: the row itself, its evidence (added or removed) or a figure
    it reads (from any item of the town), taken from the history each of them keeps."""
    evidence = _latest(Evidence.history.model.objects.filter(submission_id=OuterRef("pk")), "submission_id")
    metrics = Criterion.metrics.through.objects.filter(criterion_id=OuterRef(OuterRef("criterion_id")))
    figures = _latest(Figure.history.model.objects.filter(
        round_id=OuterRef("round_id"), town_id=OuterRef("town_id"), metric_id__in=metrics.values("metric_id"),
    ), "town_id")
    return Greatest(F("updated_at"), Coalesce(evidence, F("updated_at")), Coalesce(figures, F("updated_at")))


class SubmissionsV1(ScoredSubmissions):
    """Items with what their serializer needs, in a fixed number of queries per page."""

    serializer_class = SubmissionV1Serializer

    def get_queryset(self):
        history = Prefetch("transitions", queryset=Transition.objects.order_by("at", "id"))
        return (submissions_for_user(self.request.user).select_related("round", "town", "criterion", "review")
                .prefetch_related("criterion__metrics", "evidence", history))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "figures": getattr(self, "_figures", {})}

    def get_serializer(self, instance=None, *args, **kwargs):
        items = list(instance) if kwargs.get("many") else [instance] if instance is not None else []
        self._figures = figures_of(items)
        return super().get_serializer(items if kwargs.get("many") else instance, *args, **kwargs)


def figures_of(items):
    """(round id, town id) → {metric id: Figure} for the towns of these items: one query."""
    pairs = {(item.round_id, item.town_id) for item in items}
    if not pairs:
        return {}
    condition = Q()
    for round_id, town_id in pairs:
        condition |= Q(round_id=round_id, town_id=town_id)
    stored = {}
    for figure in Figure.objects.filter(condition):
        stored.setdefault((figure.round_id, figure.town_id), {})[figure.metric_id] = figure
    return stored


@schema.list_view(schema.SUBMISSIONS, schema.SUBMISSION_PARAMS, "填报列表：指标数据、佐证材料、完成时间、期限状态、流转记录")
class SubmissionList(SubmissionsV1, StrictList):
    orderings = {"id": "id", "updated_at": "changed", "town": "town__order", "criterion": "criterion__order"}

    def changed(self):
        return submission_changed()

    def narrow(self, queryset):
        request = self.request
        for name, field in (("round", "round_id"), ("town", "town_id")):
            value = query_id(request, name)
            if value is not None:
                queryset = queryset.filter(**{field: value})
        for name, field, check in (("status", "status", schema.check_status), ("criterion", "criterion__code",
                                   schema.check_criterion), ("town_code", "town__code", schema.check_town_code)):
            value = request.query_params.get(name)
            if value is not None:
                queryset = queryset.filter(**{field: check(value)})
        return queryset


@schema.detail_view("一个填报（范围外为 404）")
class SubmissionDetail(SubmissionsV1, generics.RetrieveAPIView):
    pass


@schema.results_view
@api_view(["GET"])
def results_list(request):
    """Per-town results of a round, visible as `scoping.results_visible` decides; each row carries the town code."""
    round_id = query_id(request, "round")
    round_ = round_for_user(request.user, round_id)
    if round_ is None or not results_visible(request.user, round_):
        raise NotFound("没有可查看的考评结果。")
    rows = visible_results(request.user, round_, round_results(round_))
    codes = dict(towns_for_user(request.user).values_list("id", "code"))
    data = TownResultV1Serializer(rows, many=True, context={"codes": codes}).data
    return Response(data)


@schema.events_view
@api_view(["GET"])
def event_list(request):
    """What happened after event `after`, oldest first, in the caller's scope."""
    raw_after = request.query_params.get("after")
    after = 0 if raw_after is None else number(raw_after, "after", minimum=0, maximum=2**63 - 1)
    raw_limit = request.query_params.get("limit")
    limit = 100 if raw_limit is None else number(raw_limit, "limit", minimum=1, maximum=500)
    user = request.user
    events = Event.objects.filter(id__gt=after, round__in=rounds_for_user(user)).filter(
        Q(submission__isnull=True) | Q(submission__in=submissions_for_user(user).values("pk"))
    ).select_related("submission__criterion").order_by("id")[:limit]
    rows = EventSerializer(events, many=True).data
    return Response({"results": rows, "last_id": rows[-1]["id"] if rows else after})


@schema.rubric_view
@api_view(["GET"])
def rubric(request):
    schema.check_version(request)
    return rubric_detail(request._request)


@schema.evidence_download_view
@api_view(["GET"])
def evidence_download(request, pk):
    """The file, after the same scope check as the pages' download."""
    evidence = get_evidence_for_user(request.user, pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@schema.export_job_view
@api_view(["GET"])
def export_job(request, pk):
    return Response(ExportJobSerializer(get_export_job_for_user(request.user, pk)).data)


@schema.export_download_view
@api_view(["GET"])
def export_download(request, pk):
    job = get_export_job_for_user(request.user, pk)
    if job.status != job.Status.DONE:
        raise Conflict("工作簿尚未生成完成，请稍后再试。")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)

