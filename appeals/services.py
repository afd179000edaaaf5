"""Every write of 延期申请 and 复核申请. Each runs in one transaction and locks the rows it changes.

A granted extension needs no further write: `scoring.loader` hands its date to the engine as the item's
deadline day. A 复核 that changes a score goes through `_rescore`, which makes the checks of
`assessment.services.score` but is allowed, and only allowed, in a published round.
"""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.models import DEFAULT_APPEAL_DAYS, Appeal, Extension, RoundAppealSettings
from assessment.evidence import check_upload
from assessment.models import Review, Round, RoundDeadline, RoundTransition, Submission
from assessment.services import Conflict, ServiceError, _bump, _checked_proposal, _lock, _save_as, check_points
from scoring import stored


def _now():
    return timezone.now()


def _local(moment):
    return timezone.localtime(moment, timezone.get_default_timezone())


class Stale(ServiceError):
    """Somebody decided the request since the page was opened."""

    def __init__(self, request):
        who = request.decided_by.display_name if request.decided_by else _("他人")
        when = _local(request.decided_at).strftime("%H:%M") if request.decided_at else "—"
        super().__init__(_("该申请已被 %(who)s 于 %(when)s 处理，请刷新页面后查看。") % {"who": who, "when": when})


# --------------------------------------------------------------------------- 延期申请


def deadline_day(submission):
    """The item's deadline day without extensions: the last day of the round's (else the standard's) month."""
    month = (RoundDeadline.objects.filter(round_id=submission.round_id, criterion_id=submission.criterion_id)
             .values_list("deadline", flat=True).first()) or submission.criterion.deadline
    return datetime.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def granted_until(submission):
    """The date of the item's latest granted extension, or None."""
    return (Extension.objects.filter(submission=submission, status=Extension.Status.GRANTED)
            .order_by("-decided_at", "-id").values_list("granted_until", flat=True).first())


def extension_refusal(submission, user):
    """Why this user may not ask for an extension of this item now, or None. Reads no row but the item's."""
    if not user.can_fill(submission):
        return _("您不是该考察点的填报单位，不能申请延期。")
    if submission.round.state not in Round.State.SCORING:
        return _("本轮考评当前为“%(state)s”，不能申请延期。") % {"state": submission.round.get_state_display()}
    return None


def _checked_file(upload):
    try:
        return check_upload(upload)
    except ValidationError as error:
        raise ServiceError("".join(error.messages)) from None


@transaction.atomic
def request_extension(submission, *, user, asked_until, reason, upload=None):
    """A filler of the item asks for a later deadline day, with a reason and optionally a file."""
    locked = _lock(submission)  # one request at a time per item
    refusal = extension_refusal(locked, user)
    if refusal:
        raise ServiceError(refusal)
    if not reason.strip():
        raise ServiceError(_("请填写申请延期的理由。"))
    if Extension.objects.filter(submission=locked, status=Extension.Status.PENDING).exists():
        raise ServiceError(_("该考察点已有待审批的延期申请，请等待审批结果。"))
    current = granted_until(locked) or deadline_day(locked)
    if asked_until is None or asked_until <= current:
        raise ServiceError(_("申请延期的日期应晚于目前的完成时间 %(date)s。") % {"date": current.isoformat()})
    extension = Extension(submission=locked, asked_until=asked_until, reason=reason.strip(), requested_by=user)
    if upload is not None:
        extension.kind, extension.sha256 = _checked_file(upload)
        extension.file, extension.original_name, extension.size = upload, upload.name[:255], upload.size
    extension.save()
    return extension


def _lock_request(model, request):
    return model.objects.select_for_update(of=("self",)).select_related("decided_by").get(pk=request.pk)


@transaction.atomic
def decide_extension(extension, *, user, grant, granted_until=None, note="", version):
    """A reviewer grants the extension with a date (which may differ from the asked one) or refuses it with a reason."""
    if not user.can_review:
        raise ServiceError(_("只有视频办评审员可以审批延期申请。"))
    locked = _lock_request(Extension, extension)
    if locked.version != version or locked.status != Extension.Status.PENDING:
        raise Stale(locked)
    submission = Submission.objects.select_related("round", "criterion").get(pk=locked.submission_id)
    if submission.round.state not in Round.State.SCORING:
        raise ServiceError(_("本轮考评当前为“%(state)s”，不能审批延期申请。") % {
            "state": submission.round.get_state_display()})
    if grant:
        day = deadline_day(submission)
        if granted_until is None or granted_until <= day:
            raise ServiceError(_("批准延期的日期应晚于原完成时间 %(date)s。") % {"date": day.isoformat()})
        locked.status, locked.granted_until = Extension.Status.GRANTED, granted_until
    else:
        if not note.strip():
            raise ServiceError(_("不批准延期须填写理由。"))
        locked.status = Extension.Status.REFUSED
    locked.decision_note, locked.decided_by, locked.decided_at = note.strip(), user, _now()
    locked.version += 1
    locked.save()
    if grant:
        stored.refresh_town(submission)  # the new deadline day may turn a late item on time
    return locked


# --------------------------------------------------------------------------- 复核申请


def appeal_days(round_):
    settings = RoundAppealSettings.objects.filter(round=round_).values_list("appeal_days", flat=True).first()
    return DEFAULT_APPEAL_DAYS if settings is None else settings


def published_at(round_):
    """When the round's results were (last) published: its latest transition to 已公布; None if never."""
    return (RoundTransition.objects.filter(round=round_, to_state=Round.State.PUBLISHED)
            .order_by("-at", "-id").values_list("at", flat=True).first())


