import functools

import django_filters
from django.utils.translation import gettext_lazy as _

from assessment.models import Criterion, Submission, Town


class QueueFilter(django_filters.FilterSet):
    """Filters of the review queue; the choices come from the round being reviewed."""

    town = django_filters.ChoiceFilter(label=_("街镇"), empty_label=_("全部街镇"))
    section = django_filters.ChoiceFilter(
        field_name="criterion__indicator__section", label=_("一类指标"), empty_label=_("全部一类指标"),
    )
    criterion = django_filters.ChoiceFilter(field_name="criterion__code", label=_("考察点"), empty_label=_("全部考察点"))
    status = django_filters.ChoiceFilter(choices=Submission.Status.choices, label=_("状态"), empty_label=_("全部状态"))

    class Meta:
        model = Submission
        fields = ["town", "section", "criterion", "status"]

    def __init__(self, data=None, *args, round_, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Each list of choices is read once, and only when a choice is checked or the form is drawn: the review
        # page, which shares the queue's filter for 上一项/下一项, reads none unless the query string needs one.
        towns = functools.cache(lambda: list(Town.objects.filter(district_id=round_.district_id)))
        self.filters["town"].extra["choices"] = lambda: [(str(town.pk), town.name) for town in towns()]
        # Sections and criteria come from one query.
        criteria = functools.cache(lambda: _criteria(round_.rubric_id))
        self.filters["section"].extra["choices"] = lambda: _section_choices(criteria())
        self.filters["criterion"].extra["choices"] = lambda: [(c.code, f"{c.code} {c.title}") for c in criteria()]


def _criteria(rubric_id):
    return list(
        Criterion.objects.filter(indicator__section__rubric_id=rubric_id).select_related("indicator__section")
        .order_by("indicator__section__order", "indicator__order", "order", "id")
    )


def _section_choices(criteria):
    sections = {c.indicator.section.pk: c.indicator.section for c in criteria}
    return [(str(pk), str(section)) for pk, section in sections.items()]
