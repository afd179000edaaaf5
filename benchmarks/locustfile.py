"""A working day at province scale, against gunicorn on 127.0.0.1 and a database filled by `seed_scale`.

Town officials open their 待办 and items and save drafts; 20 reviewers open the queue and score; 5 leaders read
results and charts. See benchmarks/README.md for how to run it.

Users start logged in: their sessions are written straight into the session store, as a login would, so the
run measures a working day rather than 50 password hashings at once. Run it with the same DATABASE_URL and
SECRET_KEY as the server (the session's auth hash is signed with it).
"""

import os
import random
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task

ITEM_LINK_RE = re.compile(r'href="/items/(\d+)/')
REVIEW_LINK_RE = re.compile(r'href="/review/(\d+)/')
TOWN_LINK_RE = re.compile(r'href="/results/towns/(\d+)/')
_TOWN_ACCOUNTS = []


def _django():
    if not _TOWN_ACCOUNTS:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuhe_portal.settings")
        import django

        django.setup()
        from assessment.models import User

        _TOWN_ACCOUNTS.extend(User.objects.filter(username__startswith="scale-town-").values_list("username", flat=True))


def town_accounts():
    """Every seeded town official's username, read once from the database."""
    _django()
    return _TOWN_ACCOUNTS


def logged_in_session(username):
    """(cookie name, key) of a new session logged in as `username`, written as `django.contrib.auth.login` does."""
    _django()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from assessment.models import User

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    # The backend a password login records: the one that can load the user back (the lockout backend cannot).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user"))
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return settings.SESSION_COOKIE_NAME, store.session_key


class FormFields(HTMLParser):
    """The named fields of the first form holding a field called `marker`: name → value, as a browser would send."""

    def __init__(self, marker):
        super().__init__()
        self.marker, self.fields, self.current, self.found, self.textarea = marker, {}, None, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found:
            self.current = {}
        elif self.current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            if attrs.get("type") in ("submit", "file", "checkbox") and "checked" not in attrs:
                return
            self.current[attrs["name"]] = attrs.get("value") or ""
            self.textarea = attrs["name"] if tag == "textarea" else None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        if tag == "form" and self.current is not None:
            if self.marker in self.current and not self.found:
                self.fields, self.found = self.current, True
            self.current = None


def form_fields(html, marker):
    parser = FormFields(marker)
    parser.feed(html)
    return parser.fields


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        name, key = logged_in_session(self.account())
        self.client.cookies.set(name, key)

    def account(self):
        return self.username


class TownOfficial(PortalUser):
    """Opens the 待办, one of the town's items, and saves it as a draft now and then."""

    def account(self):
        return random.choice(town_accounts())

    @task(3)
    def todo_and_item(self):
        todo = self.client.get("/items/", name="/items/ (待办)").text
        ids = ITEM_LINK_RE.findall(todo)
        if ids:
            self.client.get(f"/items/{random.choice(ids)}/", name="/items/[id]/")

    @task(1)
    def save_draft(self):
        ids = ITEM_LINK_RE.findall(self.client.get("/items/", name="/items/ (待办)").text)
        if not ids:
            return
        item = random.choice(ids)
        fields = form_fields(self.client.get(f"/items/{item}/", name="/items/[id]/").text, "narrative")
        if "version" not in fields:
            return  # read only: handed in already
        fields.update(narrative="已按要求完成相关工作（压力测试草稿）。", action="save")
        self.client.post(f"/items/{item}/", data=fields, name="/items/[id]/ (保存草稿)")


class Reviewer(PortalUser):
    """Opens the review queue and scores an item from it."""

    fixed_count = 20
    username = "scale-reviewer"

    @task
    def queue_and_score(self):
        ids = REVIEW_LINK_RE.findall(self.client.get("/review/", name="/review/ (queue)").text)
        if not ids:
            return
        item = random.choice(ids)
        page = self.client.get(f"/review/{item}/", name="/review/[id]/").text
        fields = form_fields(page, "points")
        maximum = re.search(r'name="points"[^>]*max="([\d.]+)"|max="([\d.]+)"[^>]*name="points"', page)
        if "version" not in fields or maximum is None:
            return
        top = float(next(group for group in maximum.groups() if group))
        fields.update(points=f"{top:.1f}", comment="材料齐全。", override_reason="压力测试评分", action="score")
        self.client.post(f"/review/{item}/", data=fields, name="/review/[id]/ (评分)")


class Leader(PortalUser):
    """Reads results, charts and a town's drill-down."""

    fixed_count = 5
    username = "scale-province"

    @task(2)
    def results(self):
        page = self.client.get("/results/", name="/results/").text
        towns = TOWN_LINK_RE.findall(page)
        if towns:
            self.client.get(f"/results/towns/{random.choice(towns)}/", name="/results/towns/[id]/")

    @task(1)
    def charts(self):
        self.client.get("/results/charts/", name="/results/charts/")