def appeal_deadline(round_):
    """The moment the 复核 window closes: `appeal_days` days after publication; None if never published."""
    published = published_at(round_)
    return None if published is None else published + datetime.timedelta(days=appeal_days(round_))


def appeal_refusal(submission, user, now=None):
    """Why this user may not ask for a 复核 of this item now, or None.

    Only a town official, only for their own town's scored items, only while the round is 已公布 and within
    its window after publication, once per item.
    """
    round_ = submission.round
    if not (user.is_town_official and user.town_id == submission.town_id):
        return _("只有本街镇的填报员可以对本街镇的考察点申请复核。")
    if round_.state != Round.State.PUBLISHED:
        return _("本轮考评当前为“%(state)s”，不能申请复核。") % {"state": round_.get_state_display()}
    if submission.status != Submission.Status.SCORED:
        return _("只有已评分的考察点可以申请复核。")
    closes = appeal_deadline(round_)
    if closes is None or (now or _now()) > closes:
        return _("复核申请期已于 %(when)s 结束。") % {"when": _local(closes).strftime("%Y-%m-%d %H:%M") if closes else "—"}
    if Appeal.objects.filter(submission=submission).exists():
        return _("该考察点已申请过复核，每个考察点只能申请一次。")
    return None


@transaction.atomic
def request_appeal(submission, *, user, reason, now=None):
    locked = _lock(submission)
    refusal = appeal_refusal(locked, user, now)
    if refusal:
        raise ServiceError(refusal)
    if not reason.strip():
        raise ServiceError(_("请填写申请复核的理由。"))
    return Appeal.objects.create(submission=locked, reason=reason.strip(), requested_by=user)


@transaction.atomic
def decide_appeal(appeal, *, user, change, reply, version, points=None, submission_version=None):
    """A reviewer keeps the score (with a reply) or changes it (with a reason), while the round is 已公布.

    A change is a score change like any other: the item's `Review` (and its history) and the item's version.
    """
    if not user.can_review:
        raise ServiceError(_("只有视频办评审员可以处理复核申请。"))
    locked = _lock_request(Appeal, appeal)
    if locked.version != version or locked.status != Appeal.Status.PENDING:
        raise Stale(locked)
    if not reply.strip():
        raise ServiceError(_("调整评分须填写理由。") if change else _("维持原评分须填写答复。"))
    submission = _lock(locked.submission)
    if submission.round.state != Round.State.PUBLISHED:
        raise ServiceError(_("本轮考评当前为“%(state)s”，不能处理复核申请。") % {
            "state": submission.round.get_state_display()})
    review = Review.objects.filter(submission=submission).first()
    locked.points_before = review.points if review else None
    if change:
        review = _rescore(submission, review, user=user, points=points, reason=reply.strip(), version=submission_version)
        locked.status = Appeal.Status.CHANGED
    else:
        locked.status = Appeal.Status.KEPT
    locked.points_after = review.points if review else None
    locked.reply, locked.decided_by, locked.decided_at = reply.strip(), user, _now()
    locked.version += 1
    locked.save()
    return locked


def _rescore(locked, review, *, user, points, reason, version):
    """`assessment.services.score`'s checks, for a scored item of a published round; the reason is the comment."""
    if locked.status != Submission.Status.SCORED or review is None:
        raise ServiceError(_("只有已评分的考察点可以复核调整，当前状态：%(status)s。") % {
            "status": locked.get_status_display()})
    if version is not None and locked.version != version:
        raise Conflict(locked)
    if points is None:
        raise ServiceError(_("请填写复核后的得分。"))
    problem = check_points(points, locked.criterion.points)
    if problem:
        raise ServiceError(problem)
    points = points.quantize(Decimal("0.1"))
    if points == review.points:
        raise ServiceError(_("复核后的得分与原得分相同；如不调整，请选择“维持原评分”。"))
    proposed = _checked_proposal(locked, points, reason)
    review.points, review.comment, review.proposed_points = points, _("复核调整：%(reason)s") % {"reason": reason}, proposed
    review.override_reason = reason if proposed is not None and points != proposed else ""
    review.reviewer, review.reviewed_at = user, _now()
    _save_as(review, user)
    _bump(locked, user)
    stored.refresh_town(locked)
    return review


# --------------------------------------------------------------------------- what results show


def reviewed_items(round_, town_id=None):
    """Ids of the round's items whose 复核 has been decided: none (and no query) before results are published."""
    if not round_.results_published:
        return set()
    appeals = Appeal.objects.filter(submission__round=round_, status__in=Appeal.Status.DECIDED)
    if town_id is not None:
        appeals = appeals.filter(submission__town_id=town_id)
    return set(appeals.values_list("submission_id", flat=True))


def reviewed_towns(round_):
    """Ids of the round's towns with a decided 复核: none (and no query) before results are published."""
    if not round_.results_published:
        return set()
    return set(Appeal.objects.filter(submission__round=round_, status__in=Appeal.Status.DECIDED)
               .values_list("submission__town_id", flat=True))


def adjusted_after_publication(round_):
    """Town id → when its total last changed by a 复核 after publication: none (no query) before publication."""
    if not round_.results_published:
        return {}
    rows = (Appeal.objects.filter(submission__round=round_, status=Appeal.Status.CHANGED)
            .order_by("decided_at").values_list("submission__town_id", "decided_at"))
    return dict(rows)
