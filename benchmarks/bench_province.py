"""Measures the portal at province scale against a database filled by `manage.py seed_scale`.

Run (the database must already be seeded; nothing is written to it):

    DATABASE_URL=postgres://…/liuhe_scale .venv/bin/python benchmarks/bench_province.py --password P

Collects the static files first (DEBUG is off, so pages need their manifest), then starts gunicorn (2 workers,
DEBUG off, 127.0.0.1) and stops it by its PID. The seeded accounts have no authenticator, so two-factor login is
off unless REQUIRE_2FA is set. Every measure is printed beside a floor measured in the same run, the ratio and the
goal, then once more as `BENCH {json}` lines. Asserts nothing (it is not a test).
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuhe_portal.settings")
os.environ["DJANGO_DEBUG"] = ""
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("REQUIRE_2FA", "")

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECTION_SQL = """
    SELECT s.town_id, sec.code, COALESCE(SUM(r.points), 0)
    FROM assessment_submission s
    JOIN assessment_criterion c ON c.id = s.criterion_id
    JOIN assessment_indicator i ON i.id = c.indicator_id
    JOIN assessment_section sec ON sec.id = i.section_id
    LEFT JOIN assessment_review r ON r.submission_id = s.id AND s.status = 'scored'
    WHERE s.round_id = %s
    GROUP BY s.town_id, sec.code
"""
ROWS = []  # (measure, value, unit, floor, goal, met)
PARTS = ("pages", "throughput", "workbook", "queries", "older")


def main():
    options = _arguments()
    if options.child:
        return _child(options)
    import django

    django.setup()
    _collect_static()
    print(f"database: {_database_name()}")
    context = _context()
    print(f"rounds: {context['rounds']}, towns: {context['towns']}; measured round {context['round'].pk} "
          f"({context['size']} towns), small round {context['small'].pk} ({context['small_size']} towns)")
    parts = set(options.only or PARTS)
    if parts & {"pages", "throughput"}:
        with _gunicorn(options.port) as base:
            if "pages" in parts:
                _page_times(context, Session(base, "scale-reviewer", options.password), options.repeat)
            if "throughput" in parts:
                _throughput(context, base, options.password, options.seconds)
    if "workbook" in parts:
        _workbook_memory(context)
    if "queries" in parts:
        _query_counts(context)
    if "older" in parts:
        _older_rounds(context, options.repeat)
    _print_table()
    return 0


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--password", default=os.environ.get("SCALE_PASSWORD", ""), help="seed_scale 的密码")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--repeat", type=int, default=15, help="N of each median")
    parser.add_argument("--seconds", type=float, default=10, help="length of each throughput run")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts (default: all)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "ARG", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args()


# --------------------------------------------------------------------------- what is measured


def _collect_static():
    """With DEBUG off pages name their static files through the manifest, which only collectstatic writes."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _database_name():
    from django.db import connection

    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def _context():
    """The newest open round of the largest district (and of the smallest, for query counts at two sizes)."""
    from django.db.models import Count

    from assessment.models import Round, Submission, Town

    open_rounds = Round.objects.filter(state=Round.State.OPEN, district__name__contains="规模区").annotate(
        towns=Count("district__towns"))
    largest, smallest = open_rounds.order_by("-towns", "id").first(), open_rounds.order_by("towns", "id").first()
    town = Town.objects.filter(district_id=largest.district_id).order_by("order", "id").first()
    item = Submission.objects.filter(round=largest, town=town, status=Submission.Status.SUBMITTED).first()
    return {"round": largest, "size": largest.towns, "small": smallest, "small_size": smallest.towns, "town": town,
            "item": item, "rounds": Round.objects.count(), "towns": Town.objects.count()}


def _page_times(context, session, repeat):
    round_id, town_id = context["round"].pk, context["town"].pk
    floor = _median(lambda: _section_sql(round_id), repeat)
    for label, url in (("results page", f"/results/?round={round_id}"), ("results API", f"/api/results/?round={round_id}")):
        _row(f"{label} (median of {repeat})", _median(lambda url=url: session.get(url), repeat), "ms",
             floor, "≤ 2× raw SQL GROUP BY town × section", lambda v, f: v <= 2 * f)
    for label, url in (("town drill-down", f"/results/towns/{town_id}/?round={round_id}"),
                       ("one town's workbook", f"/results/towns/{town_id}/export/?round={round_id}")):
        _row(f"{label} (median of {repeat})", _median(lambda url=url: session.get(url), repeat), "ms",
             None, "≤ 50 ms", lambda v, f: v <= 50)


def _section_sql(round_id):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SECTION_SQL, [round_id])
        return cursor.fetchall()


