"""Parts of a co-owned item (填报部分): each 责任单位 writes its own, the lead unit submits the item.

An item is co-owned when its criterion names more than one 责任单位. The lead unit (牵头单位) is the town when a
town-level unit is named, otherwise the first unit printed; its answer is the item itself (说明, figures,
evidence). Every other unit with an active account owes a part before the lead unit submits, unless the lead
unit explains why it submits without it (`missing_note`, kept in the transition's comment).

Reads `criterion.unit_links` with their units, which callers prefetch.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.accounts import people
from assessment.models import Part, ResponsibleUnit, User


def links(criterion):
    return list(criterion.unit_links.all())


def _prefetch(submission):
    """Load the criterion's unit links with their units once, for a row read with `services._lock`."""
    if "unit_links" not in getattr(submission.criterion, "_prefetched_objects_cache", {}):
        prefetch_related_objects([submission.criterion], "unit_links__unit")


def is_co_owned(criterion):
    return len(links(criterion)) > 1


def lead_unit(criterion):
    """The town-level unit when one is named, otherwise the first unit printed; None without units."""
    units = [link.unit for link in links(criterion)]
    town_level = [u for u in units if u.level == ResponsibleUnit.Level.TOWN]
    return (town_level or units or [None])[0]


def unit_of(user, submission):
    """The 责任单位 the user answers this item for, or None."""
    if not user.can_fill(submission):
        return None
    units = [link.unit for link in links(submission.criterion)]
    if user.is_town_official:
        return next(u for u in units if u.level == ResponsibleUnit.Level.TOWN)
    return next(u for u in units if u.id == user.unit_id)


def main_answer_refusal(submission, user):
    """On a co-owned item only the lead unit writes the item's own narrative, date and figures; the other units
    write their part (unless the lead unit has no active account). None when this user may write them."""
    _prefetch(submission)
    if not is_co_owned(submission.criterion):
        return None
    lead = lead_unit(submission.criterion)
    # A lead unit without any active account cannot answer: then any co-owner may write the item's answer.
    if unit_of(user, submission) == lead or lead.id not in staffed_units(submission):
        return None
    return _("该考察点的说明和数据由牵头单位（%(lead)s）填写，贵单位请填写下方“本单位填报部分”。") % {"lead": lead.name}


def may_remove_evidence(user, evidence):
    """A unit removes only the evidence its own people uploaded (on an item with a single unit, that is everyone who
    may fill it). An uploader whose account is gone counts as no unit's."""
    submission = evidence.submission
    _prefetch(submission)
    if not is_co_owned(submission.criterion):
        return True
    uploader = evidence.uploaded_by
    return uploader is not None and unit_of(uploader, submission) == unit_of(user, submission)


def staffed_units(submission):
    """Ids of the item's units with an active account: the town's officials, or a department's. One query."""
    units = [link.unit for link in links(submission.criterion)]
    town_level = [u.id for u in units if u.level == ResponsibleUnit.Level.TOWN]
    accounts = people().filter(
        Q(role=User.Role.TOWN, town_id=submission.town_id) | Q(role=User.Role.DEPARTMENT, unit__in=units)
    )
    staffed = set()
    for role, unit_id in accounts.values_list("role", "unit_id").distinct():
        if role == User.Role.TOWN:
            staffed.update(town_level)
        else:
            staffed.add(unit_id)
    return staffed


def owed_units(submission):
    """The units (other than the lead) with an active account whose part is still empty, in printed order."""
    if not is_co_owned(submission.criterion):
        return []
    lead = lead_unit(submission.criterion)
    given = set(
        Part.objects.filter(submission_id=submission.pk).exclude(narrative="").values_list("unit_id", flat=True)
    )
    staffed = staffed_units(submission)
    return [
        link.unit for link in links(submission.criterion)
        if link.unit != lead and link.unit_id in staffed and link.unit_id not in given
    ]


