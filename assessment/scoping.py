"""Who may see what. Every page, download, export and API view starts here.

A town official sees only their own town; a department official the items
whose 责任单位 name their department, in every town; reviewers, leaders and
administrators see everything. How far an account reaches is its `User.level`:
an account bound to a district (`User.district`) sees only that district, one
bound to a city (`User.city`) that city's districts, and one bound to neither
every district (province). Anything outside a user's scope is a 404, and so is
an id that is not a number: a malformed query string never reaches the database.

Awarded points follow one rule, `results_visible`: readers see them at once,
everyone else only once the round's results are published, and then only in
their own scope.
"""

from django.db.models import Case, Q, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessment.models import District, Evidence, ExportJob, Round, Submission, Town

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers; a larger number can match nothing


def parse_id(raw, name="id"):
    """A positive integer id from user input; None when absent; Http404 with a Chinese message when malformed."""
    if raw is None or raw == "":
        return None
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise Http404(_("参数 %(name)s 无效：“%(value)s”不是有效的编号。") % {"name": name, "value": text[:20]})
    return int(text)


# --------------------------------------------------------------------------- districts


def in_reach(user, district="district"):
    """A filter keeping rows whose `district` (a lookup path to a District) the account reaches:
    its district, its city's districts, or every district for a province-level account (an empty Q).

    A town official's reach is their town's district; callers that narrow to the town do so themselves.
    """
    if user.town_id is not None:
        return Q(**{f"{district}__towns__id": user.town_id})
    if user.district_id is not None:
        return Q(**{f"{district}_id": user.district_id})
    if user.city_id is not None:
        return Q(**{f"{district}__city_id": user.city_id})
    return Q()


def districts_for_user(user):
    """The districts an account reaches (see `in_reach`); none for anonymous users."""
    if not user.is_authenticated:
        return District.objects.none()
    if user.town_id is not None:
        return District.objects.filter(towns__id=user.town_id)
    if user.district_id is not None:
        return District.objects.filter(pk=user.district_id)
    if user.city_id is not None:
        return District.objects.filter(city_id=user.city_id)
    return District.objects.all()


def reaching(district_id):
    """A filter on accounts not bound to a town: those whose reach covers this district (its own accounts, its
    city's, and province-level ones)."""
    city = District.objects.filter(pk=district_id).values("city_id")
    return Q(district_id=district_id) | Q(district__isnull=True, city__isnull=True) | Q(
        district__isnull=True, city_id__in=city)


# --------------------------------------------------------------------------- rounds


def rounds_for_user(user):
    """Rounds of the districts the user reaches (a town's, the account's, its city's; all for the province).

    Voided rounds are hidden from everyone here; rounds in 筹备 from everyone who cannot manage rounds.
    """
    if not user.is_authenticated:
        return Round.objects.none()
    rounds = Round.objects.exclude(state=Round.State.VOIDED)
    if not user.can_manage_rounds:
        rounds = rounds.filter(state__in=Round.State.SEEN_BY_FILLERS)
    return rounds.filter(in_reach(user))


def managed_rounds(user):
    """Rounds a round manager may act on: every round of the districts they reach, voided ones included."""
    if not (user.is_authenticated and user.can_manage_rounds):
        return Round.objects.none()
    return Round.objects.filter(in_reach(user))


def _working_states(user):
    """The states of a round in which this user has work now."""
    if user.fills_items:
        return {Round.State.OPEN}
    if user.can_review:
        return {Round.State.OPEN, Round.State.REVIEWING}
    return set()


def round_for_user(user, raw_id=None):
    """The round asked for (404 if outside the user's scope); by default the newest round where this user
    has work now, else the newest published one, else the newest; None if there is none."""
    rounds = rounds_for_user(user).select_related("rubric", "district")
    round_id = parse_id(raw_id, "round")
    if round_id is not None:
        return get_object_or_404(rounds, pk=round_id)
    if not user.is_authenticated:
        return None
    priority = Case(
        When(state__in=_working_states(user) or {""}, then=0), When(state__in=Round.State.RESULTS_PUBLIC, then=1),
        default=2,
    )
    return rounds.order_by(priority, "-opens_on", "-id").first()


