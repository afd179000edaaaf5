from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.models import Criterion, Indicator, Round, Rubric, Section, Submission


class CriterionSerializer(serializers.ModelSerializer):
    responsible_units = serializers.SerializerMethodField()
    deadline = serializers.CharField(source="deadline_month")

    class Meta:
        model = Criterion
        fields = ["code", "title", "content", "points", "responsible_units", "deadline", "deadline_is_span"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_responsible_units(self, criterion):
        return [link.unit.name for link in criterion.unit_links.all()]


class IndicatorSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = Indicator
        fields = ["code", "title", "points", "criteria"]


class SectionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True)

    class Meta:
        model = Section
        fields = ["code", "title", "points", "indicators"]


class RubricSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True)

    class Meta:
        model = Rubric
        fields = ["title", "total_points", "sections"]


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "name", "opens_on", "closes_on", "pass_mark", "late_policy", "results_published"]


class SubmissionSerializer(serializers.ModelSerializer):
    """A town's answer; the score only once it is scored."""

    town = serializers.CharField(source="town.name")
    criterion = serializers.CharField(source="criterion.code")
    criterion_title = serializers.CharField(source="criterion.title")
    status_label = serializers.CharField(source="get_status_display")
    points = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "round", "town", "criterion", "criterion_title", "status", "status_label", "narrative",
                  "completed_on", "submitted_at", "return_reason", "points"]

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True))
    def get_points(self, submission):
        review = getattr(submission, "review", None) if submission.status == Submission.Status.SCORED else None
        return None if review is None else str(review.points)


class TownResultSerializer(serializers.Serializer):
    town_id = serializers.IntegerField()
    town_name = serializers.CharField()
    sections = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=1))
    total = serializers.DecimalField(max_digits=5, decimal_places=1)
    rank = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)
    overdue = serializers.IntegerField()
    scored = serializers.IntegerField()
