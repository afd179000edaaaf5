"""Time one API read by how the caller authenticates: an API key, a session, and (when API_BASIC_AUTH=1) HTTP Basic.

Runs in-process with Django's test client against the configured database, which must hold the demo
(`make run`, or `manage.py load_demo`); prints the median and fastest of N alternating calls per method.
Usage: DJANGO_DEBUG=1 [API_BASIC_AUTH=1] python benchmarks/bench_api_auth.py [N]
"""

import base64
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuhe_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from assessment.models import User  # noqa: E402
from integrations.demo import DEMO_CLIENTS  # noqa: E402

URL = "/api/v1/rounds/"
PASSWORD = os.environ.get("DEMO_PASSWORD", "liuhe-demo-2026")


def callers():
    reviewer_key = DEMO_CLIENTS[0][4]
    session = Client()
    session.force_login(User.objects.get(username="reviewer"))
    found = {"api key": (Client(HTTP_AUTHORIZATION=f"Api-Key {reviewer_key}"), {}), "session": (session, {})}
    if settings.API_BASIC_AUTH:
        token = base64.b64encode(f"reviewer:{PASSWORD}".encode()).decode()
        found["basic"] = (Client(HTTP_AUTHORIZATION=f"Basic {token}"), {})
    return found


def main(rounds):
    timings = {name: [] for name in callers()}
    clients = callers()
    for _ in range(rounds):
        for name, (client, extra) in clients.items():
            start = time.perf_counter()
            response = client.get(URL, **extra)
            timings[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
    for name, values in timings.items():
        print(f"{name:8} median {statistics.median(values):7.1f} ms   fastest {min(values):7.1f} ms   ({rounds} calls)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
