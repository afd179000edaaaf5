"""Bad parameters never cause a 500.

A sweep over every URL pattern of the URLconf (the admin aside): each id-like
or numeric query parameter the views read gets each malformed value, and each
path id a number no database column can hold, for an anonymous user, a
superuser (who reviews), a town official and a department official. Every
failure is collected, so one run lists them all.

Pages answer 400 or 404 with the Chinese error page; under /api/ every 4xx is
JSON with a Chinese `detail`.
"""

import re
from contextlib import ExitStack, contextmanager
from unittest import mock

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from assessment.models import Evidence, ExportJob
from tests.factories import publish

QUERY_PARAMS = [
    "round", "town", "section", "status", "deadline", "page", "limit", "offset", "version", "criterion", "inline",
]
HUGE = "9" * 30  # far beyond PostgreSQL bigint
BAD_VALUES = ["abc", "1.5", "-1", "\x00", HUGE]  # the test client sends "\x00" as %00
# Form fields read by views that accept POST, by URL name.
POST_FIELDS = {"round-export": ["round"], "submission": ["version"], "review": ["version"]}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def url_patterns(patterns=None, prefix=""):
    """(route, name) of every endpoint, resolvers followed recursively; the admin is left out."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        assert isinstance(entry.pattern, RoutePattern), f"the sweep substitutes path() routes only: {entry.pattern}"
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, route)
        else:
            assert isinstance(entry, URLPattern)
            yield route, entry.name


def fill(route, value):
    """The route with every path parameter set to `value`."""
    return "/" + CONVERTER.sub(str(value), route)


@pytest.fixture
def sweep_data(open_round, scored_a, town_a, admin_user, official_a, police):
    """A round with a scored, evidenced item whose results are published, so every page reads its parameters."""
    publish(open_round)
    users = {"anonymous": None, "superuser": admin_user, "town": official_a, "department": police}
    jobs = {
        label: ExportJob.objects.create(round=open_round, requested_by=user, filename="x.xlsx").pk
        for label, user in users.items() if user is not None
    }
    evidence = Evidence.objects.filter(submission=scored_a).first()
    ids = {
        "submission": scored_a.pk, "review": scored_a.pk, "api-submission": scored_a.pk,
        "evidence": evidence.pk, "evidence-delete": evidence.pk,
        "town-results": town_a.pk, "town-export": town_a.pk,
    }
    return users, jobs, ids


def send(client, method, url, data):
    """One request in a savepoint, so a database error it causes cannot spoil the requests after it."""
    savepoint = transaction.savepoint()
    response = getattr(client, method.lower())(url, data)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


def check(response, label, method, url, data, failures):
    status = response.status_code
    where = f"{label} {method} {url} {data!r} -> {status}"
    if status >= 500:
        failures.append(where)
    elif 400 <= status < 500 and url.startswith("/api/"):
        if not response.get("Content-Type", "").startswith("application/json"):
            failures.append(f"{where}: not JSON ({response.get('Content-Type')})")
        elif not CHINESE.search(str(response.json().get("detail", "")) if isinstance(response.json(), dict) else ""):
            failures.append(f"{where}: no Chinese detail: {response.content[:200]!r}")
    elif status in (400, 404) and not CHINESE.search(response.content.decode(errors="replace")):
        failures.append(f"{where}: error page is not the Chinese one")


@contextmanager
def keys_read():
    """Every key any QueryDict (request.GET, request.POST, DRF's query_params, their copies) is asked for meanwhile."""
    keys = set()

    def recording(method):
        def wrapper(self, key, *args, **kwargs):
            keys.add(key)
            return method(self, key, *args, **kwargs)

        return wrapper

    with ExitStack() as stack:
        for name in ("__getitem__", "__contains__", "get", "_getlist"):
            stack.enter_context(mock.patch.object(QueryDict, name, recording(getattr(QueryDict, name))))
        yield keys


def test_malformed_parameters_never_cause_a_server_error(sweep_data):
    """Each parameter a view reads (found by watching a plain request to it) gets each bad value on its own;
    the listed parameters it ignores get them all at once, which is as good and far quicker."""
    users, jobs, ids = sweep_data
    routes = list(url_patterns())
    assert any(name == "api-submissions" for _, name in routes) and any(name == "round-export" for _, name in routes)
    failures, reads = [], {}
    for label, user in users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        path_ids = {**ids, **dict.fromkeys(["export-job", "export-job-status", "export-job-download"], jobs.get(label, 1))}
        for route, name in routes:
            url = fill(route, path_ids.get(name, 1))
            with keys_read() as read:
                check(send(client, "GET", url, {}), label, "GET", url, {}, failures)
            reads[label, name] = read
            for value in BAD_VALUES:
                for param in sorted(read):
                    check(send(client, "GET", url, {param: value}), label, "GET", url, {param: value}, failures)
                ignored = dict.fromkeys(set(QUERY_PARAMS) - read, value)
                check(send(client, "GET", url, ignored), label, "GET", url, ignored, failures)
                for field in POST_FIELDS.get(name, []):
                    check(send(client, "POST", url, {field: value}), label, "POST", url, {field: value}, failures)
            if CONVERTER.search(route):
                huge_url = fill(route, HUGE)
                check(send(client, "GET", huge_url, {}), label, "GET", huge_url, {}, failures)
    # The watch works: parameters known to be read were seen being read.
    assert {"round", "town", "status", "page"} <= reads["superuser", "dashboard"]
    assert {"round", "town", "section", "deadline", "page"} <= reads["superuser", "review-queue"]
    assert {"round", "limit", "offset", "criterion"} <= reads["town", "api-submissions"]
    assert failures == []
