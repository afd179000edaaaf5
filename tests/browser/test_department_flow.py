"""区公安分局 in a real browser: 3.4 for all 11 towns on one page, one shared statistics file, one upload."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessment.models import Evidence, EvidenceFile, Figure, Submission
from tests.browser.conftest import login
from tests.factories import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_police_fills_3_4_for_eleven_towns_on_one_page_with_one_upload(page, live_server, police, open_round, criteria,
                                                                       settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cases = criteria["3.4.1"]
    items = list(Submission.objects.filter(round=open_round, criterion=cases).select_related("town").order_by("town__order"))
    towns = [item.town.name for item in items]
    completed_on = timezone.localdate() - datetime.timedelta(days=7)
    loads, uploads = [], []

    def watch(request):
        if request.resource_type == "document":
            loads.append(f"{request.method} {request.url.removeprefix(live_server.url)}")
            # Chromium does not hand Playwright a file upload's body: a multipart POST is a form sent with its file.
            if request.method == "POST" and request.headers.get("content-type", "").startswith("multipart/form-data"):
                uploads.append(request.url.removeprefix(live_server.url))

    login(page, live_server, "police")
    expect(page).to_have_url(f"{live_server.url}/items/")
    page.on("request", watch)

    page.locator("#by-criterion").get_by_role("link", name=re.compile(r"^3\.4\.1")).click()
    expect(page.locator("h1")).to_have_text("3.4.1 利用技防监控系统查破案件情况 · 区公安分局")
    expect(page.locator("#rows tbody tr[data-town]")).to_have_count(11)
    for n, town in enumerate(towns):
        page.get_by_label(f"{town}查破案件总数").fill(str(100 + n))
        page.get_by_label(f"{town}技防监控直接提供线索破案数").fill(str(20 + n))
        page.get_by_label(f"{town}说明").fill(f"{town}全年破案 {100 + n} 起。")
        page.get_by_label(f"{town}完成日期").fill(completed_on.isoformat())
    page.locator("#evidence_file").set_input_files(
        {"name": "2026年破案统计.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.locator("#evidence_description").fill("区公安分局各街镇破案统计表")
    expect(page.locator("#evidence-towns input[type=checkbox]:checked")).to_have_count(11)
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page.locator(".msg-success")).to_have_text([
        "已保存 11 个街镇的填报。", "佐证材料“2026年破案统计.pdf”已上传，关联 11 个街镇。",
    ])
    expect(page.locator("#rows td.evidence a", has_text="2026年破案统计.pdf")).to_have_count(11)
    expect(page.get_by_label(f"{towns[10]}查破案件总数")).to_have_value("110")

    print(f"\n区公安分局 3.4.1 × 11 个街镇：页面加载 {len(loads)} 次 {loads}；上传 {len(uploads)} 次 {uploads}")
    criterion_page = f"/items/criterion/{cases.pk}/?round={open_round.pk}"
    assert loads == [f"GET {criterion_page}", f"POST {criterion_page}", f"GET {criterion_page}"]
    assert uploads == [criterion_page]

    figures = Figure.objects.filter(round=open_round, metric__code__in=["cases_solved", "cases_solved_video"])
    assert {(t, c): v for t, c, v in figures.values_list("town__name", "metric__code", "value")} == {
        **{(town, "cases_solved"): Decimal(100 + n) for n, town in enumerate(towns)},
        **{(town, "cases_solved_video"): Decimal(20 + n) for n, town in enumerate(towns)},
    }
    saved = Submission.objects.filter(round=open_round, criterion=cases).order_by("town__order")
    assert [(s.narrative, s.completed_on) for s in saved] == [
        (f"{town}全年破案 {100 + n} 起。", completed_on) for n, town in enumerate(towns)
    ]
    shared = EvidenceFile.objects.get()
    assert sorted(Evidence.objects.values_list("submission_id", "shared_file_id", "file")) == sorted(
        (item.pk, shared.pk, shared.file.name) for item in items
    )
    on_disk = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [(p.relative_to(tmp_path).as_posix(), p.read_bytes()) for p in on_disk] == [(shared.file.name, PDF_BYTES)]