def submit_check(submission, user, missing_note=""):
    """For `services.submit` (inside its transaction): refuse a non-lead unit, or parts still owed without a note.

    Returns the comment to keep with the transition ("" when nothing is owed).
    """
    from assessment.services import ServiceError

    _prefetch(submission)
    if not is_co_owned(submission.criterion):
        return ""
    lead = lead_unit(submission.criterion)
    if unit_of(user, submission) != lead:
        raise ServiceError(_("该考察点由牵头单位（%(lead)s）提交。") % {"lead": lead.name})
    owed = owed_units(submission)
    if not owed:
        return ""
    names = "、".join(unit.name for unit in owed)
    if not missing_note.strip():
        raise ServiceError(
            _("以下责任单位尚未填写其填报部分：%(units)s。请待其填写，或说明原因后再提交。") % {"units": names}
        )
    return _("提交时尚未填写的填报部分：%(units)s。说明：%(note)s") % {"units": names, "note": missing_note.strip()}


@transaction.atomic
def save_part(submission, *, user, narrative, version, note="", unit=None):
    """Save the user's unit's part of a co-owned item; refuse another unit's part and a stale `version`.

    `unit` is the unit whose part the form showed; it must be the user's own.
    """
    from assessment.services import ServiceError, _lock, _save_as, edit_refusal

    locked = _lock(submission)
    _prefetch(locked)
    if not is_co_owned(locked.criterion):
        raise ServiceError(_("该考察点只有一个责任单位，没有分单位填报部分。"))
    own = unit_of(user, locked)
    if own is None:
        raise ServiceError(_("您不是该考察点的责任单位，不能填写填报部分。"))
    if unit is not None and unit != own:
        raise ServiceError(_("不能修改其他单位（%(unit)s）的填报部分，只能填写本单位（%(own)s）的部分。") % {
            "unit": unit.name, "own": own.name})
    refusal = edit_refusal(locked, user)
    if refusal:
        raise ServiceError(refusal)
    part, _created = Part.objects.select_for_update(of=("self",)).select_related("updated_by").get_or_create(
        submission=locked, unit=own
    )
    if part.version != version:
        who = part.updated_by.display_name if part.updated_by else _("他人")
        when = timezone.localtime(part.updated_at).strftime("%H:%M")
        raise ServiceError(
            _("本单位的填报部分已被 %(who)s 于 %(when)s 修改，您的内容尚未保存。请刷新核对后再保存。") % {
                "who": who, "when": when}
        )
    part.narrative, part.note = narrative.strip(), note.strip()
    part.updated_by = user
    part.version += 1
    return _save_as(part, user)


def part_rows(submission, user, unit_input_rows=None, editable=True):
    """Rows for the item page: each unit's part, whether it is the lead, owed, and editable by this user. One query.

    `unit_input_rows` (from `assessment.rounds.unit_input`) tell which units have no account (None).
    """
    if not is_co_owned(submission.criterion):
        return []
    parts = {part.unit_id: part for part in Part.objects.filter(submission_id=submission.pk).select_related("updated_by")}
    no_account = {name for name, given in (unit_input_rows or []) if given is None}
    lead = lead_unit(submission.criterion)
    own = unit_of(user, submission) if editable else None
    rows = []
    for link in links(submission.criterion):
        part = parts.get(link.unit_id)
        is_lead = link.unit == lead
        rows.append({
            "unit": link.unit, "part": part, "lead": is_lead, "version": part.version if part else 0,
            "owed": not is_lead and link.unit.name not in no_account and not (part and part.narrative),
            "no_account": link.unit.name in no_account, "editable": own is not None and link.unit == own,
        })
    return rows


@login_required
@require_POST
def part_save(request, pk):
    """POST /items/<id>/part/: save the user's unit's part, then back to the item page."""
    from assessment.scoping import get_submission_for_user
    from assessment.services import ServiceError
    from assessment.views import _posted_version, _to_item

    submission = get_submission_for_user(request.user, pk)
    unit = None
    raw = request.POST.get("unit", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 10:
        unit = ResponsibleUnit.objects.filter(pk=int(raw)).first()
    try:
        save_part(submission, user=request.user, narrative=request.POST.get("part_narrative", ""),
                  note=request.POST.get("part_note", ""), version=_posted_version(request), unit=unit)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("本单位的填报部分已保存。"))
    return _to_item(request, submission.pk)
