"""Every write of the workflow. Statuses change here and nowhere else.

Each function runs in one transaction and locks the submission row, so a
double-clicked submit or two people saving at once cannot both win.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.evidence import check_upload
from assessment.figures import FigureConflict, WholeExceeded, save_figures
from assessment.forms import rule_questions
from assessment.models import (
    Criterion,
    Evidence,
    Figure,
    Review,
    Round,
    RoundTransition,
    Submission,
    Town,
    Transition,
)
from scoring import stored
from scoring.loader import propose_for

Status = Submission.Status


class ServiceError(Exception):
    """A refusal with a message meant for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Conflict(ServiceError):
    """Somebody saved the submission since the form was opened."""

    def __init__(self, current):
        who = current.updated_by.display_name if current.updated_by else _("他人")
        when = timezone.localtime(current.updated_at).strftime("%H:%M")
        super().__init__(
            _("该考察点已被 %(who)s 于 %(when)s 修改，您的内容尚未保存。请核对下方内容后再次保存。") % {"who": who, "when": when}
        )
        self.current = current


class StaleFigures(ServiceError):
    """A shared figure was changed (from another item) since the form was read."""


class Incomplete(ServiceError):
    def __init__(self, missing):
        super().__init__(_("尚不能提交，请补充：%(items)s。") % {"items": "；".join(missing)})
        self.missing = missing


def _today():
    return timezone.localdate()


@transaction.atomic
def open_round(*, rubric, district, name, opens_on, closes_on, pass_mark=None, user=None, **settings):
    """Create a round already open for filling (the first round of a district, or a script's) with its checklists.

    Later rounds are copied from an earlier one in `assessment.round_services.create_round`.
    """
    round_ = Round.objects.create(
        rubric=rubric, district=district, name=name, opens_on=opens_on, closes_on=closes_on, pass_mark=pass_mark,
        state=Round.State.OPEN, **settings
    )
    RoundTransition.objects.create(round=round_, from_state="", to_state=Round.State.OPEN, actor=user)
    ensure_checklist(round_)
    return round_


def ensure_checklist(round_):
    """Add the missing (town, criterion) submissions of a round; idempotent."""
    criteria = list(Criterion.objects.filter(indicator__section__rubric=round_.rubric_id).values_list("id", flat=True))
    towns = list(Town.objects.filter(district=round_.district_id).values_list("id", flat=True))
    existing = set(round_.submissions.values_list("town_id", "criterion_id"))
    Submission.objects.bulk_create(
        Submission(round=round_, town_id=t, criterion_id=c) for t in towns for c in criteria if (t, c) not in existing
    )
    stored.refresh(round_)  # new towns or criteria: every row and rank of the round


def edit_refusal(submission, user, today=None):
    """Why this user may not edit this submission now, or None if they may."""
    today = today or _today()
    round_ = submission.round
    if not user.can_fill(submission):
        return _("您不是该考察点的填报单位，只能查看。")
    if round_.state != Round.State.OPEN:
        return _("本轮考评当前为“%(state)s”，不能填报，已填内容均已保存。") % {"state": round_.get_state_display()}
    if today > round_.closes_on:
        return _("本轮考评已于 %(date)s 截止填报，填报内容只读，已填内容均已保存。") % {"date": round_.closes_on}
    if today < round_.opens_on:
        return _("本轮考评将于 %(date)s 开始填报。") % {"date": round_.opens_on}
    if not submission.is_editable_status:
        return _("该考察点%(status)s，不能修改。") % {"status": submission.get_status_display()}
    return None


def _lock(submission):
    # Lock only the submission row: a lock cannot reach the outer-joined (nullable) updated_by.
    return Submission.objects.select_for_update(of=("self",)).select_related("round", "criterion", "updated_by").get(
        pk=submission.pk
    )


def _bump(locked, user):
    """Save a changed submission as the next version, attributed to `user`."""
    locked.updated_by = user
    locked.version += 1
    return _save_as(locked, user)


def _save_as(instance, user, **kwargs):
    """Save and attribute the history record to `user`, also outside a web request."""
    instance._history_user = user
    instance.save(**kwargs)
    return instance


def _record(submission, to_status, user, comment=""):
    Transition.objects.create(
        submission=submission, round_id=submission.round_id, from_status=submission.status, to_status=to_status,
        actor=user, comment=comment,
    )
    submission.status = to_status


