"""The 视频办's side: the review queue and the review of one submission."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment import services
from assessment.filters import QueueFilter
from assessment.forms import ReviewForm
from assessment.models import Review, Submission
from assessment.paging import query_without_page
from assessment.permissions import requires
from assessment.rounds import stored_figures
from assessment.scoping import get_submission_for_user, parse_id, round_for_request, submissions_for_user
from assessment.timeline import build_timeline
from scoring.engine import DeadlineState
from scoring.loader import outcome_for, outcomes_for, proposals_for, propose_for

PAGE_SIZE = 100


QUEUE_ORDER = ("submitted_at", "town__order", "criterion__indicator__section__order", "criterion__indicator__order",
               "criterion__order", "id")


@dataclass
class Queue:
    """The review queue as a query string asks for it: its filter and the ids of its rows, in queue order."""

    scoped: QuerySet
    filters: QueueFilter
    ordered: QuerySet
    ids: list
    deadlines: dict
    state: str

    def neighbours(self, pk):
        """(previous id, next id, position from 1) of an item in the queue; (None, None, None) if it is not in it."""
        if pk not in self.ids:
            return None, None, None
        index = self.ids.index(pk)
        following = self.ids[index + 1] if index + 1 < len(self.ids) else None
        return (self.ids[index - 1] if index else None), following, index + 1


def queue_for(request, round_):
    """The queue's filter and order, shared by the queue and the review page's 上一项/下一项: one query of ids.

    The deadline filter, which the database cannot evaluate, reads a few columns of the filtered rows instead.
    """
    data = request.GET.copy()
    data.setdefault("status", Submission.Status.SUBMITTED)
    scoped = submissions_for_user(request.user).filter(round=round_)
    filters = QueueFilter(data, queryset=scoped, round_=round_)
    state = request.GET.get("deadline", "")
    ordered = filters.qs.order_by(*QUEUE_ORDER)
    deadlines = {}  # the round's deadlines, read once for both steps
    ids = _pks_in_state(ordered, state, deadlines) if state else list(ordered.values_list("pk", flat=True))
    return Queue(scoped, filters, ordered, ids, deadlines, state)


def with_query(url, query):
    return f"{url}?{query}" if query else url


@requires("can_review")
def review_queue(request):
    """Items across towns, oldest submission first; submitted ones unless asked otherwise. Only the page shown is
    loaded. A POST is the bulk acceptance of proposals: first the confirmation, then the scoring."""
    round_ = round_for_request(request)
    if round_ is None:
        return render(request, "assessment/review_queue.html", {"round": None})
    if request.method == "POST":
        return _accept_proposals(request, round_)
    queue = queue_for(request, round_)
    page = Paginator(queue.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _queue_items(queue.ordered.filter(pk__in=list(page.object_list)), queue.deadlines)
    context = {"round": round_, "filters": queue.filters, "page": page, "counts": _status_counts(queue),
               "deadline": queue.state, "deadline_states": list(DeadlineState), "total": page.paginator.count,
               "query": query_without_page(request), "queue_query": request.GET.urlencode()}
    return render(request, "assessment/review_queue.html", context)


def _pks_in_state(ordered, state, deadlines):
    """Ids of the filtered rows in a deadline state, as the engine decides it for each (a few columns per row)."""
    rows = ordered.select_related("round", "criterion", "review").only(
        "round__late_policy", "round__late_deduction", "criterion__points", "criterion__deadline", "criterion__code",
        "review__points", "town_id", "status", "completed_on",
    )
    outcomes = outcomes_for(rows, deadlines=deadlines)
    return [pk for pk, outcome in outcomes.items() if outcome.state.value == state]


def _queue_items(queryset, deadlines):
    """The page's rows with their deadline outcome, the engine's proposal and their number of evidence files."""
    items = list(
        queryset.select_related("round", "town", "criterion__indicator__section", "review")
        .annotate(evidence_count=Count("evidence", distinct=True))
    )
    outcomes = outcomes_for(items, deadlines=deadlines)
    proposals = proposals_for(items)
    for item in items:
        item.outcome, item.proposal = outcomes[item.pk], proposals[item.pk]
        item.acceptable = _acceptable(item, item.proposal)
    return items


def _acceptable(item, proposal):
    """A submitted item whose figures are complete enough for the engine to propose points."""
    return item.status == Submission.Status.SUBMITTED and proposal is not None and proposal.points is not None


def _status_counts(queue):
    """Counts per status under the other filters (the status filter itself left out)."""
    rows, cleaned = queue.scoped, queue.filters.form.cleaned_data
    for name, queue_filter in queue.filters.filters.items():
        if name != "status":
            rows = queue_filter.filter(rows, cleaned.get(name))
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Submission.Status.choices]


def _accept_proposals(request, round_):
    """采纳所选建议分: the selected items and their proposals to confirm, then (on 确认) each scored as proposed."""
    ids = [pk for pk in (parse_id(raw, "item") for raw in request.POST.getlist("item")) if pk is not None]
    items = list(
        submissions_for_user(request.user).filter(round=round_, pk__in=ids).order_by(*QUEUE_ORDER)
        .select_related("round", "town", "criterion")
    )
    back = with_query(reverse("review-queue"), request.GET.urlencode())
    if not items:
        messages.warning(request, _("请先勾选要采纳建议分的考察点。"))
        return redirect(back)
    if request.POST.get("action") != "accept":
        proposals = proposals_for(items)
        rows = [(item, proposals[item.pk], _acceptable(item, proposals[item.pk])) for item in items]
        context = {"round": round_, "rows": rows, "back": back, "any_acceptable": any(row[2] for row in rows)}
        return render(request, "assessment/review_accept.html", context)
    versions = {item.pk: _posted_int(request, f"version_{item.pk}") for item in items}
    confirmed = {item.pk: request.POST.get(f"points_{item.pk}", "") for item in items}
    try:
        scored, skipped = services.accept_proposals(items, user=request.user, versions=versions, confirmed=confirmed)
    except services.ServiceError as error:
        messages.error(request, error.message)
        return redirect(back)
    if scored:
        messages.success(request, _("已采纳 %(n)d 项系统建议分。") % {"n": len(scored)})
    if skipped:
        reasons = "；".join(f"{item.town} {item.criterion.code}：{reason}" for item, reason in skipped)
        messages.warning(request, _("%(n)d 项未采纳——%(reasons)s") % {"n": len(skipped), "reasons": reasons})
    return redirect(back)


def _posted_int(request, name):
    """A posted version number; None (a mismatch, refused by the service) when absent or malformed."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@requires("can_review")
