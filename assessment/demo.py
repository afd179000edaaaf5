"""Demo data: last year's round, published and archived, and this year's round in progress, where every
town has drafts, submissions and returns.

Everything goes through the services, so the demo has the same history,
figures and evidence a real round would. Seeded, so two runs look alike.
"""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Q
from django.utils import timezone

from appeals.demo import create_demo_requests
from assessment import services
from assessment.forms import rule_questions
from assessment.models import (
    City,
    Criterion,
    District,
    Metric,
    Round,
    RoundDeadline,
    Rubric,
    Submission,
    Town,
    Transition,
    User,
)
from scoring import stored
from scoring.loader import propose_for

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def demo_figures(rng):
    """Plausible, consistent figures of one town (parts never exceed wholes)."""
    cameras = rng.randint(800, 3000)
    key_area = rng.randint(200, cameras // 2)
    villages = rng.randint(8, 25)
    figures = {
        "project_cost": Decimal(rng.randint(800, 3000)), "maintenance_budget": Decimal(rng.randint(30, 250)),
        "cameras_total": cameras, "cameras_gov": rng.randint(cameras // 20, cameras // 4),
        "key_area_cameras": key_area, "key_area_cameras_hd": rng.randint(key_area // 2, key_area),
        "key_units_total": (units := rng.randint(40, 120)), "key_units_alarm": rng.randint(units // 3, units),
        "interval_main_road": rng.choice([1, 2, 3]), "interval_secondary_road": rng.choice([2, 3, 4]),
        "interval_township_road": rng.choice([5, 8, 12]), "interval_alley": rng.choice([6, 10, 12]),
        "interval_crowded_area": rng.choice([2, 3, 4]), "interval_general_area": rng.choice([4, 5, 6]),
        "villages_total": villages, "villages_covered": rng.randint(villages * 3 // 4, villages),
        "villages_compliant": rng.randint(villages * 3 // 4, villages),
        "shops_total": (shops := rng.randint(300, 1500)), "shops_covered": rng.randint(shops * 9 // 10, shops),
        "urban_households_total": (urban := rng.randint(5000, 40000)), "urban_households_covered": rng.randint(urban * 8 // 10, urban),
        "rural_households_total": (rural := rng.randint(3000, 20000)), "rural_households_covered": rng.randint(rural * 7 // 10, rural),
        "estates_eligible": (eligible := rng.randint(10, 60)), "estates_networked": rng.randint(eligible // 2, eligible),
        "estates_total": (estates := rng.randint(20, 80)), "estates_compliant": rng.randint(estates * 8 // 10, estates),
        "units_total": (orgs := rng.randint(50, 200)), "units_compliant": rng.randint(orgs * 8 // 10, orgs),
        "cases_solved": (cases := rng.randint(100, 600)), "cases_solved_video": rng.randint(cases // 8, cases // 3),
        "key_cameras": (key := rng.randint(150, 600)), "watch_staff": rng.randint(key // 20, key // 10),
        "key_site_systems": (systems := rng.randint(40, 150)), "key_site_systems_ok": rng.randint(systems * 85 // 100, systems),
        "cases_preventable": (cases_now := rng.randint(60, 240)),
        "cases_preventable_baseline": cases_now + rng.randint(-20, 60),
        "gov_uptime_pct": Decimal(rng.randint(900, 1000)) / 10, "gov_image_usable_pct": Decimal(rng.randint(900, 1000)) / 10,
    }
    return {code: Decimal(value) for code, value in figures.items()}


def create_demo_round(rubric=None, today=None):
    """Create last year's and this year's demo rounds once; return this year's (or the existing one)."""
    existing = Round.objects.filter(name__startswith="演示").order_by("-opens_on").first()
    if existing:
        return existing
    rubric = rubric or Rubric.objects.order_by("-version").first()
    today = today or timezone.localdate()
    with stored.deferred():  # the demo's thousand writes refresh each round's results once, at the end
        last_year = _create_last_years_round(rubric, today)
        round_ = _open_demo_round(rubric, today.year, today)
        _fill_round(round_, today, seed=2026)
        _demo_notices(round_)
        create_demo_requests(round_, last_year, today)  # one pending and one granted 延期, one decided 复核
        _neighbour_round(rubric, today)
    return round_


NEIGHBOUR = ("浦口区", ("江浦街道", "顶山街道"))  # a second district of 南京市, small, for 区县对比


def _neighbour_round(rubric, today):
    """浦口区's round this year, two towns filled by their officials and scored, now in 评审中: something for the
    南京市 and 江苏省 accounts to compare 六合区 with. Its district departments have no demo accounts."""
    from assessment import round_services

    district = District.objects.get_or_create(name=NEIGHBOUR[0], defaults={"city": nanjing()})[0]
    for order, name in enumerate(NEIGHBOUR[1], start=1):
        Town.objects.get_or_create(district=district, name=name, defaults={"kind": Town.Kind.STREET, "order": order})
    round_ = services.open_round(
        rubric=rubric, district=district, name=f"{NEIGHBOUR[0]}{today.year}年度技防街镇达标评估",
        opens_on=today - datetime.timedelta(days=30), closes_on=today + datetime.timedelta(days=40), pass_mark=Decimal("45"),
    )
    _fill_round(round_, today, seed=2027, weights=[1, 0, 1, 0, 12])
    reviewer = _reviewer_for(district.pk)
    round_services.change_state(round_, Round.State.REVIEWING, user=reviewer, reason="填报期提前结束，进入评审。")
    return round_


def nanjing():
    """南京市, which 六合区 belongs to (the migration that added cities links them on an existing database)."""
    city = City.objects.get_or_create(name="南京市", defaults={"code": "320100"})[0]
    District.objects.filter(name="六合区", city__isnull=True).update(city=city)
    return city


def _open_demo_round(rubric, year, today):
    round_ = services.open_round(
        rubric=rubric, district=District.objects.get(name="六合区"), name=f"演示：{year}年度技防街镇达标评估",
        opens_on=today - datetime.timedelta(days=45), closes_on=today + datetime.timedelta(days=40), pass_mark=Decimal("45"),
    )
    # A round sets its own deadlines: the standard's months, in the round's year.
    RoundDeadline.objects.bulk_create(
        RoundDeadline(round=round_, criterion=c, deadline=c.deadline.replace(year=year))
        for c in Criterion.objects.filter(indicator__section__rubric=rubric)
    )
    stored.refresh(round_)  # the round's own deadlines decide which items are late
    return round_


def _create_last_years_round(rubric, today):
    """Filled while open (through the services, like a real round), then moved into last year,
    reviewed, published with its few unscored items explained, and archived."""
    from assessment import round_services

    year_ago = today - datetime.timedelta(days=365)
    round_ = _open_demo_round(rubric, year_ago.year, today)
    _fill_round(round_, year_ago, seed=2025, weights=[0, 0, 1, 0, 20])
    Round.objects.filter(pk=round_.pk).update(
        opens_on=year_ago - datetime.timedelta(days=45), closes_on=year_ago + datetime.timedelta(days=40))
    reviewer = User.objects.filter(role=User.Role.REVIEWER).first()
    round_services.change_state(round_, Round.State.REVIEWING, user=reviewer, reason="填报期结束，进入评审。")
    round_services.change_state(round_, Round.State.PUBLISHED, user=reviewer,
                                reason="少数考察点未按时提交材料，按未得分公布。")
    round_services.change_state(round_, Round.State.ARCHIVED, user=reviewer, reason="年度考核已完成，归档。")
    return round_


def _fill_round(round_, today, seed, weights=None):
    rng = random.Random(seed)
    reviewer = _reviewer_for(round_.district_id)
    metrics = {m.code: m for m in Metric.objects.filter(rubric=round_.rubric)}
    submissions = Submission.objects.filter(round=round_).select_related("town", "criterion").prefetch_related(
        "criterion__metrics", "criterion__unit_links__unit"
    )
    by_town = {}
    for submission in submissions:
        by_town.setdefault(submission.town, []).append(submission)
    for town, items in by_town.items():
        official = _town_official(town)
        figures = demo_figures(rng)
        for submission in items:
            _demo_item(submission, official, reviewer, figures, metrics, rng, today, weights or [2, 1, 2, 1, 8])


def _reviewer_for(district_id):
    """Who scores a district's demo items: its own reviewer, else one who reviews for every district (the admin)."""
    everywhere = Q(district__isnull=True, city__isnull=True, role__in=[User.Role.REVIEWER, User.Role.ADMIN])
    reviewers = User.objects.filter(Q(role=User.Role.REVIEWER, district_id=district_id) | everywhere)
    return reviewers.order_by(F("district_id").asc(nulls_last=True), "role", "id").first()


def _demo_item(submission, official, reviewer, figures, metrics, rng, today, weights):
    """One item in a random state: untouched, draft, submitted, returned or scored."""
    state = rng.choices(["untouched", "draft", "submitted", "returned", "scored"], weights=weights)[0]
    if state == "untouched":
        return
    actor = official if official.can_fill(submission) else _department_actor(submission)
    if actor is None:
        return
    needed = {metrics[m.code]: figures[m.code] for m in submission.criterion.metrics.all()}
    done = today - datetime.timedelta(days=rng.randint(5, 300))
    saved = services.save_draft(
        submission, user=actor, narrative=f"{submission.town.name}已按要求完成“{submission.criterion.title}”相关工作。",
        completed_on=done, figures=needed, version=submission.version,
        # The demo's towns answer 是 to every yes/no condition (no random draw, so the demo's other draws stay put).
        answers=dict.fromkeys(rule_questions(submission.criterion), True),
    )
    if state == "draft":
        return
    upload = SimpleUploadedFile(f"{submission.criterion.code}佐证材料.pdf", DEMO_PDF, content_type="application/pdf")
    services.add_evidence(saved, user=actor, upload=upload, description="工作台账及现场照片")
    missing_note = _demo_parts(saved, actor)
    if missing_note is None:
        return  # a co-owned item whose lead unit has no demo account stays a draft
    saved = services.submit(saved, user=actor, missing_note=missing_note)
    _backdate(saved, today, rng)
    if reviewer is None:
        return
    if state == "returned":
        services.return_for_revision(saved, user=reviewer, reason="佐证材料不完整，请补充现场照片和验收报告。", version=saved.version)
    elif state == "scored":
        _demo_score(saved, reviewer, rng)


def _backdate(submission, today, rng):
    """Spread the demo's submissions over the weeks the round has been open, for the progress chart."""
    # `today` is the demo's day inside the round (a year back for last year's): the round opened 45 days before.
    when = timezone.now() - (timezone.localdate() - today) - datetime.timedelta(days=rng.randint(0, 45))
    Transition.objects.filter(submission=submission).update(at=when)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=when)


def _demo_score(submission, reviewer, rng):
    proposal = propose_for(submission)
    points = submission.criterion.points
    if proposal is not None and proposal.points is not None:
        awarded, reason = proposal.points, ""
    else:
        awarded, reason = (points * Decimal(rng.randint(6, 10)) / 10).quantize(Decimal("0.1")), ""
    services.score(submission, user=reviewer, points=awarded, comment="材料齐全，符合要求。" if awarded == points
                   else "部分达到要求。", override_reason=reason, version=submission.version)


def _town_official(town):
    official = User.objects.filter(role=User.Role.TOWN, town=town).order_by("id").first()
    if official is None:
        # Towns without a demo login still need someone to have filled them in.
        official = User(username=f"town-{town.pk}", role=User.Role.TOWN, town=town, last_name=f"{town.name}填报员")
        official.set_unusable_password()
        official.save()
    return official


def _demo_parts(submission, actor):
    """The other units' parts of a co-owned item, by their demo accounts. None if `actor` is not the lead unit;
    otherwise the note the lead unit submits with: empty, or why units with no demo account in the item's
    district give no part."""
    from assessment import parts
    from assessment.models import Part

    if not parts.is_co_owned(submission.criterion):
        return ""
    if parts.unit_of(actor, submission) != parts.lead_unit(submission.criterion):
        return None
    absent = []
    for unit in parts.owed_units(submission):
        user = _department_user(unit, submission)
        if user is None:
            absent.append(unit.name)
            continue
        existing = Part.objects.filter(submission=submission, unit=unit).first()
        parts.save_part(submission, user=user, narrative=f"{unit.name}已按职责完成本单位部分。",
                        version=existing.version if existing else 0)
    return f"{'、'.join(absent)}的部分由其另行报送。" if absent else ""


def _department_actor(submission):
    for link in submission.criterion.unit_links.all():
        user = _department_user(link.unit, submission)
        if user:
            return user
    return None


def _department_user(unit, submission):
    """A demo account of the unit that works for the item's district (or for every district)."""
    district = Q(district_id=submission.town.district_id) | Q(district__isnull=True, city__isnull=True)
    return User.objects.filter(district, role=User.Role.DEPARTMENT, unit=unit, is_active=True).first()


DEMO_LOGINS = ("admin", "reviewer", "leader", "official1", "official2", "police", "transport", "city", "province")


def _demo_notices(round_):
    """E-mail addresses for the demo logins (mail is printed to the console in development), one 通知公告 and one 催办."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from notices import services as notices

    User.objects.filter(username__in=DEMO_LOGINS, email="").update(email=Concat(F("username"), Value("@liuhe.example")))
    reviewer = User.objects.filter(username="reviewer").first()
    if reviewer is None:
        return
    notices.post_announcement(
        user=reviewer, round_=round_, pinned=True, title=f"关于做好{round_.year}年度技防街镇达标评估填报工作的通知",
        body="各街道、镇，区各有关部门：\n请对照评估标准逐项填报说明、完成日期和指标数据，上传佐证材料，"
             f"于 {round_.closes_on.year}年{round_.closes_on.month}月{round_.closes_on.day}日 前提交。填报中遇到问题请与区视频办联系。",
    )
    towns = list(User.objects.filter(username="official1").values_list("town_id", flat=True))
    units = list(User.objects.filter(username="police").values_list("unit_id", flat=True))
    if towns or units:
        notices.send_urge(round_, sender=reviewer, town_ids=towns, unit_ids=units, note="请抓紧填报，按期提交。")
