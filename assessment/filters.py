import django_filters
from django.utils.translation import gettext_lazy as _

from assessment.models import Section, Submission, Town


class QueueFilter(django_filters.FilterSet):
    """Filters of the review queue; the choices come from the round being reviewed."""

    town = django_filters.ModelChoiceFilter(queryset=Town.objects.none(), label=_("街镇"), empty_label=_("全部街镇"))
    section = django_filters.ModelChoiceFilter(
        field_name="criterion__indicator__section", queryset=Section.objects.none(), label=_("一类指标"),
        empty_label=_("全部一类指标"),
    )
    status = django_filters.ChoiceFilter(choices=Submission.Status.choices, label=_("状态"), empty_label=_("全部状态"))

    class Meta:
        model = Submission
        fields = ["town", "section", "status"]

    def __init__(self, data=None, *args, round_, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["town"].queryset = Town.objects.filter(district_id=round_.district_id)
        self.filters["section"].queryset = Section.objects.filter(rubric_id=round_.rubric_id)
