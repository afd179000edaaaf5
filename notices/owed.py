"""Who owes what in a round: the items still to be handed in, the accounts that answer them, and item lists in words.

Who answers an item is `User.can_fill`, asked here of each account; a town or a department without an account is
asked through a stand-in account of that town or department (`stand_in`), so the rule stays in one place.
"""

from collections import defaultdict

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from assessment.accounts import people
from assessment.models import CriterionUnit, Submission, User
from assessment.scoping import reaching

Status = Submission.Status


def open_items(round_):
    """The round's items not handed in (草稿, 已退回), in 附件1 order, with what `can_fill` and `outcomes_for` read."""
    links = CriterionUnit.objects.select_related("unit")
    return (
        Submission.objects.filter(round=round_, status__in=Status.EDITABLE)
        .select_related("round", "town", "criterion")
        .prefetch_related(Prefetch("criterion__unit_links", queryset=links))
        .order_by("criterion__indicator__section__order", "criterion__indicator__order", "criterion__order",
                  "town__order", "town_id")
    )


def fillers(round_):
    """Active accounts that answer items of the round: its district's town officials, and department officials of
    the district, its city or the province."""
    town_officials = Q(role=User.Role.TOWN, town__district_id=round_.district_id)
    departments = Q(role=User.Role.DEPARTMENT, unit__isnull=False) & reaching(round_.district_id)
    return people().filter(town_officials | departments).order_by("id")


def stand_in(*, town=None, unit=None):
    """An unsaved account of a town or a department, to ask `can_fill` for the town or department as such."""
    if town is not None:
        return User(role=User.Role.TOWN, town=town)
    return User(role=User.Role.DEPARTMENT, unit=unit)


class ItemIndex:
    """Items by town and by responsible unit, so each account's items are found without scanning them all."""

    def __init__(self, items):
        self.by_town, self.by_unit = defaultdict(list), defaultdict(list)
        for item in items:
            self.by_town[item.town_id].append(item)
            for link in item.criterion.unit_links.all():
                self.by_unit[link.unit_id].append(item)

    def owed(self, user):
        """The items `user` answers (`User.can_fill`), in the items' order."""
        if user.is_town_official:
            candidates = self.by_town.get(user.town_id, [])
        elif user.is_department_official:
            candidates = self.by_unit.get(user.unit_id, [])
        else:
            candidates = []
        return [item for item in candidates if user.can_fill(item)]


def owed_by(users, items):
    """User → the items among `items` that user answers; users owing nothing are left out."""
    index = ItemIndex(items)
    owed = {}
    for user in users:
        mine = index.owed(user)
        if mine:
            owed[user] = mine
    return owed


def item_lines(items, *, with_towns):
    """One line per criterion, "· 2.3④ 政府投资", followed by its towns when `with_towns` (a department's list)."""
    by_criterion = {}
    for item in items:
        by_criterion.setdefault(item.criterion_id, (item.criterion, []))[1].append(item)
    lines = []
    for criterion, group in by_criterion.values():
        line = f"· {criterion.code} {criterion.title}"
        returned = [item for item in group if item.status == Status.RETURNED]
        if with_towns:
            towns = "、".join(f"{item.town.name}{_('（已退回）') if item.status == Status.RETURNED else ''}"
                             for item in group)
            line += f"：{towns}"
        elif returned:
            line += _("（已退回，请按退回原因修改）")
        lines.append(line)
    return lines

