import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.forms import rule_questions
from assessment.models import Evidence, Figure, Submission, Transition
from tests.factories import EXE_BYTES, add_towns, upload

Status = Submission.Status


def _post(client, item, **fields):
    data = {
        "narrative": "监控已建成。",
        "completed_on": "2026-10-01",
        "metric_cameras_total": "200",
        "metric_cameras_gov": "30",
        "version": str(item.version),
        "action": "save",
        "evidence_description": "",
    }
    data.update(fields)
    return client.post(reverse("submission", args=[item.pk]), data)


@pytest.fixture
def client_a(client, official_a):
    client.force_login(official_a)
    return client


def test_item_page_anonymous_redirects_to_login(client, item):
    response = client.get(reverse("submission", args=[item.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_item_page_other_town_is_404(client, official_b, item):
    client.force_login(official_b)
    assert client.get(reverse("submission", args=[item.pk])).status_code == 404
    assert _post(client, item).status_code == 404
    item.refresh_from_db()
    assert item.version == 0


def test_item_page_shows_criterion_and_inputs(client_a, item):
    page = client_a.get(reverse("submission", args=[item.pk])).content.decode()
    assert "政府投资建设的监控摄像机占本辖区监控摄像机比超过10%。" in page
    assert 'name="metric_cameras_total"' in page and 'name="metric_cameras_gov"' in page
    assert "综治办、各部门、各街镇" in page


def test_save_draft_via_form(client_a, item):
    response = _post(client_a, item)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.narrative, item.completed_on, item.version) == ("监控已建成。", datetime.date(2026, 10, 1), 1)
    page = client_a.get(response.url).content.decode()
    assert "草稿已保存。" in page


def test_save_with_evidence_then_submit(client_a, item):
    client_a.post(reverse("submission", args=[item.pk]), {
        "narrative": "监控已建成。", "completed_on": "2026-10-01", "metric_cameras_total": "200",
        "metric_cameras_gov": "30", "version": "0", "action": "submit",
        "evidence_file": upload(), "evidence_description": "验收报告",
    })
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    assert [(e.original_name, e.description, e.kind) for e in item.evidence.all()] == [("证明.pdf", "验收报告", "pdf")]


def test_zero_denominator_is_a_valid_answer_and_saves(client_a, item):
    response = _post(client_a, item, narrative="本镇尚无监控摄像机。", metric_cameras_total="0", metric_cameras_gov="0")
    assert response.status_code == 302
    values = dict(Figure.objects.filter(town=item.town).values_list("metric__code", "value"))
    assert values == {"cameras_total": Decimal("0"), "cameras_gov": Decimal("0")}


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"metric_cameras_gov": "-1"}, "确保该值大于或等于0。"),
        ({"metric_cameras_gov": "300"}, "政府投资建设的监控摄像机数（300）不能大于辖区监控摄像机总数（200）。"),
        ({"metric_cameras_gov": "2.5"}, "政府投资建设的监控摄像机数应为整数。"),
        ({"completed_on": "2999-01-01"}, "完成日期不能晚于今天。"),
        ({"metric_cameras_gov": "abc"}, "输入一个数字。"),
    ],
)
def test_bad_input_rerenders_typed_text_and_saves_nothing(client_a, item, fields, field_error):
    response = _post(client_a, item, narrative="我输入的说明文字", **fields)
    page = response.content.decode()
    assert response.status_code == 400
    assert field_error in page
    assert "我输入的说明文字" in page
    assert "填写有误，内容尚未保存，请按提示修改。" in page
    item.refresh_from_db()
    assert (item.narrative, item.version) == ("", 0)
    assert Figure.objects.count() == 0


