"""Times the results page, the results API and the drill-down of one round beside the raw SQL floor.

Builds a round of N towns (default 300) × 41 criteria in an emptied database, scores 80% of the items in bulk, then
times each page (median of several GETs, with its number of queries) and the floor: one GROUP BY town × 一类指标
over the round's scored items in raw SQL, which is the least any results page must read.

Run: .venv/bin/python benchmarks/bench_results.py [towns] [repeats]
The database is BENCH_DATABASE_URL (default: a new SQLite file in the system temp folder; a PostgreSQL URL works
too, the database is emptied first). Prints figures; asserts nothing (it is not a test).
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'liuhe-bench-results.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuhe_portal.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessment import services  # noqa: E402
from assessment.models import District, Review, Rubric, Submission, Town, User  # noqa: E402

FLOOR = """
SELECT s.town_id, i.section_id, SUM(r.points)
FROM assessment_submission s
JOIN assessment_review r ON r.submission_id = s.id
JOIN assessment_criterion c ON c.id = s.criterion_id
JOIN assessment_indicator i ON i.id = c.indicator_id
WHERE s.round_id = %s AND s.status = 'scored'
GROUP BY s.town_id, i.section_id
"""


def build(count):
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from assessment.standard import load_default_standard

    rubric = load_default_standard() or Rubric.objects.get()
    district = District.objects.create(name="基准区")
    Town.objects.bulk_create(Town(district=district, name=f"街镇{n:04d}", kind="街道", order=n) for n in range(count))
    reviewer = User.objects.create_user("bench-reviewer", password="bench-pass-1", role=User.Role.REVIEWER)
    round_ = services.open_round(rubric=rubric, district=district, name="基准考评", opens_on="2026-01-01",
                                 closes_on="2026-12-31", pass_mark=Decimal("60"))
    submissions = list(Submission.objects.filter(round=round_).select_related("criterion"))
    scored = [s for i, s in enumerate(submissions) if i % 5]
    Submission.objects.filter(pk__in=[s.pk for s in scored]).update(status=Submission.Status.SCORED,
                                                                   completed_on="2026-06-01")
    # Points vary by town so the ranks are not all ties.
    extra = {"round": round_} if any(f.name == "round" for f in Review._meta.fields) else {}
    Review.objects.bulk_create(
        Review(submission=s, points=(s.criterion.points * (s.town_id % 7 + 3) / 10).quantize(Decimal("0.1")),
               reviewer=reviewer, reviewed_at="2026-06-01T00:00:00+08:00", **extra)
        for s in scored
    )
    try:
        from scoring.stored import refresh
    except ImportError:
        pass  # a version of the portal that computes results on every read
    else:
        refresh(round_)
    return round_, reviewer


def timed(label, function, repeats):
    function()  # warm caches and the connection
    times, queries = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            function()
        times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    median = statistics.median(times)
    print(f"{label}: median {median:,.1f} ms of {repeats}, {queries} queries")
    return median


def floor(round_):
    with connection.cursor() as cursor:
        cursor.execute(FLOOR, [round_.pk])
        return cursor.fetchall()


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    print(f"database: {connection.vendor}, {count} towns × 41 criteria")
    round_, reviewer = build(count)
    client = Client()
    client.force_login(reviewer)
    town = Town.objects.filter(district=round_.district).order_by("order").first()
    base = timed("raw SQL GROUP BY town × section (floor)", lambda: floor(round_), repeats)
    for label, url in [("results page", f"/results/?round={round_.pk}"), ("results API", f"/api/results/?round={round_.pk}"),
                       ("drill-down", f"/results/towns/{town.pk}/?round={round_.pk}")]:
        median = timed(f"GET {label}", lambda url=url: client.get(url), repeats)
        print(f"  {median / base:,.1f} × the floor")
    try:
        from scoring import stored
    except ImportError:
        return
    # What each write now adds: its town recomputed and the round re-ranked; and a whole round, as after a setting.
    timed("refresh one town (added to each write)", lambda: stored.refresh(round_, [town.pk]), repeats)
    timed("refresh the whole round", lambda: stored.refresh(round_), 3)


if __name__ == "__main__":
    main()
