"""配置检查: before a round opens, whether every item of every town has someone to answer it.

An item (criterion × town) is answered by whoever `User.can_fill` lets fill it: the town's active officials
when one of its 责任单位 is a town-level unit (各街镇 …), and the active department officials bound to any of
its 责任单位. A department official bound to a district answers only that district's towns; one bound to no
district (a city-level account) answers every district's.

`findings` reads four tables in four queries (five when it looks up the rubric itself), whatever the number of
towns, criteria and accounts, and changes nothing.
"""

from typing import NamedTuple

from django.db.models import Prefetch, Q

from assessment.accounts import people
from assessment.models import Criterion, CriterionUnit, ResponsibleUnit, Rubric, Town, User
from assessment.scoping import reaching


class Findings(NamedTuple):
    unanswered: list  # (criterion, town) pairs no active account can fill, in the standard's order, then the towns'
    idle_units: list  # district-level 责任单位 named by the rubric that have no active account
    towns_without_officials: list  # towns of the district with no active town official

    @property
    def ok(self):
        return not (self.unanswered or self.idle_units or self.towns_without_officials)


def current_rubric():
    """The standard in force: the newest version (as the 评估标准 page shows it)."""
    return Rubric.objects.order_by("-version", "-id").first()


def findings(district, rubric=None):
    """What `district`'s accounts leave uncovered under `rubric` (default: the newest one)."""
    rubric = rubric or current_rubric()
    towns = list(Town.objects.filter(district=district).order_by("order", "name"))
    criteria = _criteria(rubric)
    staffed_towns, staffed_units = _active_fillers(district)

    unanswered, idle_units, seen_units = [], [], set()
    for criterion in criteria:
        units = [link.unit for link in criterion.unit_links.all()]
        for unit in units:
            if unit.level == ResponsibleUnit.Level.DISTRICT and unit.id not in staffed_units and unit.id not in seen_units:
                idle_units.append(unit)
            seen_units.add(unit.id)
        if any(unit.id in staffed_units for unit in units):
            continue  # a department answers it for every town
        by_towns = any(unit.level == ResponsibleUnit.Level.TOWN for unit in units)
        unanswered.extend((criterion, town) for town in towns if not (by_towns and town.id in staffed_towns))
    towns_without_officials = [town for town in towns if town.id not in staffed_towns]
    return Findings(unanswered, idle_units, towns_without_officials)


def by_criterion(unanswered):
    """[(criterion, [towns])] from `Findings.unanswered`, keeping its order: one line per criterion on the page."""
    groups = {}
    for criterion, town in unanswered:
        groups.setdefault(criterion.id, (criterion, []))[1].append(town)
    return list(groups.values())


def _criteria(rubric):
    if rubric is None:
        return []
    links = CriterionUnit.objects.select_related("unit").order_by("order", "id")
    return list(
        Criterion.objects.filter(indicator__section__rubric=rubric)
        .select_related("indicator__section")
        .prefetch_related(Prefetch("unit_links", queryset=links))
        .order_by("indicator__section__order", "indicator__order", "order", "id")
    )


def _active_fillers(district):
    """Ids of the district's towns that have an active official, and of the units with an active department official
    who may answer for this district."""
    accounts = people().filter(
        Q(role=User.Role.TOWN, town__district=district)
        | Q(role=User.Role.DEPARTMENT, unit__isnull=False) & reaching(district.pk)
    )
    staffed_towns, staffed_units = set(), set()
    for role, town_id, unit_id in accounts.values_list("role", "town_id", "unit_id"):
        if role == User.Role.TOWN:
            staffed_towns.add(town_id)
        else:
            staffed_units.add(unit_id)
    return staffed_towns, staffed_units
