"""Fuzzing /api/v1/ from its own OpenAPI schema with schemathesis, every check on, as four callers: a reviewer's,
a department's and a town's API client, and nobody. Any failure fails the test; the run is bounded by the number
of examples per operation and mode (about a minute on the CI machine)."""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

from assessment.models import ResponsibleUnit
from integrations.clients import create_client

EXAMPLES = 6  # per operation and generation mode, for each caller
SKIPPED_CHECKS = {
    # Compares the answers of two different accounts; it needs a second account per role, which this run has not.
    "object_level_authorization",
}


@pytest.fixture
def callers(open_round, scored_a, town_a, official_a, reviewer):
    """The four callers' headers (no header for nobody); the round has a scored item, so lists are not empty."""
    unit = ResponsibleUnit.objects.get(name="区公安分局")
    fast = "100000/min"  # the fuzzer must not meet the throttle
    keys = {
        "reviewer": create_client("区综治中心", role="reviewer", district=open_round.district, rate=fast)[1],
        "department": create_client("公安视频平台", role="department", district=open_round.district, unit=unit,
                                    rate=fast)[1],
        "town": create_client("雄州街道系统", role="town", town=town_a, rate=fast)[1],
    }
    headers = {name: {"Authorization": f"Api-Key {key}"} for name, key in keys.items()}
    return {**headers, "anonymous": {}}


def all_checks():
    load_all_checks()
    return [check for check in CHECKS.get_all() if getattr(check, "__name__", "") not in SKIPPED_CHECKS]


def fuzz(schema, headers, checks):
    """Run every operation in both generation modes; return (cases sent, failures as text)."""
    sent, failures = [0], []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def run(case):
                sent[0] += 1
                case.call_and_validate(headers=headers, checks=checks)

            try:
                run()
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 (each is reported with its operation)
                failures.append(f"{operation.method.upper()} {operation.path} [{mode}]: {error}")
    return sent[0], failures


@pytest.fixture
def wsgi_app(settings):
    """The portal's WSGI application inside the test's transaction: like Django's test client, requests must not
    close the test's database connection."""
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis's WSGI client sends
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("caller", ["reviewer", "department", "town", "anonymous"])
def test_schemathesis_finds_nothing(callers, caller, capsys, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app, headers=callers["reviewer"])
    started = time.monotonic()
    sent, failures = fuzz(schema, callers[caller], all_checks())
    with capsys.disabled():
        print(f"\nschemathesis {caller}: {sent} cases, {len(failures)} failures, {time.monotonic() - started:.1f} s")
    assert failures == [], "\n\n".join(failures)
