"""Every page a role reaches carries the Content-Security-Policy, and none has script the policy would block:
no inline <script> (a json_script data block is not script) and no on...= event handler attribute."""

import re

import pytest
from django.core.management import call_command

from assessment.models import Evidence, Round, Submission, User

PASSWORD = "csp-demo-pass-1"
POLICY = ("form-action 'self'; frame-ancestors 'self'; base-uri 'self'; style-src 'self' 'unsafe-inline'; "
          "default-src 'self'; connect-src 'self'; script-src 'self'; frame-src 'self'; font-src 'self'; "
          "object-src 'self'; img-src 'self' data:")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)

COMMON = ["/standard/", "/rounds/", "/items/", "/review/", "/results/", "/results/charts/", "/messages/",
          "/notices/announcements/", "/appeals/"]
EXTRA = {
    "admin": ["/rounds/new/", "/rounds/setup-check/", "/accounts/import/", "/notices/urge/",
              "/notices/announcements/new/", "/admin/", "/admin/assessment/round/", "/admin/assessment/criterion/"],
    "reviewer": ["/rounds/new/", "/rounds/setup-check/", "/notices/urge/", "/notices/announcements/new/"],
}


def policy_set(response):
    return sorted(part.strip() for part in response["Content-Security-Policy"].split(";"))


def problems(url, response):
    """What is wrong with one answer, as readable strings (empty when all is well)."""
    found = []
    if "Content-Security-Policy" not in response:
        return [f"{url}: no Content-Security-Policy"]
    if policy_set(response) != sorted(part.strip() for part in POLICY.split(";")):
        found.append(f"{url}: policy {response['Content-Security-Policy']}")
    html = response.content.decode()
    found += [f"{url}: inline script {m.group(0)}" for m in INLINE_SCRIPT.finditer(html)]
    found += [f"{url}: event handler {m.group(0)[:120]}" for m in EVENT_HANDLER.finditer(html)]
    return found


def pages_for(user, current):
    """The main pages of the user's role in the open demo round, including one item, its review and results."""
    urls = COMMON + EXTRA.get(user.role, [])
    item = Evidence.objects.filter(submission__round=current).select_related("submission").first().submission
    if user.is_town_official:
        item = Submission.objects.filter(round=current, town=user.town).order_by("pk").first()
        urls += [f"/items/{item.pk}/"]  # its results row only once published
    elif user.is_department_official:
        urls += [f"/items/criterion/{current.submissions.filter(criterion__unit_links__unit=user.unit).first().criterion_id}/"]
    else:
        urls += [f"/items/{item.pk}/", f"/results/towns/{item.town_id}/"]
    if user.can_review:
        urls += [f"/review/{item.pk}/"]
    return urls


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", password=PASSWORD)
    settings.DEBUG = False
    return Round.objects.get(state=Round.State.OPEN)


def test_login_page_has_policy_and_no_inline_script(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert problems("/accounts/login/", response) == []


def test_every_main_page_of_every_role_has_policy_and_no_inline_script(client, demo):
    found, pages, refused = [], {}, {}
    for user in User.objects.filter(password__startswith="md5$").order_by("username"):
        client.force_login(user)
        shown, refused[user.username] = 0, []
        for url in pages_for(user, demo):
            response = client.get(url, {"round": demo.pk} if not url.startswith("/admin/") else {})
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                shown += 1
                found += problems(url, response)
            else:
                refused[user.username].append((url, response.status_code))
        pages[user.username] = shown
        client.logout()
    assert found == []
    # Every role really saw its pages (a redirect or 403 is not a page walked).
    assert pages == {"admin": 20, "city": 9, "leader": 9, "official1": 7, "official2": 7, "police": 7, "province": 9,
                     "reviewer": 16, "transport": 7}
    not_theirs = [("/review/", 403), ("/results/charts/", 403), ("/appeals/", 403)]
    readers = [("/review/", 403), ("/appeals/", 403)]
    assert refused == {"admin": [], "city": readers, "leader": readers, "official1": not_theirs, "province": readers,
                       "official2": not_theirs, "police": not_theirs, "reviewer": [], "transport": not_theirs}
    _pdf_evidence_is_shown_in_a_same_origin_frame(client, demo)


def _pdf_evidence_is_shown_in_a_same_origin_frame(client, demo):
    """The demo is loaded once (it takes a while): the frame check runs on it too."""
    reviewer = User.objects.get(username="reviewer")
    pdf = Evidence.objects.filter(submission__round=demo, kind="pdf").select_related("submission").first()
    client.force_login(reviewer)
    page = client.get(f"/review/{pdf.submission_id}/")
    assert f'<iframe src="/evidence/{pdf.pk}/?inline=1"' in page.content.decode()
    frame = client.get(f"/evidence/{pdf.pk}/", {"inline": "1"})
    assert frame.status_code == 200
    assert "frame-ancestors 'self'" in frame["Content-Security-Policy"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_admin_export_page_attaches_select_all_from_a_static_file(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/assessment/criterion/export/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<script src="/static/js/admin_export.js"></script>' in html
    assert '<script src="/static/import_export/export_selectable_fields.js"></script>' in html
