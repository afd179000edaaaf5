from rest_framework import serializers

from assessment.models import Criterion, Indicator, Rubric, Section


class CriterionSerializer(serializers.ModelSerializer):
    responsible_units = serializers.SerializerMethodField()
    deadline = serializers.CharField(source="deadline_month")

    class Meta:
        model = Criterion
        fields = ["code", "title", "content", "points", "responsible_units", "deadline", "deadline_is_span"]

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