def test_disguised_upload_is_refused_and_nothing_saved(client_a, item):
    response = client_a.post(reverse("submission", args=[item.pk]), {
        "narrative": "说明", "version": "0", "action": "save",
        "evidence_file": upload("报告.pdf", EXE_BYTES), "evidence_description": "报告",
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "文件“报告.pdf”的内容与扩展名不符，可能已损坏或被改名，已拒绝上传。" in page
    assert Evidence.objects.count() == 0
    item.refresh_from_db()
    assert item.narrative == ""


def test_upload_without_description_is_refused(client_a, item):
    response = client_a.post(reverse("submission", args=[item.pk]), {
        "narrative": "说明", "version": "0", "action": "save", "evidence_file": upload(), "evidence_description": "",
    })
    assert "请填写佐证材料的说明。" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_empty_submit_says_what_is_missing_and_keeps_draft(client_a, item):
    response = _post(client_a, item, narrative="", completed_on="", metric_cameras_total="", metric_cameras_gov="",
                     action="submit")
    page = client_a.get(response.url).content.decode()
    assert "尚不能提交，请补充：说明；完成日期；辖区监控摄像机总数；政府投资建设的监控摄像机数；至少一份佐证材料。" in page
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_second_editor_is_told_of_conflict_and_keeps_text(client, official_a, official_a2, item):
    client.force_login(official_a)
    _post(client, item, narrative="第一人的内容")
    client.force_login(official_a2)
    response = _post(client, item, narrative="第二人的内容", version="0")
    page = response.content.decode()
    assert response.status_code == 400
    assert "该考察点已被 填报员甲 于" in page
    assert "第二人的内容" in page and "第一人的内容" in page
    assert 'name="version" value="1"' in page
    item.refresh_from_db()
    assert item.narrative == "第一人的内容"


def test_double_submit_makes_one_submission(client_a, item, official_a):
    services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    first = _post(client_a, item, action="submit")
    second = _post(client_a, item, action="submit")
    assert (first.status_code, second.status_code) == (302, 302)
    assert "该考察点已提交，无需重复提交。" in client_a.get(second.url).content.decode()
    assert Transition.objects.filter(submission=item).count() == 1


def test_submit_after_round_closed_is_refused_with_message(client_a, item):
    item.round.opens_on, item.round.closes_on = datetime.date(2020, 1, 1), datetime.date(2020, 2, 1)
    item.round.save()
    response = _post(client_a, item, action="submit", narrative="迟到的内容")
    page = response.content.decode()
    assert "本轮考评已于 2020-02-01 截止填报，填报内容只读，已填内容均已保存。" in page
    assert "迟到的内容" in page
    item.refresh_from_db()
    assert (item.status, item.narrative) == (Status.DRAFT, "")


def test_returned_item_shows_reason_and_timeline(client_a, item, official_a, reviewer):
    services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    _post(client_a, item, action="submit")
    item.refresh_from_db()
    services.return_for_revision(item, user=reviewer, reason="请补充点位图", version=item.version)
    page = client_a.get(reverse("submission", args=[item.pk])).content.decode()
    assert "请补充点位图" in page
    assert "已提交 → 已退回" in page
    assert "草稿 → 已提交" in page
    assert "辖区监控摄像机总数填报为 200 台" in page
    assert "上传了佐证材料“证明.pdf”" in page
    assert "填报员甲</span> 修改了说明、完成日期" in page


def test_evidence_download_own_town_with_original_name(client_a, item, official_a):
    evidence = services.add_evidence(item, user=official_a, upload=upload("验收 报告.pdf"), description="报告")
    response = client_a.get(reverse("evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E9%AA%8C%E6%94%B6%20%E6%8A%A5%E5%91%8A.pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_evidence_download_other_town_and_anonymous_refused(client, item, official_a, official_b):
    evidence = services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    assert client.get(reverse("evidence", args=[evidence.pk])).status_code == 302
    client.force_login(official_b)
    assert client.get(reverse("evidence", args=[evidence.pk])).status_code == 404
    assert client.post(reverse("evidence-delete", args=[evidence.pk])).status_code == 404
    assert Evidence.objects.count() == 1


def test_evidence_is_not_served_from_media_url(client_a, item, official_a):
    evidence = services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    assert client_a.get("/media/" + evidence.file.name).status_code == 404
    assert evidence.file.name.endswith(".pdf") and "证明" not in evidence.file.name


def test_reviewer_reads_any_town_item(client, reviewer, item_b):
    client.force_login(reviewer)
    assert client.get(reverse("submission", args=[item_b.pk])).status_code == 200


def test_dashboard_lists_only_own_town(client_a, open_round, town_a):
    page = client_a.get(reverse("dashboard")).content.decode()
    assert page.count("data-item=") == 41
    own = set(Submission.objects.filter(round=open_round, town=town_a).values_list("pk", flat=True))
    shown = {int(part.split('"')[1]) for part in page.split("data-item=")[1:]}
    assert shown == own


def test_dashboard_town_filter_cannot_reach_other_town(client_a, town_b):
    page = client_a.get(reverse("dashboard"), {"town": town_b.pk}).content.decode()
    assert page.count("data-item=") == 0


def test_dashboard_progress_counts_submitted(client_a, item, official_a):
    services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    _post(client_a, item, action="submit")
    page = client_a.get(reverse("dashboard")).content.decode()
    # Only what the town owes: 9 department-only items (21.5 points) are not the town's to hand in.
    assert '<div class="stat" id="progress-count">1 / 32</div>' in page
    assert '<div class="stat" id="progress-points">1.0 / 78.5</div>' in page


@pytest.mark.parametrize("towns_in_district", [11, 30])
def test_dashboard_query_count_constant(client, reviewer, open_round, django_assert_num_queries, towns_in_district):
    add_towns(open_round, towns_in_district - 11)
    client.force_login(reviewer)
    with django_assert_num_queries(11):
        response = client.get(reverse("dashboard"))
    assert response.content.decode().count("data-item=") == min(towns_in_district * 41, 500)



@pytest.mark.parametrize("earlier_rounds", [0, 1, 3])
@pytest.mark.parametrize("params", [{}, {"copy": "previous"}], ids=["plain", "copy_previous"])
def test_item_page_query_count_constant(client, official_a, item, town_a, django_assert_num_queries, earlier_rounds, params):
    """Last year's figures (上年, 沿用上年数据) cost one query, however many rounds and figures came before."""
    from assessment.models import Metric, Round

    for year in range(2025 - earlier_rounds + 1, 2026):
        earlier = Round.objects.create(
            rubric=item.round.rubric, district=item.round.district, name=f"{year}年度", state=Round.State.PUBLISHED,
            opens_on=datetime.date(year, 1, 1), closes_on=datetime.date(year, 12, 31),
        )
        Figure.objects.bulk_create(Figure(round=earlier, town=town_a, metric=metric, value=Decimal("5"))
                                   for metric in Metric.objects.filter(rubric=item.round.rubric))
    client.force_login(official_a)
    with django_assert_num_queries(24):  # +1: the co-owned item's parts (填报部分)
        page = client.get(reverse("submission", args=[item.pk]), params).content.decode()
    assert ("上年：5 台" in page) == bool(earlier_rounds)

def test_dashboard_status_filter_and_paging(client, reviewer, open_round, official_a, item):
    services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    client.force_login(official_a)
    _post(client, item, action="submit")
    client.force_login(reviewer)
    page = client.get(reverse("dashboard"), {"status": "submitted"}).content.decode()
    assert page.count("data-item=") == 1
    everything = client.get(reverse("dashboard")).content.decode()
    assert everything.count("data-item=") == 451 and "第 1 / 1 页" not in everything
    add_towns(open_round, 2)
    second = client.get(reverse("dashboard"), {"page": 2}).content.decode()
    assert second.count("data-item=") == 13 * 41 - 500
    assert "第 2 / 2 页" in second


def test_dashboard_deadline_states(client_a, open_round, town_a, criteria):
    page = client_a.get(reverse("dashboard")).content.decode()
    assert page.count('<span class="badge overdue">已逾期</span>') == 41
    assert Decimal(criteria["1.1.1"].points) == Decimal("3")


def test_co_owned_item_shows_who_still_owes_input(client, official_a, police, open_round, town_a, criteria):
    item = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["1.1.1"])
    client.force_login(official_a)
    page = client.get(reverse("submission", args=[item.pk])).content.decode()
    assert "区公安分局 · 待填报" in page and "各街镇 · 待填报" in page and "综治办 · 无填报账号" in page
    _post(client, item, metric_cameras_total="", metric_cameras_gov="")
    page = client.get(reverse("submission", args=[item.pk])).content.decode()
    assert "各街镇 · 已填报" in page and "区公安分局 · 待填报" in page


# --------------------------------------------------------------------------- a town official's 待办


def _submit(item, user):
    """Fill, attach evidence and submit through the services (every figure 10, so parts never exceed wholes)."""
    saved = services.save_draft(item, user=user, narrative="x", completed_on=datetime.date(2026, 10, 1),
                                figures={m: Decimal("10") for m in item.criterion.metrics.all()}, version=item.version,
                                answers=dict.fromkeys(rule_questions(item.criterion), True))
    services.add_evidence(saved, user=user, upload=upload(), description="d")
    return services.submit(saved, user=user)


@pytest.fixture
def town_todo(open_round, town_a, criteria, official_a, police, reviewer):
    """Town A: 2.3④ submitted, 1.1.1 a draft, 2.3⑤ returned, 2.4② due this month, 2.6.1 due next year, the rest
    untouched and overdue; the department-only 3.4.1 returned to 区公安分局 and 3.1① due this month."""
    from assessment.models import RoundDeadline

    items = {code: Submission.objects.get(round=open_round, town=town_a, criterion=criteria[code])
             for code in ("2.3④", "1.1.1", "2.3⑤", "2.4②", "2.6.1", "3.4.1", "3.1①")}
    _submit(items["2.3④"], official_a)
    services.save_draft(items["1.1.1"], user=official_a, narrative="草稿", completed_on=None, figures={}, version=0)
    returned = _submit(items["2.3⑤"], official_a)
    services.return_for_revision(returned, user=reviewer, reason="请补充高清点位", version=returned.version)
    department = _submit(items["3.4.1"], police)
    services.return_for_revision(department, user=reviewer, reason="部门请补充", version=department.version)
    this_month = timezone.localdate().replace(day=1)
    for code, deadline in (("2.4②", this_month), ("3.1①", this_month), ("2.6.1", datetime.date(this_month.year + 1, 1, 1))):
        RoundDeadline.objects.create(round=open_round, criterion=criteria[code], deadline=deadline)
    return {code: Submission.objects.get(pk=item.pk) for code, item in items.items()}


CARD = re.compile(r'id="card-(\w+)"[^>]*><span class="muted">[^<]+</span><span class="stat">(\d+)</span>')
TODO_ROW = re.compile(r'<tr data-item="(\d+)" data-todo="(\w+)">')
DEPARTMENT_ROW = re.compile(r'<tr data-item="(\d+)" data-department="1">')


def _cards(page):
    return {name: int(count) for name, count in CARD.findall(page)}


def test_town_todo_cards_count_only_owed_items(client_a, town_todo):
    page = client_a.get(reverse("dashboard")).content.decode()
    assert _cards(page) == {"returned": 1, "overdue": 28, "due_soon": 1, "draft": 1, "untouched": 29}
    assert '<div class="stat" id="progress-count">1 / 32</div>' in page
    assert '<div class="stat" id="progress-points">1.0 / 78.5</div>' in page


def test_town_todo_next_thing_first(client_a, town_todo):
    page = client_a.get(reverse("dashboard")).content.decode()
    rows = TODO_ROW.findall(page)
    states = [state for _pk, state in rows]
    assert states == ["returned"] + ["overdue"] * 28 + ["due_soon", "untouched", "done"]
    assert [int(pk) for pk, state in rows if state != "overdue"] == [
        town_todo["2.3⑤"].pk, town_todo["2.4②"].pk, town_todo["2.6.1"].pk, town_todo["2.3④"].pk,
    ]
    assert f'id="next-item" href="/items/{town_todo["2.3⑤"].pk}/">下一项：2.3⑤ ' in page
    assert page.count('<span class="badge status returned">已退回</span>') == 1


def test_town_todo_lists_department_items_apart_and_read_only(client_a, town_todo, open_round, town_a):
    page = client_a.get(reverse("dashboard")).content.decode()
    department = {int(pk) for pk in DEPARTMENT_ROW.findall(page)}
    expected = {s.pk for s in Submission.objects.filter(round=open_round, town=town_a) if not _town_fills(s)}
    assert len(department) == 9 and department == expected
    assert not department & {int(pk) for pk, _state in TODO_ROW.findall(page)}
    assert "由区级部门填报的考察点（9 项）" in page
    row = page[page.index(f'data-item="{town_todo["3.4.1"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="answered-by" data-label="填报单位">区公安分局</td>' in row
    assert '<span class="badge department-progress">部门填报中</span>' in row and "已退回" not in row
    item_page = client_a.get(reverse("submission", args=[town_todo["3.4.1"].pk])).content.decode()
    assert "您不是该考察点的填报单位，只能查看。" in item_page and 'id="withdraw"' not in item_page


def _town_fills(submission):
    return any(link.unit.level == "town" for link in submission.criterion.unit_links.all())


@pytest.mark.parametrize(("params", "shown"), [
    ({"status": "untouched"}, ["overdue"] * 27 + ["due_soon", "untouched"]),
    ({"status": "draft"}, ["overdue"]),
    ({"status": "returned"}, ["returned"]),
    ({"status": "submitted"}, ["done"]),
    ({"deadline": "overdue"}, ["overdue"] * 28),
    ({"deadline": "due_soon"}, ["due_soon"]),
    ({"status": "untouched", "deadline": "due_soon"}, ["due_soon"]),
    ({"status": "nonsense", "deadline": "nonsense"}, ["returned"] + ["overdue"] * 28 + ["due_soon", "untouched", "done"]),
])
def test_town_todo_filters_keep_the_cards(client_a, town_todo, params, shown):
    page = client_a.get(reverse("dashboard"), params).content.decode()
    assert [state for _pk, state in TODO_ROW.findall(page)] == shown
    assert _cards(page) == {"returned": 1, "overdue": 28, "due_soon": 1, "draft": 1, "untouched": 29}
    assert '<div class="stat" id="progress-count">1 / 32</div>' in page
    filtered = params.get("status") in {"untouched", "draft", "returned", "submitted"} or params.get("deadline") in {
        "overdue", "due_soon"}
    assert len(DEPARTMENT_ROW.findall(page)) == (0 if filtered else 9)


def test_filters_survive_a_visit_to_an_item(client_a, town_todo, open_round):
    item = town_todo["1.1.1"]
    page = client_a.get(reverse("dashboard"), {"status": "draft", "round": open_round.pk}).content.decode()
    link = f"/items/{item.pk}/?round={open_round.pk}&amp;status=draft"
    assert f'<a class="item-link" href="{link}">' in page
    item_page = client_a.get(f"/items/{item.pk}/", {"round": open_round.pk, "status": "draft"}).content.decode()
    assert f'<a href="/items/?round={open_round.pk}&amp;status=draft">← 返回填报清单</a>' in item_page
    response = client_a.post(f"/items/{item.pk}/?round={open_round.pk}&status=draft", {
        "narrative": "改后的草稿", "completed_on": "", "version": str(item.version), "action": "save",
    })
    assert (response.status_code, response.url) == (302, f"/items/{item.pk}/?round={open_round.pk}&status=draft")
    # Malformed filters are dropped, not carried along.
    item_page = client_a.get(f"/items/{item.pk}/", {"status": "x", "town": "1.5", "deadline": "overdue"}).content.decode()
    assert '<a href="/items/?deadline=overdue">← 返回填报清单</a>' in item_page


def test_reviewer_checklist_status_filter_tells_untouched_from_draft(client, reviewer, town_todo, open_round):
    client.force_login(reviewer)
    drafts = client.get(reverse("dashboard"), {"status": "draft"}).content.decode()
    assert drafts.count("data-item=") == 1 and f'data-item="{town_todo["1.1.1"].pk}"' in drafts
    untouched = client.get(reverse("dashboard"), {"status": "untouched"}).content.decode()
    assert untouched.count("data-item=") == 11 * 41 - 4  # 2.3④, 1.1.1, 2.3⑤ and 3.4.1 were saved


@pytest.mark.parametrize("size", ["small", "large"])
def test_town_todo_query_count_constant(client, official_a, open_round, town_a, criteria, police, reviewer,
                                        django_assert_num_queries, size):
    if size == "large":
        add_towns(open_round, 19)
        for code in ("2.3④", "2.3⑤", "2.6.1"):
            _submit(Submission.objects.get(round=open_round, town=town_a, criterion=criteria[code]), official_a)
    client.force_login(official_a)
    with django_assert_num_queries(9):
        page = client.get(reverse("dashboard")).content.decode()
    assert page.count("data-item=") == 41


# --------------------------------------------------------------------------- 撤回 on the item page


def test_withdraw_button_takes_submitted_item_back(client_a, item, official_a):
    submitted = _submit(item, official_a)
    page = client_a.get(reverse("submission", args=[item.pk])).content.decode()
    assert '<button type="submit" name="action" value="withdraw" id="withdraw">撤回</button>' in page
    assert f'<input type="hidden" name="version" value="{submitted.version}">' in page
    response = client_a.post(reverse("submission", args=[item.pk]), {"action": "withdraw", "version": submitted.version})
    assert response.status_code == 302
    page = client_a.get(response.url).content.decode()
    assert "已撤回为草稿，修改后请重新提交。" in page and 'id="withdraw"' not in page
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert list(Transition.objects.filter(submission=item).values_list("to_status", flat=True)) == [
        Status.SUBMITTED, Status.DRAFT,
    ]


def test_withdraw_with_stale_or_malformed_version_changes_nothing(client_a, item, official_a):
    submitted = _submit(item, official_a)
    for version in (submitted.version - 1, "abc", ""):
        response = client_a.post(reverse("submission", args=[item.pk]), {"action": "withdraw", "version": version})
        assert "该考察点刚刚有变动，未撤回，请查看当前状态。" in client_a.get(response.url).content.decode()
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_no_withdraw_button_once_scored_or_for_reviewer(client, item, official_a, reviewer):
    submitted = _submit(item, official_a)
    client.force_login(reviewer)
    assert 'id="withdraw"' not in client.get(reverse("submission", args=[item.pk])).content.decode()
    services.score(submitted, user=reviewer, points=Decimal("1"), comment="", version=submitted.version)
    client.force_login(official_a)
    assert 'id="withdraw"' not in client.get(reverse("submission", args=[item.pk])).content.decode()


# --------------------------------------------------------------------------- nothing typed is lost


def _form_errors(page):
    start = page.index('<ul class="errorlist" id="form-errors">')
    return page[start:page.index("</ul>", start)]


def test_chosen_file_dropped_by_figure_error_is_said_plainly(client_a, item):
    response = client_a.post(reverse("submission", args=[item.pk]), {
        "narrative": "我输入的说明文字", "completed_on": "2026-10-01", "metric_cameras_total": "200",
        "metric_cameras_gov": "300", "version": "0", "action": "save",
        "evidence_file": [upload("验收报告.pdf"), upload("点位图.pdf")], "evidence_description": "验收材料",
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert _form_errors(page) == (
        '<ul class="errorlist" id="form-errors"><li>所选文件未上传，请重新选择文件（验收报告.pdf、点位图.pdf）。</li>'
    )
    assert "政府投资建设的监控摄像机数（300）不能大于辖区监控摄像机总数（200）。" in page
    assert "我输入的说明文字" in page and 'value="验收材料"' in page and 'value="2026-10-01"' in page
    assert Evidence.objects.count() == 0 and Figure.objects.count() == 0


def test_chosen_file_dropped_by_conflict_is_said_plainly(client, item, official_a, official_a2):
    client.force_login(official_a)
    _post(client, item, narrative="第一人的内容")
    client.force_login(official_a2)
    response = client.post(reverse("submission", args=[item.pk]), {
        "narrative": "第二人的内容", "version": "0", "action": "save", "evidence_file": upload(),
        "evidence_description": "报告",
    })
    assert "所选文件未上传，请重新选择文件（证明.pdf）。" in _form_errors(response.content.decode())
    assert Evidence.objects.count() == 0


def test_description_without_file_is_kept_and_said(client_a, item):
    response = _post(client_a, item, narrative="说明文字", evidence_description="监控验收报告")
    page = response.content.decode()
    assert response.status_code == 400
    assert "已填写材料说明但未选择文件，请选择文件后再保存，或清空材料说明。" in page
    assert 'value="监控验收报告"' in page and "说明文字" in page
    assert "所选文件未上传" not in page
    item.refresh_from_db()
    assert (item.narrative, item.version) == ("", 0)


def test_two_files_at_once_with_one_description(client_a, item):
    response = _post(client_a, item, action="submit", evidence_file=[upload("验收报告.pdf"), upload("点位图.pdf")],
                     evidence_description="验收材料")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    assert [(e.original_name, e.description) for e in item.evidence.all()] == [
        ("验收报告.pdf", "验收材料"), ("点位图.pdf", "验收材料"),
    ]


def test_one_refused_file_of_two_saves_nothing(client_a, item):
    response = _post(client_a, item, evidence_file=[upload("验收报告.pdf"), upload("程序.pdf", EXE_BYTES)],
                     evidence_description="验收材料")
    page = response.content.decode()
    assert response.status_code == 400
    assert "文件“程序.pdf”的内容与扩展名不符，可能已损坏或被改名，已拒绝上传。" in page
    assert "所选文件未上传，请重新选择文件（验收报告.pdf、程序.pdf）。" in _form_errors(page)
    item.refresh_from_db()
    assert (Evidence.objects.count(), item.version) == (0, 0)


def test_item_page_keys_browser_draft_by_user(client_a, item, official_a):
    page = client_a.get(reverse("submission", args=[item.pk])).content.decode()
    assert f'id="submission-form" data-user-id="{official_a.pk}" data-submission-id="{item.pk}"' in page
    assert 'multiple' in page[page.index('name="evidence_file"') - 80:page.index('name="evidence_file"') + 80]