@transaction.atomic
def save_draft(submission, *, user, narrative, completed_on, figures, version, figure_versions=None, answers=None):
    """Save the town's answer and its figures; refuse a stale `version`, and a stale figure.

    `figures` maps Metric → Decimal or None (None clears the figure); `figure_versions` maps metric code →
    the version each figure had when the form was read (see `assessment.figures.save_figures`).
    `answers` (answer code → bool, unanswered codes absent) replaces the yes/no answers; None keeps them.
    """
    from assessment.parts import main_answer_refusal

    locked = _lock(submission)
    refusal = edit_refusal(locked, user) or main_answer_refusal(locked, user)
    if refusal:
        raise ServiceError(refusal)
    if locked.version != version:
        raise Conflict(locked)
    locked.narrative, locked.completed_on, locked.started = narrative, completed_on, True
    if answers is not None:
        locked.answers = {str(code): bool(value) for code, value in answers.items()}
    _bump(locked, user)
    try:
        save_figures(locked, figures, user=user, read_versions=figure_versions, save_as=_save_as)
    except FigureConflict as error:
        raise StaleFigures(error.message) from None
    except WholeExceeded as error:
        raise ServiceError(error.message) from None
    if locked.status in Status.HANDED_IN:
        stored.refresh_town(locked)  # a returned item's completion date decides whether it counts as late
    return locked


def missing_for_submit(submission):
    """The list of what a submission still lacks, in the user's words."""
    missing = []
    if not submission.narrative.strip():
        missing.append(_("说明"))
    if submission.completed_on is None:
        missing.append(_("完成日期"))
    reported = set(
        Figure.objects.filter(round_id=submission.round_id, town_id=submission.town_id).values_list("metric_id", flat=True)
    )
    missing += [metric.label for metric in submission.criterion.metrics.all() if metric.id not in reported]
    # Yes/no conditions: 是 and 否 are both honest answers, so each must be given; never assumed.
    answers = submission.answers or {}
    missing += [_("作答“%(q)s”") % {"q": question} for code, question in rule_questions(submission.criterion).items()
                if code not in answers]
    if not submission.evidence.exists():
        missing.append(_("至少一份佐证材料"))
    return missing


@transaction.atomic
def submit(submission, *, user, missing_note=""):
    """Submit for review. A second submit of the same item is refused, not repeated.

    A co-owned item is submitted by its lead unit once the other units gave their parts, or with
    `missing_note` saying why not (kept in the transition's comment); see `assessment.parts`.
    """
    from assessment.parts import submit_check

    locked = _lock(submission)
    if locked.status == Status.SUBMITTED:
        raise ServiceError(_("该考察点已提交，无需重复提交。"))
    refusal = edit_refusal(locked, user)
    if refusal:
        raise ServiceError(refusal)
    comment = submit_check(locked, user, missing_note)
    missing = missing_for_submit(locked)
    if missing:
        raise Incomplete(missing)
    _record(locked, Status.SUBMITTED, user, comment)
    locked.submitted_at = timezone.now()
    _bump(locked, user)
    stored.refresh_town(locked)
    return locked


@transaction.atomic
def return_for_revision(submission, *, user, reason, version):
    """A reviewer sends a submitted item back to its town with a reason; refuse a stale `version`."""
    if not user.can_review:
        raise ServiceError(_("只有视频办评审员可以退回填报。"))
    if not reason.strip():
        raise ServiceError(_("请填写退回原因。"))
    locked = _lock(submission)
    _check_round_scoring(locked.round)
    if locked.version != version:
        raise Conflict(locked)
    if locked.status != Status.SUBMITTED:
        raise ServiceError(_("只有已提交的考察点可以退回，当前状态：%(status)s。") % {"status": locked.get_status_display()})
    _record(locked, Status.RETURNED, user, reason.strip())
    locked.return_reason = reason.strip()
    from notices.hooks import item_returned  # notices builds on assessment: imported here, not at the top

    transaction.on_commit(lambda: item_returned(locked.pk), robust=True)  # a 站内消息 to whoever answers the item
    _bump(locked, user)
    stored.refresh_town(locked)
    return locked


@transaction.atomic
def withdraw(submission, *, user, version):
    """The filler takes a submitted item back to draft before it is scored (撤回); refuse a stale `version`."""
    locked = _lock(submission)
    if not user.can_fill(locked):
        raise ServiceError(_("您不是该考察点的填报单位，不能撤回。"))
    if not locked.round.is_open(_today()):
        raise ServiceError(_("本轮考评当前不在填报时间内，不能撤回。"))
    if locked.version != version:
        raise Conflict(locked)
    if locked.status != Status.SUBMITTED:
        raise ServiceError(_("只有已提交、尚未评分的考察点可以撤回，当前状态：%(status)s。") % {
            "status": locked.get_status_display()})
    _record(locked, Status.DRAFT, user, _("填报单位撤回修改"))
    locked.submitted_at = None  # no longer waiting in the review queue
    _bump(locked, user)
    stored.refresh_town(locked)
    return locked


@transaction.atomic
def add_evidence(submission, *, user, upload, description):
    locked = _lock(submission)
    refusal = edit_refusal(locked, user)
    if refusal:
        raise ServiceError(refusal)
    if not description.strip():
        raise ServiceError(_("请填写佐证材料的说明。"))
    kind, digest = check_upload(upload)
    evidence = Evidence(
        submission=locked, file=upload, original_name=upload.name[:255], description=description.strip()[:200],
        kind=kind, size=upload.size, sha256=digest, uploaded_by=user,
    )
    return _save_as(evidence, user)


