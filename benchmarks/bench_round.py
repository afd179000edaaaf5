"""Times a round at province scale against a real database.

Creates a district of N towns (default 1,300, about 江苏's count of 街镇) with a
round of 41 criteria each, scores most items, then times what users wait for.

Run: .venv/bin/python benchmarks/bench_round.py [towns]
The database is BENCH_DATABASE_URL (default: a new SQLite file in the system
temp folder; a PostgreSQL URL works too, the database is emptied first).
Prints figures; asserts nothing (it is not a test).
"""

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'liuhe-bench.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuhe_portal.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessment import services  # noqa: E402
from assessment.models import District, Review, Rubric, Submission, Town, Transition, User  # noqa: E402
from assessment.workbook import build_round_workbook  # noqa: E402
from scoring.loader import round_results  # noqa: E402


def timed(label, function):
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    print(f"{label}: {(time.perf_counter() - start) * 1000:,.0f} ms, {len(queries)} queries")
    return result


def build(count):
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from assessment.standard import load_default_standard

    rubric = load_default_standard() or Rubric.objects.get()
    district = District.objects.create(name="基准区")
    Town.objects.bulk_create(Town(district=district, name=f"街镇{n:04d}", kind="街道", order=n) for n in range(count))
    reviewer = User.objects.create_user("bench-reviewer", password="bench-pass-1", role=User.Role.REVIEWER)
    round_ = timed(f"open_round ({count} towns × 41)", lambda: services.open_round(
        rubric=rubric, district=district, name="基准考评", opens_on="2026-01-01", closes_on="2026-12-31",
        pass_mark=Decimal("60")))
    timed("score 80% of items (bulk)", lambda: _score_most(round_, reviewer))
    return round_, reviewer


def _score_most(round_, reviewer):
    """Bulk rows stand in for a year of work; the services are timed by the tests, not here."""
    submissions = list(Submission.objects.filter(round=round_).select_related("criterion"))
    scored = [s for i, s in enumerate(submissions) if i % 5]
    Submission.objects.filter(pk__in=[s.pk for s in scored]).update(status=Submission.Status.SCORED)
    Review.objects.bulk_create(
        Review(submission=s, round=round_, points=s.criterion.points, reviewer=reviewer,
               reviewed_at="2026-06-01T00:00:00+08:00")
        for s in scored
    )
    Transition.objects.bulk_create(
        Transition(submission=s, round=round_, from_status="submitted", to_status="scored", actor=reviewer)
        for s in scored
    )
    from scoring.stored import refresh

    refresh(round_)  # bulk rows bypass the services, so the stored results are rebuilt once


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1300
    print(f"database: {connection.vendor}")
    round_, reviewer = build(count)
    results = timed("round_results (loader + engine)", lambda: round_results(round_))
    print(f"  {len(results)} towns ranked, top total {results[0].total}")
    client = Client()
    client.force_login(reviewer)
    for url in ["/results/", "/results/charts/", "/review/?status=scored", f"/results/towns/{results[0].town_id}/"]:
        response = timed(f"GET {url}", lambda url=url: client.get(url))
        print(f"  status {response.status_code}, {len(response.content):,} bytes")
    first = Town.objects.get(pk=results[0].town_id)
    timed("workbook of one town", lambda: build_round_workbook(round_, town=first))
    if count <= 300:
        timed(f"workbook of all {count} towns", lambda: build_round_workbook(round_))
    reset_queries()


if __name__ == "__main__":
    main()
