"""What /api/v1/ answers. Submissions extend the portal's serializer, so points follow the same visibility rule."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.models import Evidence, ExportJob, Round, Town, Transition
from assessment.serializers import SubmissionSerializer, TownResultSerializer
from integrations.models import Event


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的错误代码，如 not_found、invalid、throttled")
    detail = serializers.CharField(help_text="中文说明")


class TownSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text="国家统计局统计用区划代码（12 位）")

    class Meta:
        model = Town
        fields = ["id", "name", "kind", "code", "district", "updated_at"]


class RoundSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    results_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = Round
        fields = ["id", "name", "district", "state", "state_label", "opens_on", "closes_on", "pass_mark",
                  "late_policy", "results_published", "created_at"]


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="单位")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    version = serializers.IntegerField(allow_null=True, help_text="写入时放在 figures[].version 中；未填报时为 null")


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "description", "kind", "size", "sha256", "uploaded_at", "download"]

    @extend_schema_field(serializers.CharField())
    def get_download(self, evidence):
        return reverse("api-v1-evidence-download", args=[evidence.pk])


class HistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Transition
        fields = ["from_status", "to_status", "at", "comment"]


class SubmissionV1Serializer(SubmissionSerializer):
    """One item with its figures (context "figures": (round id, town id) → {metric id: Figure}), evidence,
    deadline and status history."""

    town_id = serializers.IntegerField()
    town_code = serializers.CharField(source="town.code")
    deadline = serializers.SerializerMethodField(help_text="完成时间（年-月）")
    extended_to = serializers.SerializerMethodField(help_text="批准延期至（若有）")
    figures = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    history = HistorySerializer(many=True, source="transitions")

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "town_id", "town_code", "version", "updated_at",
                  "figures_changed", "deadline", "extended_to", "figures", "evidence", "history"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_deadline(self, submission):
        outcome = self._outcome(submission)
        return f"{outcome.deadline.year:04d}-{outcome.deadline.month:02d}" if outcome else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_extended_to(self, submission):
        outcome = self._outcome(submission)
        return outcome.extended_to.isoformat() if outcome and outcome.extended_to else None

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, submission):
        stored = self.context.get("figures", {}).get((submission.round_id, submission.town_id), {})
        rows = []
        for metric in submission.criterion.metrics.all():
            figure = stored.get(metric.pk)
            rows.append({"code": metric.code, "label": metric.label, "unit": metric.unit,
                         "value": figure.value if figure else None, "version": figure.version if figure else None})
        return FigureSerializer(rows, many=True).data


class FigureInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, allow_null=True,
                                     help_text="null 清除该数据")
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True,
                                       help_text="读取时该数据的版本；读取时尚未填报则省略")


class SubmissionPatchSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    completed_on = serializers.DateField(required=False, allow_null=True)
    figures = FigureInputSerializer(many=True, required=False, max_length=100)


class SubmitSerializer(serializers.Serializer):
    missing_note = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                         help_text="牵头单位提交时说明缺少的部分")


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(max_length=200)


class TownResultV1Serializer(TownResultSerializer):
    """A town's result with its code (context "codes": town id → 行政区划代码)."""

    town_code = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_town_code(self, row):
        return self.context.get("codes", {}).get(row.town_id, "")


class ExportJobSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "round", "town", "status", "done", "total", "filename", "error", "created_at",
                  "finished_at", "download"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, job):
        return reverse("api-v1-export-download", args=[job.pk]) if job.status == ExportJob.Status.DONE else None


class EventSerializer(serializers.ModelSerializer):
    town_id = serializers.IntegerField(source="submission.town_id", allow_null=True, default=None)
    criterion = serializers.CharField(source="submission.criterion.code", allow_null=True, default=None)

    class Meta:
        model = Event
        fields = ["id", "kind", "at", "round", "submission", "town_id", "criterion", "detail"]