def _throughput(context, base, password, seconds):
    round_id = context["round"].pk
    login = _rate(base, None, password, ["/accounts/login/"], seconds)
    for label, urls in (("results", [f"/results/?round={round_id}"]),
                        ("charts", [f"/results/charts/?round={round_id}"])):
        rate = _rate(base, "scale-province", password, urls, seconds)
        _row(f"{label} throughput (req/s, 4 threads)", rate, "req/s", login, "≥ 10% of the login page",
             lambda v, f: v >= 0.1 * f)


def _rate(base, username, password, urls, seconds, threads=4):
    """Requests per second that `threads` clients, each with its own session, complete in `seconds`."""
    sessions = [Session(base, username, password) if username else Session(base) for _ in range(threads)]
    done, stop = [0] * threads, time.perf_counter() + seconds

    def run(index):
        while time.perf_counter() < stop:
            sessions[index].get(urls[done[index] % len(urls)])
            done[index] += 1

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - started)


def _workbook_memory(context):
    """The round workbook and openpyxl's write-only mode writing the same cells, each in its own process."""
    with tempfile.TemporaryDirectory() as folder:
        ours = Path(folder) / "round.xlsx"
        seconds, peak = _run_child("workbook", str(context["round"].pk), ours)
        cells = Path(folder) / "cells.jsonl"
        _dump_cells(ours, cells)
        floor_seconds, floor_peak = _run_child("openpyxl", str(cells), Path(folder) / "floor.xlsx")
    size = context["size"]
    _row(f"round workbook, {size} towns: wall time", seconds * 1000, "ms", floor_seconds * 1000,
         "≤ 1.5× openpyxl write-only", lambda v, f: v <= 1.5 * f)
    _row(f"round workbook, {size} towns: peak RSS", peak, "MB", floor_peak, "≤ 300 MB", lambda v, f: v <= 300)


