from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.models import Criterion, Indicator, Round, Rubric, Section, Submission
from scoring.engine import describe_rule, rule_from_dict


class FigureSpecSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    unit = serializers.CharField()


class CriterionSerializer(serializers.ModelSerializer):
    responsible_units = serializers.SerializerMethodField()
    deadline = serializers.CharField(source="deadline_month")
    figures = FigureSpecSerializer(source="metrics", many=True, read_only=True)
    rule = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = ["code", "title", "content", "points", "responsible_units", "deadline", "deadline_is_span", "figures",
                  "rule"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_responsible_units(self, criterion):
        return [link.unit.name for link in criterion.unit_links.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_rule(self, criterion):
        """The automatic scoring rule in words, one line per condition; null when the reviewer scores directly."""
        try:
            rule = rule_from_dict(criterion.rule)
        except ValueError:
            return None
        if rule is None:
            return None
        return describe_rule(rule, {metric.code: metric.label for metric in criterion.metrics.all()})


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
        fields = ["id", "name", "state", "opens_on", "closes_on", "pass_mark", "late_policy", "results_published"]


POINTS_FIELD = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class SubmissionSerializer(serializers.ModelSerializer):
    """A town's answer with the engine's outcome (context "outcomes": id → outcome).

    Points are given only for the ids in context "points_shown" (where the results page would show them);
    elsewhere they are null.
    """

    town = serializers.CharField(source="town.name")
    criterion = serializers.CharField(source="criterion.code")
    criterion_title = serializers.CharField(source="criterion.title")
    status_label = serializers.CharField(source="get_status_display")
    deadline_state = serializers.SerializerMethodField()
    awarded_points = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "round", "town", "criterion", "criterion_title", "status", "status_label", "narrative",
                  "completed_on", "submitted_at", "return_reason", "deadline_state", "awarded_points", "points"]

    def _outcome(self, submission):
        return self.context.get("outcomes", {}).get(submission.pk)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_deadline_state(self, submission):
        outcome = self._outcome(submission)
        return outcome.state.value if outcome else None

    def _points(self, submission, attribute):
        outcome = self._outcome(submission)
        if outcome is None or submission.pk not in self.context.get("points_shown", ()):
            return None
        value = getattr(outcome, attribute)
        return None if value is None else str(value)

    @extend_schema_field(POINTS_FIELD)
    def get_awarded_points(self, submission):
        """The reviewer's points before the late policy."""
        return self._points(submission, "awarded")

    @extend_schema_field(POINTS_FIELD)
    def get_points(self, submission):
        """The points that count toward the town's total, after the round's late policy."""
        return self._points(submission, "kept")


class TownResultSerializer(serializers.Serializer):
    town_id = serializers.IntegerField()
    town_name = serializers.CharField()
    sections = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=1))
    total = serializers.DecimalField(max_digits=5, decimal_places=1)
    rank = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)
    overdue = serializers.IntegerField()
    late = serializers.IntegerField()
    scored = serializers.IntegerField()
    final = serializers.BooleanField()
