"""What the workflow tells people, called from `assessment`: an item returned, a round opened or published.

Each runs once the triggering transaction has committed (`transaction.on_commit`, robust: a failure to notify is
logged and never undoes the return or the state change).
"""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.models import CriterionUnit, Round, Submission
from notices.models import Message
from notices.owed import fillers
from notices.send import notify


def item_returned(submission_id):
    """Tell whoever answers a returned item (its town's officials, or its departments') why it came back."""
    links = CriterionUnit.objects.select_related("unit")
    item = (Submission.objects.select_related("round", "town", "criterion")
            .prefetch_related(Prefetch("criterion__unit_links", queryset=links)).get(pk=submission_id))
    unit_ids = [link.unit_id for link in item.criterion.unit_links.all()]
    candidates = fillers(item.round).filter(Q(town_id=item.town_id) | Q(unit_id__in=unit_ids))
    users = [user for user in candidates if user.can_fill(item)]
    subject = _("【退回修改】%(town)s · %(code)s %(title)s") % {
        "town": item.town.name, "code": item.criterion.code, "title": item.criterion.title}
    body = _("“%(round)s”中 %(town)s 的考察点 %(code)s 已被视频办退回，请按退回原因修改后重新提交。\n\n退回原因：%(reason)s") % {
        "round": item.round.name, "town": item.town.name, "code": item.criterion.code, "reason": item.return_reason}
    notify(users, subject=subject, body=body, url=reverse("submission", args=[item.pk]), kind=Message.Kind.RETURNED)


def round_state_changed(round_, to_state):
    """Called by `assessment.round_services` inside the state change: tell the round's officials once it commits."""
    if to_state == Round.State.OPEN:
        transaction.on_commit(lambda: round_opened(round_.pk), robust=True)
    elif to_state == Round.State.PUBLISHED:
        transaction.on_commit(lambda: results_published(round_.pk), robust=True)


def round_opened(round_id):
    round_ = Round.objects.get(pk=round_id)
    subject = _("【开始填报】%(round)s") % {"round": round_.name}
    body = _("“%(round)s”已开始填报，填报期为 %(opens)s 至 %(closes)s。请登录门户，逐项填报并提交本单位负责的考察点。") % {
        "round": round_.name, "opens": round_.opens_on.isoformat(), "closes": round_.closes_on.isoformat()}
    notify(fillers(round_), subject=subject, body=body, url=f"{reverse('dashboard')}?round={round_.pk}",
           kind=Message.Kind.ROUND_OPENED)


def results_published(round_id):
    """Town officials get one digest of their town's result and scored items; department officials a notice."""
    from scoring.loader import round_results

    round_ = Round.objects.get(pk=round_id)
    users = list(fillers(round_))
    subject = _("【结果公布】%(round)s") % {"round": round_.name}
    departments = [user for user in users if not user.is_town_official]
    notify(departments, subject=subject, url=f"{reverse('dashboard')}?round={round_.pk}", kind=Message.Kind.RESULTS,
           body=_("“%(round)s”的评估结果已公布，可在门户中查看本部门所填考察点的得分。") % {"round": round_.name})
    officials = [user for user in users if user.is_town_official]
    if not officials:
        return
    results = {row.town_id: row for row in round_results(round_)}
    scored = _scored_items(round_, {user.town_id for user in officials})
    for town_id in sorted({user.town_id for user in officials}):
        town_users = [user for user in officials if user.town_id == town_id]
        notify(town_users, subject=subject, kind=Message.Kind.RESULTS,
               body=town_digest(round_, results.get(town_id), scored.get(town_id, [])),
               url=f"{reverse('town-results', args=[town_id])}?round={round_.pk}")


def _scored_items(round_, town_ids):
    items = (Submission.objects.filter(round=round_, town_id__in=town_ids, status=Submission.Status.SCORED)
             .select_related("criterion", "review")
             .order_by("criterion__indicator__section__order", "criterion__indicator__order", "criterion__order"))
    by_town = {}
    for item in items:
        by_town.setdefault(item.town_id, []).append(item)
    return by_town


def town_digest(round_, result, items):
    """The town's total, rank and 达标, and each scored item's points and comment."""
    lines = [_("“%(round)s”的评估结果已公布。") % {"round": round_.name}]
    if result is not None:
        verdict = "" if result.passed is None else (_("，达标") if result.passed else _("，未达标"))
        provisional = "" if result.final else _("（暂定：尚有考察点未评分）")
        lines.append(_("本街镇总分 %(total)s 分，排名第 %(rank)s 名%(verdict)s%(provisional)s。") % {
            "total": result.total, "rank": result.rank, "verdict": verdict, "provisional": provisional})
    if items:
        lines += ["", _("已评分的考察点：")]
        for item in items:
            outcome = result.item(item.criterion_id) if result is not None else None
            awarded = outcome.awarded if outcome is not None else item.review.points
            line = _("· %(code)s %(title)s：%(points)s / %(max)s 分") % {
                "code": item.criterion.code, "title": item.criterion.title, "points": awarded,
                "max": item.criterion.points}
            if outcome is not None and outcome.kept != outcome.awarded:
                line += _("，逾期扣分后 %(kept)s 分") % {"kept": outcome.kept}
            if item.review.comment:
                line += f"（{item.review.comment}）"
            lines.append(line)
    return "\n".join(lines)