def _run_child(kind, argument, output):
    """(seconds the child spent writing, its peak resident memory in MB) from a fresh interpreter.

    The child reports its own VmHWM: wait4's ru_maxrss would also count this process's memory at the fork.
    """
    done = subprocess.run([sys.executable, __file__, "--child", kind, argument, str(output)],
                          stdout=subprocess.PIPE, env=os.environ.copy(), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed: {done.returncode}")
    seconds, peak_kb = done.stdout.decode().strip().splitlines()[-1].split()
    return float(seconds), int(peak_kb) / 1024


def _dump_cells(workbook_path, cells_path):
    """Every sheet's cell values as JSON lines, for the floor to write back."""
    import datetime
    from decimal import Decimal

    import openpyxl

    def plain(value):
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        return float(value) if isinstance(value, Decimal) else value

    book = openpyxl.load_workbook(workbook_path, read_only=True)
    with cells_path.open("w", encoding="utf-8") as out:
        for sheet in book.worksheets:
            out.write(json.dumps({"sheet": sheet.title}, ensure_ascii=False) + "\n")
            for row in sheet.iter_rows(values_only=True):
                out.write(json.dumps([plain(v) for v in row], ensure_ascii=False) + "\n")
    book.close()


def _child(options):
    """In a fresh interpreter with Django set up alike: write one workbook, print its seconds and peak memory."""
    import django

    django.setup()
    kind, argument, output = options.child
    started = time.perf_counter()
    if kind == "workbook":
        from assessment.models import Round
        from assessment.workbook import write_round_workbook

        write_round_workbook(Round.objects.get(pk=int(argument)), output)
    else:
        _write_only(argument, output)
    print(time.perf_counter() - started, _peak_kb())
    return 0


def _peak_kb():
    """This process's peak resident memory (VmHWM, kB), which starts afresh at exec."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def _write_only(cells_path, output):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = None
    with open(cells_path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if isinstance(row, dict):
                sheet = book.create_sheet(row["sheet"])
            else:
                sheet.append(row)
    book.save(output)


def _query_counts(context):
    """Queries per page, test client in this process, for the small and the large district's round."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessment.models import Submission, Town, User

    counts = {}
    for key, round_ in (("small", context["small"]), ("large", context["round"])):
        town = Town.objects.filter(district_id=round_.district_id).order_by("order", "id").first()
        item = Submission.objects.filter(round=round_, town=town).order_by("id").first()
        official = User.objects.get(username=f"scale-town-{town.pk}")
        pages = {
            "results": ("scale-reviewer", f"/results/?round={round_.pk}"),
            "charts": ("scale-reviewer", f"/results/charts/?round={round_.pk}"),
            "results API": ("scale-reviewer", f"/api/results/?round={round_.pk}"),
            "drill-down": ("scale-reviewer", f"/results/towns/{town.pk}/?round={round_.pk}"),
            "town workbook": ("scale-reviewer", f"/results/towns/{town.pk}/export/?round={round_.pk}"),
            "review queue": ("scale-reviewer", f"/review/?round={round_.pk}"),
            "review item": ("scale-reviewer", f"/review/{item.pk}/"),
            "rounds": ("scale-reviewer", "/rounds/"),
            "待办 (items)": (official.username, f"/items/?round={round_.pk}"),
            "item": (official.username, f"/items/{item.pk}/"),
        }
        for page, (username, url) in pages.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            counts.setdefault(page, {})[key] = (len(queries), status)
    for page, sizes in counts.items():
        (small, small_status), (large, large_status) = sizes["small"], sizes["large"]
        _row(f"queries: {page} ({context['small_size']} → {context['size']} towns; HTTP {small_status}/{large_status})",
             large, "queries", small, "same at both sizes", lambda v, f: v == f)


def _older_rounds(context, repeat):
    """Results and charts with every year's rounds in the database, then with the older years deleted (rolled back)."""
    from django.db import connection, transaction
    from django.test import Client

    from assessment.models import Round, User

    round_id = context["round"].pk
    client = Client()
    client.force_login(User.objects.get(username="scale-reviewer"))
    urls = {"results": f"/results/?round={round_id}", "charts": f"/results/charts/?round={round_id}"}
    with_older = {name: _median(lambda url=url: client.get(url), repeat) for name, url in urls.items()}
    older = list(Round.objects.exclude(state=Round.State.OPEN).values_list("id", flat=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Foreign keys are checked at commit, which never comes: the rows only disappear for this measurement.
            for table, column in (("assessment_review", "submission_id"), ("assessment_transition", "submission_id"),
                                  ("assessment_evidence", "submission_id")):
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN "
                               "(SELECT id FROM assessment_submission WHERE round_id = ANY(%s))", [older])
            cursor.execute("DELETE FROM scoring_sectionresult WHERE result_id IN "
                           "(SELECT id FROM scoring_townresult WHERE round_id = ANY(%s))", [older])
            for table in ("assessment_figure", "assessment_submission", "assessment_roundtransition",
                          "scoring_townresult"):
                cursor.execute(f"DELETE FROM {table} WHERE round_id = ANY(%s)", [older])
            cursor.execute("DELETE FROM assessment_round WHERE id = ANY(%s)", [older])
            cursor.execute("ANALYZE")
        alone = {name: _median(lambda url=url: client.get(url), repeat) for name, url in urls.items()}
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for name in urls:
        _row(f"{name} with {len(older)} older rounds present (in-process)", with_older[name], "ms", alone[name],
             "≤ 1.2× with only the current year's rounds", lambda v, f: v <= 1.2 * f)


# --------------------------------------------------------------------------- plumbing


class Session:
    """A logged-in (or anonymous) HTTP client with its own cookies; `get` raises on any status but 200."""

    def __init__(self, base, username=None, password=None):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        if username:
            page = self.get("/accounts/login/")
            token = CSRF_RE.search(page).group(1)
            data = urllib.parse.urlencode({"username": username, "password": password,
                                           "csrfmiddlewaretoken": token}).encode()
            landed = self.opener.open(f"{base}/accounts/login/", data)
            if "/accounts/login/" in landed.geturl():
                raise RuntimeError(f"login of {username} failed: is --password the seed_scale password?")

    def get(self, path):
        with self.opener.open(f"{self.base}{path}") as response:
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            return response.read().decode("utf-8", "replace")


class _gunicorn:
    """gunicorn with 2 sync workers on 127.0.0.1, DEBUG off; stopped by its PID."""

    def __init__(self, port):
        self.port = port

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "liuhe_portal.wsgi", "--workers", "2",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=os.environ.copy(),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return f"http://127.0.0.1:{self.port}"
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.kill(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def _median(function, repeat):
    function()  # warm: the first request of a worker pays for imports and connections
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def _row(measure, value, unit, floor, goal, check):
    met = check(value, floor)
    ROWS.append((measure, value, unit, floor, goal, met))


def _print_table():
    print()
    print(f"{'measure':<72} {'value':>10} {'floor':>10} {'ratio':>7}  goal")
    for measure, value, unit, floor, goal, met in ROWS:
        ratio = f"{value / floor:.2f}" if floor else "—"
        floor_text = f"{floor:,.1f}" if floor is not None else "—"
        print(f"{measure:<72} {value:>10,.1f} {floor_text:>10} {ratio:>7}  {goal} "
              f"[{'met' if met else 'MISSED'}] ({unit})")
    print()
    for measure, value, unit, floor, goal, met in ROWS:
        print("BENCH " + json.dumps({"measure": measure, "value": round(value, 3), "unit": unit,
                                     "floor": None if floor is None else round(floor, 3),
                                     "ratio": round(value / floor, 3) if floor else None, "goal": goal, "met": met},
                                    ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
