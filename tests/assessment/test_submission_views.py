import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
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


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"metric_cameras_gov": "-1"}, "确保该值大于或等于0。"),
        ({"metric_cameras_total": "0", "metric_cameras_gov": "0"}, "辖区监控摄像机总数是计算比例的分母，不能为 0。"),
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
    assert '<div class="stat" id="progress-count">1 / 41</div>' in page
    assert '<div class="stat" id="progress-points">1.0 / 100.0</div>' in page


@pytest.mark.parametrize("towns_in_district", [11, 30])
def test_dashboard_query_count_constant(client, reviewer, open_round, django_assert_num_queries, towns_in_district):
    add_towns(open_round, towns_in_district - 11)
    client.force_login(reviewer)
    with django_assert_num_queries(10):
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
    with django_assert_num_queries(19):
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