def round_for_request(request, raw_id=None):
    """The round a page shows: `?round=` when given (then remembered for the session), else the one chosen
    earlier in this session if still visible, else `round_for_user`'s default."""
    raw_id = raw_id if raw_id is not None else request.GET.get("round")
    if raw_id:
        round_ = round_for_user(request.user, raw_id)
        if request.session.get("round") != round_.pk:
            request.session["round"] = round_.pk
        return round_
    remembered = request.session.get("round")
    if remembered:
        rounds = rounds_for_user(request.user).select_related("rubric", "district")
        round_ = rounds.filter(pk=remembered).first()
        if round_ is not None:
            return round_
    return round_for_user(request.user)


# --------------------------------------------------------------------------- results


def results_visible(user, round_):
    """Whether this user may see awarded points of this round at all: readers always, others once published."""
    if not user.is_authenticated:
        return False
    return user.sees_all_towns or round_.results_published


def visible_results(user, round_, rows):
    """Of a round's result rows, those this user may see: every town for readers, a town official's own row."""
    if not results_visible(user, round_):
        return []
    if user.sees_all_towns:
        return list(rows)
    return [row for row in rows if row.town_id == user.town_id]


# --------------------------------------------------------------------------- submissions and evidence


def submissions_for_user(user):
    submissions = Submission.objects.all()
    if not user.is_authenticated:
        return submissions.none()
    if user.is_town_official:
        return submissions.filter(town_id=user.town_id)
    submissions = submissions.filter(in_reach(user, "town__district"))
    if user.sees_all_towns:
        return submissions
    if user.is_department_official:
        return submissions.filter(criterion__unit_links__unit_id=user.unit_id)
    return submissions.none()


def get_submission_for_user(user, pk):
    queryset = submissions_for_user(user).select_related(
        "round", "town", "criterion__indicator__section", "updated_by", "review"
    ).prefetch_related("criterion__unit_links__unit", "criterion__metrics")
    return get_object_or_404(queryset, pk=pk)


def evidence_for_user(user):
    return Evidence.objects.filter(submission__in=submissions_for_user(user).values("pk"))


def get_evidence_for_user(user, pk):
    return get_object_or_404(evidence_for_user(user).select_related("submission__round"), pk=pk)


def towns_for_user(user):
    """The towns the user's scope reaches: their own town; every town their district, city or province reaches for
    readers; the towns whose items a department answers."""
    towns = Town.objects.all()
    if not user.is_authenticated:
        return towns.none()
    if not user.sees_all_towns:
        if user.is_town_official:
            return towns.filter(pk=user.town_id)
        return towns.filter(pk__in=submissions_for_user(user).values("town_id"))
    return towns.filter(in_reach(user))


def get_town_for_user(user, pk):
    """A town the user's scope reaches (their own, or any for readers), else 404."""
    return get_object_or_404(towns_for_user(user), pk=parse_id(pk, "town"))


def get_results_for_user(user, raw_round_id, town_id):
    """The round and town whose results this user may see, else 404."""
    round_ = round_for_user(user, raw_round_id)
    if round_ is None or not results_visible(user, round_) or not (user.sees_all_towns or user.is_town_official):
        raise Http404(_("没有可查看的考评结果。"))
    return round_, get_town_for_user(user, town_id)


# --------------------------------------------------------------------------- exports


def export_jobs_for_user(user):
    """Export jobs whose workbook this user may download: a round's whole workbook for readers of the round, a
    town's own for its officials once results are published. The same workbook is built once and shared by
    everyone who may ask for it (assessment.exports)."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    rounds = rounds_for_user(user)
    if user.sees_all_towns:
        return ExportJob.objects.filter(round__in=rounds)  # a round's towns are of its district
    if user.is_town_official:
        published = rounds.filter(state__in=Round.State.RESULTS_PUBLIC)
        return ExportJob.objects.filter(round__in=published, town_id=user.town_id)
    return ExportJob.objects.none()


def get_export_job_for_user(user, pk):
    return get_object_or_404(export_jobs_for_user(user).select_related("round"), pk=pk)
