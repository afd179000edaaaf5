"""按考察点填报: a department answers one criterion for all its towns on one page, with one shared upload."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Criterion, Evidence, EvidenceFile, Figure, ResponsibleUnit, Submission, Town
from tests.factories import EXE_BYTES, PDF_BYTES, UserFactory, add_towns, upload

Status = Submission.Status
DONE = "2026-10-01"


@pytest.fixture
def client_p(client, police):
    client.force_login(police)
    return client


@pytest.fixture
def cases(criteria):
    """3.4.1 支撑打击: 区公安分局 reports, for every town, cases solved and those solved from surveillance."""
    return criteria["3.4.1"]


@pytest.fixture
def platform(criteria):
    """2.3① 区级平台: answered once for the whole district."""
    return criteria["2.3①"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(criterion, round_):
    return f"{reverse('department-criterion', args=[criterion.pk])}?round={round_.pk}"


def items_of(round_, criterion):
    return list(Submission.objects.filter(round=round_, criterion=criterion).select_related("town").order_by("town__order"))


def row(item, *, narrative="", completed_on="", solved="", video="", version=None, figure_versions="{}"):
    p = f"s{item.pk}-"
    return {
        p + "version": str(item.version if version is None else version), p + "figure_versions": figure_versions,
        p + "narrative": narrative, p + "completed_on": completed_on,
        p + "metric_cases_solved": solved, p + "metric_cases_solved_video": video,
    }


def eleven_rows(items, **overrides):
    data = {"row": [str(i.pk) for i in items], "action": "save"}
    for n, item in enumerate(items):
        data |= row(item, narrative=f"{item.town.name}破案情况", completed_on=DONE, solved=str(100 + n), video=str(20 + n))
    data |= overrides
    return data


def stored(round_):
    rows = Figure.objects.filter(round=round_, metric__code__in=["cases_solved", "cases_solved_video"])
    return {(town, code): value for town, code, value in rows.values_list("town__name", "metric__code", "value")}


def files_on_disk(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- the page and one POST for 11 towns


def test_page_lists_every_town_police_answers(client_p, open_round, cases):
    response = client_p.get(url(cases, open_round))
    assert response.status_code == 200
    assert [row.item.town.name for row in response.context["rows"]] == list(
        Town.objects.order_by("order").values_list("name", flat=True)
    )
    assert len(response.context["rows"]) == 11
    page = response.content.decode()
    assert "逐行保存" in page and "其余各行照常保存" in page
    assert page.count('name="evidence_for"') == 11 and page.count("checked") == 11


def test_eleven_towns_saved_in_one_post(client_p, open_round, cases, police):
    items = items_of(open_round, cases)
    response = client_p.post(url(cases, open_round), eleven_rows(items))
    assert response.status_code == 302
    assert response["Location"] == url(cases, open_round)
    expected = {}
    for n, item in enumerate(items):
        expected[(item.town.name, "cases_solved")] = Decimal(100 + n)
        expected[(item.town.name, "cases_solved_video")] = Decimal(20 + n)
    assert stored(open_round) == expected
    saved = items_of(open_round, cases)
    assert [(s.narrative, s.completed_on, s.version, s.status, s.updated_by_id) for s in saved] == [
        (f"{s.town.name}破案情况", datetime.date(2026, 10, 1), 1, Status.DRAFT, police.pk) for s in saved
    ]
    messages = [str(m) for m in client_p.get(response["Location"]).context["messages"]]
    assert messages == ["已保存 11 个街镇的填报。"]


def test_unchanged_rows_are_not_saved_again(client_p, open_round, cases):
    items = items_of(open_round, cases)
    client_p.post(url(cases, open_round), eleven_rows(items))
    items = items_of(open_round, cases)
    data = eleven_rows(items)
    data[f"s{items[0].pk}-narrative"] = "只改第一行"
    fresh = client_p.get(url(cases, open_round)).context["rows"]
    for r in fresh:  # the figure versions the page sends back
        data[f"s{r.item.pk}-figure_versions"] = r.form.initial["figure_versions"]
    assert client_p.post(url(cases, open_round), data).status_code == 302
    assert [s.version for s in items_of(open_round, cases)] == [2] + [1] * 10


def test_stale_row_refused_the_others_saved(client_p, open_round, cases, police):
    items = items_of(open_round, cases)
    colleague = UserFactory(role="department", username="police2", unit=police.unit, last_name="民警乙")
    services.save_draft(items[0], user=colleague, narrative="同事先保存的说明", completed_on=None, figures={},
                        version=0)
    response = client_p.post(url(cases, open_round), eleven_rows(items))  # every row opened at version 0
    assert response.status_code == 400
    after = items_of(open_round, cases)
    assert (after[0].narrative, after[0].version) == ("同事先保存的说明", 1)
    assert [(s.narrative, s.version) for s in after[1:]] == [(f"{s.town.name}破案情况", 1) for s in after[1:]]
    assert (after[0].town.name, "cases_solved") not in stored(open_round)
    failed = [r for r in response.context["rows"] if r.failed]
    assert [r.item.pk for r in failed] == [items[0].pk]
    form = failed[0].form
    assert form.non_field_errors()[0].startswith("该考察点已被 民警乙 于 ")
    assert form["narrative"].value() == f"{items[0].town.name}破案情况"  # what was typed is kept
    assert form["version"].value() == "1"  # a deliberate second save wins
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["已保存 10 个街镇的填报。", "1 个街镇未保存，见下方标出的行；其余已保存。"]


def test_stale_figure_refused_then_a_deliberate_second_save_wins(client_p, open_round, cases, police):
    from assessment.models import Metric

    items = items_of(open_round, cases)
    solved = Metric.objects.get(code="cases_solved")
    Figure.objects.create(round=open_round, town=items[0].town, metric=solved, value=Decimal("50"), version=1)
    data = eleven_rows(items)  # read before that figure existed: figure_versions "{}"
    response = client_p.post(url(cases, open_round), data)
    assert response.status_code == 400
    failed = [r for r in response.context["rows"] if r.failed]
    assert [r.item.pk for r in failed] == [items[0].pk]
    assert failed[0].form.non_field_errors()[0].startswith("指标“查破案件总数”已被 他人 于 ")
    assert stored(open_round)[(items[0].town.name, "cases_solved")] == Decimal("50")
    again = {key: failed[0].form.data[key] for key in failed[0].form.data if key.startswith(f"s{items[0].pk}-")}
    assert again[f"s{items[0].pk}-figure_versions"] == '{"cases_solved": 1}'
    response = client_p.post(url(cases, open_round), {"row": [str(items[0].pk)], "action": "save", **again})
    assert response.status_code == 302
    assert stored(open_round)[(items[0].town.name, "cases_solved")] == Decimal("100")


def test_invalid_row_keeps_typed_values_others_saved(client_p, open_round, cases):
    items = items_of(open_round, cases)
    data = eleven_rows(items) | row(items[2], narrative="线索破案多于破案总数", completed_on=DONE, solved="10", video="30")
    response = client_p.post(url(cases, open_round), data)
    assert response.status_code == 400
    failed = [r for r in response.context["rows"] if r.failed]
    assert [r.item.pk for r in failed] == [items[2].pk]
    assert failed[0].form.errors["metric_cases_solved_video"] == [
        "技防监控直接提供线索破案数（30）不能大于查破案件总数（10）。"
    ]
    assert failed[0].form["metric_cases_solved_video"].value() == "30"
    after = items_of(open_round, cases)
    assert after[2].version == 0 and after[2].narrative == ""
    assert sum(s.version for s in after) == 10


# --------------------------------------------------------------------------- one shared upload


def test_one_upload_linked_to_eleven_submissions_stored_once(client_p, open_round, cases, police, media):
    items = items_of(open_round, cases)
    data = eleven_rows(items) | {
        "evidence_file": upload("2026年破案统计.pdf"), "evidence_description": "区公安分局破案统计表",
        "evidence_for": [str(i.pk) for i in items],
    }
    response = client_p.post(url(cases, open_round), data)
    assert response.status_code == 302
    shared = EvidenceFile.objects.get()
    assert (shared.original_name, shared.kind, shared.size, shared.sha256, shared.uploaded_by_id) == (
        "2026年破案统计.pdf", "pdf", len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest(), police.pk,
    )
    links = Evidence.objects.order_by("submission__town__order")
    assert [(e.submission_id, e.shared_file_id, e.file.name, e.original_name, e.description) for e in links] == [
        (i.pk, shared.pk, shared.file.name, "2026年破案统计.pdf", "区公安分局破案统计表") for i in items
    ]
    assert files_on_disk(media) == [shared.file.name]
    assert (media / shared.file.name).read_bytes() == PDF_BYTES
    messages = [str(m) for m in client_p.get(response["Location"]).context["messages"]]
    assert messages == ["已保存 11 个街镇的填报。", "佐证材料“2026年破案统计.pdf”已上传，关联 11 个街镇。"]
    # Every town's item page and download see it, through the permission-checked view.
    for link in links[:2]:
        download = client_p.get(reverse("evidence", args=[link.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


def test_upload_to_chosen_towns_only(client_p, open_round, cases, media):
    items = items_of(open_round, cases)
    data = {"row": [], "action": "save", "evidence_file": upload(), "evidence_description": "统计表",
            "evidence_for": [str(items[1].pk), str(items[4].pk)]}
    assert client_p.post(url(cases, open_round), data).status_code == 302
    assert sorted(Evidence.objects.values_list("submission_id", flat=True)) == sorted([items[1].pk, items[4].pk])
    assert EvidenceFile.objects.count() == 1 and len(files_on_disk(media)) == 1


def test_refused_upload_stores_nothing_and_keeps_rows(client_p, open_round, cases, media):
    items = items_of(open_round, cases)
    data = eleven_rows(items) | {"evidence_file": upload("统计.pdf", EXE_BYTES), "evidence_description": "统计表",
                                 "evidence_for": [str(i.pk) for i in items]}
    response = client_p.post(url(cases, open_round), data)
    assert response.status_code == 400
    assert response.context["evidence_error"] == "文件“统计.pdf”的内容与扩展名不符，可能已损坏或被改名，已拒绝上传。"
    assert (Evidence.objects.count(), EvidenceFile.objects.count(), files_on_disk(media)) == (0, 0, [])
    assert all(s.version == 1 for s in items_of(open_round, cases))


def test_deleting_one_link_keeps_the_file_for_the_others(client_p, open_round, cases, police, media,
                                                        django_capture_on_commit_callbacks):
    items = items_of(open_round, cases)
    shared, links = services_add(items, police)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_p.post(reverse("evidence-delete", args=[links[0].pk]))
    assert response.status_code == 302
    assert Evidence.objects.count() == 10 and EvidenceFile.objects.filter(pk=shared.pk).exists()
    assert files_on_disk(media) == [shared.file.name]
    download = client_p.get(reverse("evidence", args=[links[1].pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    # The file goes with its last link.
    for link in links[1:]:
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_evidence(Evidence.objects.get(pk=link.pk), user=police)
    assert (Evidence.objects.count(), EvidenceFile.objects.count(), files_on_disk(media)) == (0, 0, [])


def services_add(items, user):
    from assessment.department_services import add_shared_evidence

    return add_shared_evidence(items, user=user, upload=upload(), description="统计表")


def test_shared_upload_refused_for_a_submitted_town(client_p, open_round, cases, police, media):
    items = items_of(open_round, cases)
    Submission.objects.filter(pk=items[3].pk).update(status=Status.SUBMITTED)
    data = {"row": [], "action": "save", "evidence_file": upload(), "evidence_description": "统计表",
            "evidence_for": [str(i.pk) for i in items]}
    response = client_p.post(url(cases, open_round), data)
    assert response.status_code == 400
    assert response.context["evidence_error"] == (
        f"佐证材料未上传，以下街镇不能添加：{items[3].town.name}（该考察点已提交，不能修改。）"
    )
    assert (Evidence.objects.count(), EvidenceFile.objects.count(), files_on_disk(media)) == (0, 0, [])


# --------------------------------------------------------------------------- 提交


def test_submit_hands_in_every_complete_row(client_p, open_round, cases, police):
    items = items_of(open_round, cases)
    data = eleven_rows(items) | {"action": "submit", "evidence_file": upload(), "evidence_description": "统计表",
                                 "evidence_for": [str(i.pk) for i in items[:4]]}
    response = client_p.post(url(cases, open_round), data)
    assert response.status_code == 302
    assert [s.status for s in items_of(open_round, cases)] == [Status.SUBMITTED] * 4 + [Status.DRAFT] * 7
    messages = [str(m) for m in client_p.get(response["Location"]).context["messages"]]
    assert messages[:3] == ["已保存 11 个街镇的填报。", "佐证材料“证明.pdf”已上传，关联 4 个街镇。", "已提交 4 个街镇，等待视频办评审。"]
    assert messages[3] == "以下街镇未提交：" + "；".join(
        f"{i.town.name}：尚不能提交，请补充：至少一份佐证材料。" for i in items[4:]
    )


# --------------------------------------------------------------------------- scope


def test_police_cannot_post_a_row_it_does_not_answer(client_p, open_round, cases, criteria, town_a):
    foreign = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.3④"])
    data = {"row": [str(foreign.pk)], "action": "save"} | {
        f"s{foreign.pk}-version": "0", f"s{foreign.pk}-narrative": "越权", f"s{foreign.pk}-completed_on": DONE,
    }
    assert client_p.post(url(cases, open_round), data).status_code == 404
    assert client_p.get(url(criteria["2.3④"], open_round)).status_code == 404
    assert client_p.post(url(criteria["2.3④"], open_round), data).status_code == 404
    upload_elsewhere = {"row": [], "action": "save", "evidence_file": upload(), "evidence_description": "x",
                        "evidence_for": [str(foreign.pk)]}
    assert client_p.post(url(cases, open_round), upload_elsewhere).status_code == 404
    foreign.refresh_from_db()
    assert (foreign.version, foreign.narrative, Evidence.objects.count()) == (0, "", 0)


def test_other_roles_and_departments_get_404(client, open_round, cases, official_a, reviewer):
    transport = UserFactory(role="department", username="transport", unit=ResponsibleUnit.objects.get(name="区交通运输局"))
    for user in (official_a, reviewer, transport):
        client.force_login(user)
        assert client.get(url(cases, open_round)).status_code == 404
    client.logout()
    assert client.get(url(cases, open_round)).status_code == 302


def test_district_bound_department_sees_only_its_district(client, open_round, cases, police):
    from assessment.models import District

    other = District.objects.create(name="浦口区")
    police.district = other
    police.save()
    client.force_login(police)
    assert client.get(url(cases, open_round)).status_code == 404


# --------------------------------------------------------------------------- answered once for the district


def test_only_2_3_1_is_answered_once(rubric):
    assert list(Criterion.objects.filter(answered_once=True).values_list("code", flat=True)) == ["2.3①"]


def test_answered_once_writes_every_town(client_p, open_round, platform, police, media):
    items = items_of(open_round, platform)
    page = client_p.get(url(platform, open_round))
    assert page.status_code == 200 and page.context["once"]
    assert "全区统一填报" in page.content.decode() and 'name="all-narrative"' in page.content.decode()
    data = {
        "row": [str(i.pk) for i in items], "action": "submit",
        **{f"version_{i.pk}": str(i.version) for i in items},
        "all-version": "0", "all-narrative": "区级技防监控管理平台已建成，点位已上图。", "all-completed_on": DONE,
        "evidence_file": upload("平台验收.pdf"), "evidence_description": "平台验收报告",
        "evidence_for": [str(i.pk) for i in items],
    }
    response = client_p.post(url(platform, open_round), data)
    assert response.status_code == 302
    after = items_of(open_round, platform)
    assert [(s.narrative, s.completed_on, s.status) for s in after] == [
        ("区级技防监控管理平台已建成，点位已上图。", datetime.date(2026, 10, 1), Status.SUBMITTED)
    ] * 11
    shared = EvidenceFile.objects.get()
    assert sorted(Evidence.objects.values_list("submission_id", "shared_file_id")) == sorted(
        (i.pk, shared.pk) for i in items
    )
    assert files_on_disk(media) == [shared.file.name]


def test_answered_once_is_all_or_nothing(client_p, open_round, platform, police):
    items = items_of(open_round, platform)
    services.save_draft(items[5], user=police, narrative="单独改过", completed_on=None, figures={}, version=0)
    data = {"row": [str(i.pk) for i in items], "action": "save", **{f"version_{i.pk}": "0" for i in items},
            "all-version": "0", "all-narrative": "统一说明", "all-completed_on": DONE}
    response = client_p.post(url(platform, open_round), data)
    assert response.status_code == 400
    assert [s.narrative for s in items_of(open_round, platform)] == [""] * 5 + ["单独改过"] + [""] * 5
    assert response.context["once_form"]["narrative"].value() == "统一说明"
    assert response.context["once_form"].non_field_errors()[0].startswith(f"{items[5].town.name}：该考察点已被 ")


# --------------------------------------------------------------------------- the checklist's 考察点 filter


# Every criterion whose 责任单位 name 区公安分局, in 附件1's order.
POLICE_CRITERIA = ["1.1.1", "1.2.1", "1.3.1", "2.2①", "2.3①", "2.3②", "2.4①", "2.4④", "2.7④", "3.1①", "3.1③", "3.1④",
                   "3.2.1", "3.3.1", "3.4.1", "4.1.1", "5.1.1", "5.2.1", "5.3.1", "6.1.1"]


def test_checklist_filters_by_criterion_and_links_the_criterion_pages(client_p, open_round, cases):
    response = client_p.get(reverse("dashboard"), {"round": open_round.pk})
    codes = [c.code for c in response.context["criteria"]]
    assert codes == POLICE_CRITERIA
    page = response.content.decode()
    assert f'href="{url(cases, open_round)}"' in page.replace("&amp;", "&")
    filtered = client_p.get(reverse("dashboard"), {"round": open_round.pk, "criterion": cases.pk})
    assert {item.criterion.code for item in filtered.context["items"]} == {"3.4.1"}
    assert len(filtered.context["items"]) == 11


def test_town_checklist_has_no_criterion_links(client, open_round, official_a):
    client.force_login(official_a)
    response = client.get(reverse("dashboard"), {"round": open_round.pk})
    assert "by-criterion" not in response.content.decode()


# --------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("extra", [0, 6])
def test_page_query_count_constant(client_p, open_round, cases, police, django_assert_num_queries, extra, media):
    add_towns(open_round, extra)
    items = items_of(open_round, cases)
    services_add(items, police)
    client_p.get(url(cases, open_round))  # the session remembers the round
    with django_assert_num_queries(QUERIES):
        response = client_p.get(url(cases, open_round))
    assert len(response.context["rows"]) == 11 + extra


QUERIES = 15