@transaction.atomic
def delete_evidence(evidence, *, user):
    locked = _lock(evidence.submission)
    refusal = edit_refusal(locked, user)
    if refusal:
        raise ServiceError(refusal)
    from assessment.parts import may_remove_evidence

    if not may_remove_evidence(user, evidence):
        raise ServiceError(_("只能删除本单位上传的佐证材料。"))
    name, storage = evidence.file.name, evidence.file.storage
    evidence._history_user = user
    evidence.delete()
    if evidence.shared_file_id is not None:
        from assessment.department_services import release_shared_file

        if not release_shared_file(evidence.shared_file_id):
            return  # other towns' items still link to the file
    # The row goes now; the file only once the deletion is committed.
    transaction.on_commit(lambda: storage.delete(name))


def _check_round_scoring(round_):
    if round_.state not in Round.State.SCORING:
        raise ServiceError(_("本轮考评当前为“%(state)s”，不能评分或退回。") % {"state": round_.get_state_display()})


def check_points(points, maximum):
    """A clear message for points outside 0..max or with more than one decimal, else None."""
    if points < 0 or points > maximum:
        return _("得分应在 0 到 %(max)s 分之间。") % {"max": maximum}
    if points.as_tuple().exponent < -1 and points != points.quantize(Decimal("0.1")):
        return _("得分最多保留一位小数。")
    return None


def _checked_proposal(submission, points, override_reason):
    """The engine's proposed points (None without a rule or figures); a different score needs a reason."""
    proposal = propose_for(submission)
    proposed = proposal.points if proposal else None
    if proposed is not None and points != proposed and not override_reason.strip():
        raise ServiceError(_("得分与系统建议分 %(proposed)s 分不同，请填写调整理由。") % {"proposed": proposed})
    return proposed


@transaction.atomic
def score(submission, *, user, points, comment, override_reason="", version):
    """Award points to a submitted item (or change the score of a scored one).

    A score that differs from the engine's proposal needs a reason; every
    change stays in the review's history.
    """
    if not user.can_review:
        raise ServiceError(_("只有视频办评审员可以评分。"))
    locked = _lock(submission)
    _check_round_scoring(locked.round)
    if locked.status not in Status.WITH_REVIEWER:
        raise ServiceError(_("只有已提交的考察点可以评分，当前状态：%(status)s。") % {"status": locked.get_status_display()})
    if locked.version != version:
        raise Conflict(locked)
    problem = check_points(points, locked.criterion.points)
    if problem:
        raise ServiceError(problem)
    proposed = _checked_proposal(locked, points, override_reason)
    review = Review.objects.filter(submission=locked).first() or Review(submission=locked, round_id=locked.round_id)
    review.points, review.comment, review.proposed_points = points.quantize(Decimal("0.1")), comment.strip(), proposed
    review.override_reason = override_reason.strip() if proposed is not None and points != proposed else ""
    review.reviewer, review.reviewed_at = user, timezone.now()
    _save_as(review, user)
    if locked.status == Status.SUBMITTED:
        _record(locked, Status.SCORED, user, comment.strip())
    locked.figures_changed = False  # scored again on the figures as they are now
    _bump(locked, user)
    stored.refresh_town(locked)
    return locked


@transaction.atomic
def accept_proposals(submissions, *, user, versions, confirmed=None):
    """采纳系统建议分 for several submitted items: each scored with the engine's proposal as its own review.

    `versions` maps submission id → the version the reviewer read; `confirmed` (optional) id → the proposed points
    shown when confirming, as text. An item without a proposal (no rule, or figures missing), not submitted, stale,
    or whose proposal has changed since is skipped; the others are still scored, each in its own savepoint.
    Returns (scored submissions, [(submission, reason), ...]).
    """
    if not user.can_review:
        raise ServiceError(_("只有视频办评审员可以评分。"))
    scored, skipped = [], []
    for submission in submissions:
        proposal = propose_for(submission)
        points = proposal.points if proposal else None
        shown = (confirmed or {}).get(submission.pk)
        if points is None:
            skipped.append((submission, _("没有系统建议分（无量化标准或指标数据不全）")))
        elif submission.status != Status.SUBMITTED:
            skipped.append((submission, _("当前状态为“%(status)s”，只采纳已提交的考察点") % {
                "status": submission.get_status_display()}))
        elif shown is not None and shown != str(points):
            skipped.append((submission, _("系统建议分已变为 %(points)s 分，请重新确认") % {"points": points}))
        else:
            try:
                scored.append(score(submission, user=user, points=points, comment=_("采纳系统建议分"),
                                    version=versions.get(submission.pk)))
            except Conflict as conflict:
                who = conflict.current.updated_by.display_name if conflict.current.updated_by else _("他人")
                skipped.append((submission, _("已被 %(who)s 修改，请打开该项核对后再评分") % {"who": who}))
            except ServiceError as error:
                skipped.append((submission, error.message))
    return scored, skipped