def review_detail(request, pk):
    """Also for items the town has not handed in: the queue lists them under 草稿 and 已逾期 for chasing.

    The query string is the queue's: 上一项/下一项 and the page after saving follow its filter and order.
    """
    submission = get_submission_for_user(request.user, pk)
    queue = queue_for(request, submission.round)
    nav = (*queue.neighbours(submission.pk), len(queue.ids))
    proposal = propose_for(submission)
    form = ReviewForm(request.POST or None, maximum=submission.criterion.points, initial=_review_initial(submission, proposal),
                      conditions=proposal.conditions if proposal else (), proposed=proposal.points if proposal else None)
    if request.method == "POST":
        response = _handle_review(request, submission, form, nav[1])
        if response is not None:
            return response
    return _render_review(request, submission, form, proposal, nav)


def _review_initial(submission, proposal):
    review = Review.objects.filter(submission=submission).first()
    initial = {"version": submission.version, "points": proposal.points if proposal else None}
    if review:
        initial.update(points=review.points, comment=review.comment, override_reason=review.override_reason)
    return initial


def _handle_review(request, submission, form, next_id):
    if not form.is_valid():
        messages.error(request, _("填写有误，评分尚未保存，请按提示修改。"))
        return None
    data = form.cleaned_data
    try:
        if request.POST.get("action") == "return":
            services.return_for_revision(submission, user=request.user, reason=data["return_reason"],
                                         version=data["version"])
            messages.success(request, _("已退回%(town)s修改。") % {"town": submission.town})
        else:
            services.score(submission, user=request.user, points=data["points"], comment=data["comment"],
                           override_reason=form.override_text(), version=data["version"])
            messages.success(request, _("已评分：%(points)s 分。") % {"points": data["points"]})
    except services.Conflict as conflict:
        # Keep what was typed; the new version lets a deliberate second save win.
        form.data = request.POST.copy()
        form.data["version"] = str(conflict.current.version)
        form.add_error(None, conflict.message)
        request.conflict = conflict.current
        return None
    except services.ServiceError as error:
        form.add_error(None, error.message)
        return None
    # Straight on to the next item of the queue's filter, or back to the queue once none is left.
    query = request.GET.urlencode()
    return redirect(with_query(reverse("review", args=[next_id]) if next_id else reverse("review-queue"), query))


def _render_review(request, submission, form, proposal, nav):
    stored = stored_figures(submission.round_id, submission.town_id)
    review = Review.objects.filter(submission=submission).select_related("reviewer").first()
    context = {
        "submission": submission,
        "criterion": submission.criterion,
        "figures": [(m, stored.get(m.code)) for m in submission.criterion.metrics.all()],
        "evidence": list(submission.evidence.select_related("uploaded_by")),
        "timeline": build_timeline(submission),
        "proposal": proposal,
        "review": review,
        "review_history": list(review.history.select_related("history_user").order_by("-history_date")) if review else [],
        "outcome": outcome_for(submission),
        "form": form,
        "can_score": submission.status in Submission.Status.WITH_REVIEWER,
        "conflict": getattr(request, "conflict", None),
        "previous_id": nav[0], "next_id": nav[1], "position": nav[2], "queue_total": nav[3],
        "queue_query": request.GET.urlencode(),
    }
    return render(request, "assessment/review.html", context, status=400 if form.errors else 200)
