"""A town official's 待办: what the town owes this round, what comes next, and the counts on the checklist's cards.

Who owes an item is `User.can_fill`; its deadline state is the engine's (`scoring.loader.outcomes_for`), which the
items must carry as `item.outcome`. The checklist's filters are GET parameters, validated here, so an item page can
carry them back to the checklist.
"""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from assessment.models import Submission
from scoring.engine import DeadlineState

Status = Submission.Status

UNTOUCHED = "untouched"  # a draft nobody has saved yet: 未填报
# The checklist's 状态 filter: like the status column, an untouched draft is 未填报, not 草稿.
STATUS_FILTERS = (
    (UNTOUCHED, _("未填报")), (Status.DRAFT, _("草稿")), (Status.RETURNED, _("已退回")),
    (Status.SUBMITTED, _("已提交")), (Status.SCORED, _("已评分")),
)
DEADLINE_FILTERS = ((DeadlineState.OVERDUE.value, _("已逾期")), (DeadlineState.DUE_SOON.value, _("即将到期")))

# The next thing to do first; each owed item sits in the first group that applies to it.
TODO_GROUPS = (
    ("returned", _("已退回：请按退回原因修改后重新提交")),
    ("overdue", _("已逾期：已过完成时间，尚未提交")),
    ("due_soon", _("即将到期")),
    ("draft", _("草稿：已填写，尚未提交")),
    ("untouched", _("未填报")),
    ("done", _("已提交，等待评审或已评分")),
)
TODO_ORDER = [key for key, _label in TODO_GROUPS]


def status_key(item):
    """The item's status as the checklist shows and filters it: 未填报 for an untouched draft."""
    return UNTOUCHED if item.status == Status.DRAFT and not item.started else item.status


def todo_state(item):
    if item.status == Status.RETURNED:
        return "returned"
    if item.status in Status.WITH_REVIEWER:
        return "done"
    if item.outcome.state == DeadlineState.OVERDUE:
        return "overdue"
    if item.outcome.state == DeadlineState.DUE_SOON:
        return "due_soon"
    return "draft" if item.started else "untouched"


def valid_status(raw):
    return raw if raw in dict(STATUS_FILTERS) else ""


def valid_deadline(raw):
    return raw if raw in dict(DEADLINE_FILTERS) else ""


def filter_status(items, status):
    """A queryset of submissions narrowed to one `STATUS_FILTERS` value (unknown values: unchanged)."""
    if status == UNTOUCHED:
        return items.filter(status=Status.DRAFT, started=False)
    if status == Status.DRAFT:
        return items.filter(status=Status.DRAFT, started=True)
    if status in Status.values:
        return items.filter(status=status)
    return items


def _matches(item, town_id, status, deadline):
    return ((town_id is None or item.town_id == town_id) and (not status or status_key(item) == status)
            and (not deadline or item.outcome.state.value == deadline))


def counts(owed):
    """The cards: 未填报, 草稿, 已退回 by status and 即将到期, 已逾期 by deadline, of the items the town owes."""
    keys = [status_key(item) for item in owed]
    states = [item.outcome.state for item in owed]
    return {
        "untouched": keys.count(UNTOUCHED), "draft": keys.count(Status.DRAFT), "returned": keys.count(Status.RETURNED),
        "due_soon": states.count(DeadlineState.DUE_SOON), "overdue": states.count(DeadlineState.OVERDUE),
    }


def town_checklist(user, items, *, town_id=None, status="", deadline=""):
    """Split a town's items (with `outcome`) into what `user` owes, next thing first, and what departments answer.

    The cards count every owed item whatever the filters; the filters narrow the lists. The departments' items are
    listed only without a status or deadline filter: they are never the town's to-do.
    """
    owed, others = [], []
    for item in items:
        (owed if user.can_fill(item) else others).append(item)
    for item in owed:
        item.todo = todo_state(item)
    shown = sorted((i for i in owed if _matches(i, town_id, status, deadline)), key=lambda i: TODO_ORDER.index(i.todo))
    groups = [(key, label, [i for i in shown if i.todo == key]) for key, label in TODO_GROUPS]
    return {
        "owed": owed,
        "cards": counts(owed),
        "groups": [group for group in groups if group[2]],
        "shown_count": len(shown),
        "next_item": next((i for i in sorted(owed, key=lambda i: TODO_ORDER.index(i.todo)) if i.todo != "done"), None),
        "others": [i for i in others if _matches(i, town_id, "", "")] if not (status or deadline) else [],
        "others_total": len(others),
    }


CHECKLIST_IDS = ("round", "town", "criterion", "page")


def checklist_query(params):
    """The checklist's filters among `params` (a QueryDict), the valid ones only, as a query string.

    Item links carry it, and the item page's "← 返回填报清单" and its redirects keep it, so filters survive a visit.
    """
    kept = QueryDict(mutable=True)
    for key in CHECKLIST_IDS:
        value = params.get(key, "")
        if value.isascii() and value.isdigit() and len(value) <= 10:
            kept[key] = value
    if valid_status(params.get("status")):
        kept["status"] = params["status"]
    if valid_deadline(params.get("deadline")):
        kept["deadline"] = params["deadline"]
    return kept.urlencode()
