"""The 视频办's side: the review queue and the review of one submission."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment import services
from assessment.filters import QueueFilter
from assessment.forms import ReviewForm
from assessment.models import CriterionUnit, Review, Submission
from assessment.paging import query_without_page
from assessment.permissions import requires
from assessment.rounds import stored_figures
from assessment.scoping import get_submission_for_user, round_for_request, submissions_for_user
from assessment.timeline import build_timeline
from scoring.engine import DeadlineState
from scoring.loader import outcome_for, outcomes_for, propose_for

PAGE_SIZE = 100


QUEUE_ORDER = ("submitted_at", "town__order", "criterion__indicator__section__order", "criterion__indicator__order",
               "criterion__order", "id")


@requires("can_review")
def review_queue(request):
    """Items across towns, oldest submission first; submitted ones unless asked otherwise.

    Only the page shown is loaded; the deadline filter, which the database
    cannot evaluate, reads a few columns of the filtered rows instead.
    """
    round_ = round_for_request(request)
    if round_ is None:
        return render(request, "assessment/review_queue.html", {"round": None})
    data = request.GET.copy()
    data.setdefault("status", Submission.Status.SUBMITTED)
    scoped = submissions_for_user(request.user).filter(round=round_)
    filters = QueueFilter(data, queryset=scoped, round_=round_)
    state = request.GET.get("deadline", "")
    ordered = filters.qs.order_by(*QUEUE_ORDER)
    deadlines = {}  # the round's deadlines, read once for both steps
    rows = _pks_in_state(ordered, state, deadlines) if state else ordered.values_list("pk", flat=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _queue_items(ordered.filter(pk__in=list(page.object_list)), deadlines)
    context = {"round": round_, "filters": filters, "page": page, "counts": _status_counts(filters, scoped, round_),
               "deadline": state, "deadline_states": list(DeadlineState), "total": page.paginator.count,
               "query": query_without_page(request)}
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
    links = CriterionUnit.objects.select_related("unit")
    items = list(
        queryset.select_related("round", "town", "criterion__indicator__section", "review")
        .prefetch_related(Prefetch("criterion__unit_links", queryset=links))
    )
    outcomes = outcomes_for(items, deadlines=deadlines)
    for item in items:
        item.outcome = outcomes[item.pk]
    return items


def _status_counts(filters, scoped, round_):
    """Counts per status under the town and section filters (the status filter itself left out)."""
    data = filters.data.copy()
    data["status"] = ""
    unfiltered = QueueFilter(data, queryset=scoped, round_=round_).qs
    counts = dict(unfiltered.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Submission.Status.choices]


@requires("can_review")
def review_detail(request, pk):
    """Also for items the town has not handed in: the queue lists them under 草稿 and 已逾期 for chasing."""
    submission = get_submission_for_user(request.user, pk)
    proposal = propose_for(submission)
    form = ReviewForm(request.POST or None, maximum=submission.criterion.points, initial=_review_initial(submission, proposal))
    if request.method == "POST":
        response = _handle_review(request, submission, form)
        if response is not None:
            return response
    return _render_review(request, submission, form, proposal)


def _review_initial(submission, proposal):
    review = Review.objects.filter(submission=submission).first()
    initial = {"version": submission.version, "points": proposal.points if proposal else None}
    if review:
        initial.update(points=review.points, comment=review.comment, override_reason=review.override_reason)
    return initial


def _handle_review(request, submission, form):
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
                           override_reason=data["override_reason"], version=data["version"])
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
    return redirect("review", pk=submission.pk)


def _render_review(request, submission, form, proposal):
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
    }
    return render(request, "assessment/review.html", context, status=400 if form.errors else 200)
