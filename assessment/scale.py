"""A province-sized data set for load and memory measurements (`manage.py seed_scale`).

Cities (real 江苏 ones), districts and towns, a round per year in every district (the newest
open, the older ones archived), and in every round: 60% of items scored, 20%
submitted, the rest drafts or untouched; figures, evidence rows pointing at one
shared placeholder file, reviews with their history and the workflow's
transitions, then each round's stored results. Rows go in through `bulk_create`, not the services, so 1,300
towns × 41 items × 3 rounds take minutes; the services are exercised by the tests.
Seeded, so two runs with the same arguments give the same data.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.demo import DEMO_PDF, demo_figures
from assessment.models import (
    City,
    Criterion,
    District,
    Evidence,
    EvidenceFile,
    Figure,
    Metric,
    Review,
    Round,
    RoundTransition,
    Rubric,
    Submission,
    Town,
    Transition,
    User,
)
from scoring import stored

SCALE_PREFIX = "scale-"
MARKER_ACCOUNT = "scale-reviewer"  # its existence means the data set is already there
# 江苏's 设区市 with their administrative division codes.
JIANGSU_CITIES = (("南京市", "320100"), ("无锡市", "320200"), ("徐州市", "320300"), ("常州市", "320400"),
                  ("苏州市", "320500"), ("南通市", "320600"), ("连云港市", "320700"), ("淮安市", "320800"),
                  ("盐城市", "320900"), ("扬州市", "321000"), ("镇江市", "321100"), ("泰州市", "321200"),
                  ("宿迁市", "321300"))
# Share of a round's items in each state; what is left over stays untouched (未填报).
STATE_SHARES = (("scored", 0.60), ("submitted", 0.20), ("draft", 0.10))
RETURNED_BEFORE_SCORED = 0.15  # scored items that were sent back once first
BATCH = 5000


class AlreadySeeded(Exception):
    pass


def seed(*, towns, districts, cities, rounds, password, today=None, seed_value=1300, log=print):
    """Create the data set once; raises `AlreadySeeded` if its accounts exist. Returns a dict of counts."""
    if User.objects.filter(username=MARKER_ACCOUNT).exists():
        raise AlreadySeeded(MARKER_ACCOUNT)
    rng = random.Random(seed_value)
    today = today or timezone.localdate()
    rubric = Rubric.objects.order_by("-version").first()
    city_rows = create_cities(cities)
    places = create_places(towns, districts, city_rows)
    log(f"{len(city_rows)} 市, {len(places)} 区, {sum(len(t) for t in places.values())} 街镇")
    accounts = create_accounts(places, password, city_rows[0])
    counts = {"districts": len(places), "towns": sum(len(t) for t in places.values()), "rounds": 0}
    for back in reversed(range(rounds)):
        year = today.year - back
        made = create_year(rubric, places, year, today, accounts, rng, archived=back > 0)
        counts["rounds"] += made
        log(f"{year}: {made} 轮考评")
    return counts


# --------------------------------------------------------------------------- places and people


def create_cities(count):
    """The first `count` cities of 江苏 (at most 13), in code order; ones already in the database are reused."""
    wanted = JIANGSU_CITIES[:count]
    existing = {city.code: city for city in City.objects.filter(code__in=[code for _name, code in wanted])}
    City.objects.bulk_create(City(name=name, code=code) for name, code in wanted if code not in existing)
    return list(City.objects.filter(code__in=[code for _name, code in wanted]).order_by("code"))


def district_sizes(towns, districts):
    """How many towns each district gets: uneven like real ones (weights 1, 2, 3, 4 in turn), at least one each."""
    weights = [1 + n % 4 for n in range(districts)]
    spare = towns - districts
    sizes = [1 + spare * w // sum(weights) for w in weights]
    for n in range(towns - sum(sizes)):  # what the rounding left over, to the heaviest first
        sizes[sorted(range(districts), key=lambda d: -weights[d])[n % districts]] += 1
    return sizes


def create_places(towns, districts, cities):
    """District → its towns; districts spread evenly over `cities` in turn, names like 南京市·规模区003 and
    规模区003第07街道 (the name only reads well: the district's city is its `city`)."""
    made = District.objects.bulk_create(
        District(name=f"{cities[n % len(cities)].name}·规模区{n + 1:03d}", city=cities[n % len(cities)])
        for n in range(districts)
    )
    rows = []
    for district, size in zip(made, district_sizes(towns, districts), strict=True):
        for number in range(1, size + 1):
            kind = Town.Kind.STREET if number % 3 else Town.Kind.TOWN
            rows.append(Town(district=district, name=f"{district.name.split('·')[1]}第{number:02d}{kind.label}",
                             kind=kind, order=number))
    created = Town.objects.bulk_create(rows, batch_size=BATCH)
    places = {district: [] for district in made}
    for town in created:
        places[town.district].append(town)
    return places


def create_accounts(places, password, city):
    """scale-province (no district, no city: the whole province), scale-city (`city`'s districts), scale-reviewer
    and scale-town-<town id> for every town.

    The password is hashed once and shared: hashing it 1,300 times would take longer than the rest.
    """
    hashed = make_password(password)
    users = [
        User(username="scale-province", role=User.Role.VIEWER, last_name="省级领导", password=hashed),
        User(username="scale-city", role=User.Role.VIEWER, last_name="市级领导", city=city, password=hashed),
        User(username=MARKER_ACCOUNT, role=User.Role.REVIEWER, last_name="规模评审员", password=hashed),
    ]
    users += [User(username=f"{SCALE_PREFIX}town-{town.pk}", role=User.Role.TOWN, town=town,
                   last_name=f"{town.name}填报员", password=hashed)
              for towns in places.values() for town in towns]
    User.objects.bulk_create(users, batch_size=BATCH)
    officials = dict(User.objects.filter(username__startswith=f"{SCALE_PREFIX}town-").values_list("town_id", "id"))
    return {"reviewer": User.objects.get(username=MARKER_ACCOUNT), "officials": officials}


# --------------------------------------------------------------------------- rounds


def create_year(rubric, places, year, today, accounts, rng, *, archived):
    """One round per district for `year`, with its items, figures, evidence, reviews and history."""
    opens_on = datetime.date(year, 3, 1) if archived else today - datetime.timedelta(days=45)
    closes_on = datetime.date(year, 11, 30) if archived else today + datetime.timedelta(days=40)
    reviewer = accounts["reviewer"]
    rounds = Round.objects.bulk_create(
        Round(rubric=rubric, district=district, name=f"{district.name} {year}年度技防街镇达标评估",
              opens_on=opens_on, closes_on=closes_on, pass_mark=Decimal("60"),
              state=Round.State.ARCHIVED if archived else Round.State.OPEN)
        for district in places
    )
    _round_transitions(rounds, reviewer, archived)
    criteria = list(Criterion.objects.filter(indicator__section__rubric=rubric).order_by("id"))
    metrics = list(Metric.objects.filter(rubric=rubric))
    shared = _shared_file(reviewer)
    for round_ in rounds:
        fill_round(round_, places[round_.district], criteria, metrics, reviewer, rng, shared=shared,
                   officials=accounts["officials"])
        stored.refresh(round_)  # pages read the stored results, which the services would have kept
    return len(rounds)


def _round_transitions(rounds, reviewer, archived):
    path = ["", Round.State.OPEN]
    if archived:
        path += [Round.State.REVIEWING, Round.State.PUBLISHED, Round.State.ARCHIVED]
    RoundTransition.objects.bulk_create(
        RoundTransition(round=round_, from_state=before, to_state=after, actor=reviewer, reason="规模数据")
        for round_ in rounds for before, after in zip(path, path[1:], strict=False)
    )


def _shared_file(reviewer):
    """The one placeholder PDF every seeded evidence row points at."""
    shared = EvidenceFile.objects.filter(original_name="规模数据佐证材料.pdf").first()
    if shared is None:
        shared = EvidenceFile(original_name="规模数据佐证材料.pdf", kind="pdf", size=len(DEMO_PDF),
                              sha256="0" * 64, uploaded_by=reviewer)
        shared.file.save("scale.pdf", ContentFile(DEMO_PDF), save=True)
    return shared


def item_states(count, rng):
    """`count` item states in the shares of `STATE_SHARES` exactly (rounded), the rest untouched, shuffled."""
    states = [state for state, share in STATE_SHARES for _ in range(round(count * share))]
    states = (states + ["untouched"] * count)[:count]
    rng.shuffle(states)
    return states


def fill_round(round_, towns, criteria, metrics, reviewer, rng, *, shared=None, officials=None):
    """Every (town, criterion) item of the round in a drawn state, with what that state implies."""
    when = timezone.make_aware(datetime.datetime.combine(round_.opens_on, datetime.time(9)))
    states = item_states(len(towns) * len(criteria), rng)
    pairs = [(town, criterion) for town in towns for criterion in criteria]
    items = [_submission(round_, town, criterion, state, when, rng)
             for (town, criterion), state in zip(pairs, states, strict=True)]
    Submission.objects.bulk_create(items, batch_size=BATCH)
    _figures(round_, towns, metrics, rng)
    handed_in = [(item, state) for item, state in zip(items, states, strict=True) if state in ("scored", "submitted")]
    _transitions(handed_in, reviewer, officials or {}, rng)
    if shared is not None:
        Evidence.objects.bulk_create(
            (Evidence(submission=item, file=shared.file.name, shared_file=shared, original_name=shared.original_name,
                      description="工作台账及现场照片", kind="pdf", size=shared.size, sha256=shared.sha256)
             for item, _state in handed_in), batch_size=BATCH)
    reviews = [Review(submission=item, round=round_, points=_points(item.criterion, rng),
                      comment="材料齐全，符合要求。", reviewer=reviewer, reviewed_at=when + datetime.timedelta(days=30))
               for item, state in handed_in if state == "scored"]
    bulk_create_with_history(reviews, Review, batch_size=BATCH, default_user=reviewer,
                             default_date=when + datetime.timedelta(days=30))


def _submission(round_, town, criterion, state, when, rng):
    item = Submission(round=round_, town=town, criterion=criterion, status=Submission.Status.DRAFT)
    if state == "untouched":
        return item
    item.started, item.version = True, 1
    item.narrative = f"{town.name}已按要求完成“{criterion.title}”相关工作。"
    item.completed_on = round_.opens_on + datetime.timedelta(days=rng.randint(0, 120))
    if state in ("scored", "submitted"):
        item.status = Submission.Status(state)
        item.version = 2
        item.submitted_at = when + datetime.timedelta(days=rng.randint(0, 40))
    return item


def _points(criterion, rng):
    return (criterion.points * Decimal(rng.randint(5, 10)) / 10).quantize(Decimal("0.1"))


def _figures(round_, towns, metrics, rng):
    rows = []
    for town in towns:
        values = demo_figures(rng)
        rows += [Figure(round=round_, town=town, metric=m, value=values[m.code]) for m in metrics if m.code in values]
    Figure.objects.bulk_create(rows, batch_size=BATCH)


def _transitions(handed_in, reviewer, officials, rng):
    """draft → submitted for every handed-in item; for scored ones → scored, some after one return first."""
    rows = []
    for item, state in handed_in:
        official = officials.get(item.town_id)  # user id of the town's account

        def step(before, after, actor_id, comment="", item=item):
            return Transition(submission=item, round_id=item.round_id, from_status=before, to_status=after,
                              actor_id=actor_id, comment=comment)

        rows.append(step("draft", "submitted", official))
        if state != "scored":
            continue
        if rng.random() < RETURNED_BEFORE_SCORED:
            rows += [step("submitted", "returned", reviewer.pk, "佐证材料不完整，请补充现场照片。"),
                     step("returned", "submitted", official)]
        rows.append(step("submitted", "scored", reviewer.pk))
    Transition.objects.bulk_create(rows, batch_size=BATCH)
