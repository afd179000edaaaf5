import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import services
from appeals.models import Extension
from assessment.services import ServiceError
from assessment.timeline import build_timeline
from assessment.workbook import build_round_workbook
from scoring.engine import DeadlineState
from scoring.loader import outcome_for, round_results
from tests.appeals.conftest import GRANTED, item_of
from tests.factories import EXE_BYTES, upload

AS_OF = datetime.date(2026, 11, 1)
ASKED = datetime.date(2026, 12, 31)


def _outcomes(round_):
    return {(r.town_id, o.criterion_id): (o.state, o.kept, o.extended) for r in round_results(round_, AS_OF) for o in r.items}


def _ask(item, user, asked=ASKED, reason="设备到货延迟", **kwargs):
    return services.request_extension(item, user=user, asked_until=asked, reason=reason, **kwargs)


def _grant(extension, reviewer, day=GRANTED):
    return services.decide_extension(extension, user=reviewer, grant=True, granted_until=day, note="同意",
                                     version=extension.version)


def test_granted_extension_changes_that_items_state_and_kept_points_only(scored_pair, official_a, reviewer, town_a):
    round_ = scored_pair["a"].round
    before = _outcomes(round_)
    key = (town_a.pk, scored_pair["a"].criterion_id)
    assert before[key] == (DeadlineState.LATE, Decimal("2.0"), False)  # 2.5 less 20%
    extension = _grant(_ask(scored_pair["a"], official_a), reviewer)
    assert (extension.status, extension.granted_until, extension.asked_until) == ("granted", GRANTED, ASKED)
    after = _outcomes(round_)
    assert after[key] == (DeadlineState.ON_TIME, Decimal("2.5"), True)
    assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
    totals = {r.town_id: r.total for r in round_results(round_, AS_OF)}
    assert totals[town_a.pk] == Decimal("4.1")  # 2.5 kept whole + 2 less 20%
    assert outcome_for(item_of(round_, town_a, scored_pair["a"].criterion), AS_OF).extended_to == GRANTED


def test_extension_to_a_day_before_completion_still_late(scored_pair, official_a, reviewer, town_a):
    _grant(_ask(scored_pair["a"], official_a), reviewer, datetime.date(2026, 9, 30))
    outcome = outcome_for(item_of(scored_pair["a"].round, town_a, scored_pair["a"].criterion), AS_OF)
    assert (outcome.state, outcome.kept, outcome.extended) == (DeadlineState.LATE, Decimal("2.0"), True)


def test_refused_extension_changes_nothing(scored_pair, official_a, reviewer):
    round_ = scored_pair["a"].round
    before = _outcomes(round_)
    extension = _ask(scored_pair["a"], official_a)
    refused = services.decide_extension(extension, user=reviewer, grant=False, note="理由不充分", version=extension.version)
    assert (refused.status, refused.granted_until, refused.decision_note) == ("refused", None, "理由不充分")
    assert _outcomes(round_) == before


def test_refusal_needs_a_reason_and_grant_a_later_day(item, official_a, reviewer):
    extension = _ask(item, official_a)
    with pytest.raises(ServiceError) as error:
        services.decide_extension(extension, user=reviewer, grant=False, note=" ", version=extension.version)
    assert error.value.message == "不批准延期须填写理由。"
    with pytest.raises(ServiceError) as error:
        _grant(extension, reviewer, datetime.date(2017, 1, 1))
    assert error.value.message == f"批准延期的日期应晚于原完成时间 {services.deadline_day(item).isoformat()}。"
    assert Extension.objects.get().status == "pending"


def test_a_decision_on_a_stale_page_is_refused(item, official_a, reviewer):
    extension = _ask(item, official_a)
    _grant(extension, reviewer)
    with pytest.raises(ServiceError) as error:
        services.decide_extension(extension, user=reviewer, grant=False, note="不同意", version=extension.version)
    assert error.value.message.startswith("该申请已被 评审员甲 于 ")


def test_town_cannot_ask_for_another_towns_item(item, official_b, client):
    with pytest.raises(ServiceError) as error:
        _ask(item, official_b)
    assert error.value.message == "您不是该考察点的填报单位，不能申请延期。"
    client.force_login(official_b)
    assert client.get(reverse("appeals:extension-new", args=[item.pk])).status_code == 404
    assert client.post(reverse("appeals:extension-new", args=[item.pk]),
                       {"asked_until": "2026-12-31", "reason": "x"}).status_code == 404
    assert not Extension.objects.exists()


def test_department_official_asks_for_an_item_it_fills(open_round, town_a, criteria, police):
    item = item_of(open_round, town_a, criteria["3.4.1"])
    assert police.can_fill(item)
    assert _ask(item, police).requested_by == police


def test_asked_day_must_be_after_the_deadline_and_one_pending_at_a_time(item, official_a):
    with pytest.raises(ServiceError) as error:
        _ask(item, official_a, asked=services.deadline_day(item))
    assert error.value.message == f"申请延期的日期应晚于目前的完成时间 {services.deadline_day(item).isoformat()}。"
    _ask(item, official_a)
    with pytest.raises(ServiceError) as error:
        _ask(item, official_a)
    assert error.value.message == "该考察点已有待审批的延期申请，请等待审批结果。"


def test_evidence_file_is_checked(item, official_a):
    with pytest.raises(ServiceError) as error:
        _ask(item, official_a, upload=upload("说明.pdf", EXE_BYTES))
    assert error.value.message.startswith("不支持文件“说明.pdf”") or "说明.pdf" in error.value.message
    extension = _ask(item, official_a, upload=upload("延期说明.pdf"))
    assert (extension.original_name, extension.kind, len(extension.sha256)) == ("延期说明.pdf", "pdf", 64)


def test_no_extension_once_results_are_published(item, official_a):
    from tests.factories import publish

    publish(item.round)
    with pytest.raises(ServiceError) as error:
        _ask(item_of(item.round, item.town, item.criterion), official_a)
    assert error.value.message == "本轮考评当前为“已公布”，不能申请延期。"


def test_request_and_decision_on_the_items_timeline(item, official_a, reviewer):
    extension = _ask(item, official_a)
    _grant(extension, reviewer)
    texts = [(event.who, event.text, event.detail) for event in build_timeline(item)][:2]
    assert texts == [("评审员甲", f"批准延期至 {GRANTED}", "同意"), ("填报员甲", f"申请延期至 {ASKED}", "设备到货延迟")]


def test_request_through_the_item_page(client, item, official_a):
    client.force_login(official_a)
    page = client.get(reverse("submission", args=[item.pk])).content.decode()
    assert f'href="{reverse("appeals:extension-new", args=[item.pk])}"' in page
    response = client.post(reverse("appeals:extension-new", args=[item.pk]),
                           {"asked_until": "2026-12-31", "reason": "设备到货延迟", "file": upload("延期说明.pdf")})
    assert response.status_code == 302 and response["Location"] == reverse("submission", args=[item.pk])
    assert Extension.objects.get().asked_until == ASKED
    assert "申请延期至 2026-12-31" in client.get(reverse("submission", args=[item.pk])).content.decode()


def test_reviewer_decides_on_the_pending_list(client, item, official_a, reviewer):
    extension = _ask(item, official_a)
    client.force_login(reviewer)
    page = client.get(reverse("appeals:pending")).content.decode()
    assert f'data-extension="{extension.pk}"' in page
    response = client.post(reverse("appeals:extension-decide", args=[extension.pk]),
                           {"version": extension.version, "decision": "grant", "granted_until": "2026-10-15", "note": ""})
    assert response.status_code == 302
    assert Extension.objects.get().granted_until == GRANTED
    assert f'data-extension="{extension.pk}"' not in client.get(reverse("appeals:pending")).content.decode()


def test_pending_list_only_for_reviewers(client, official_a):
    client.force_login(official_a)
    assert client.get(reverse("appeals:pending")).status_code == 403


def test_granted_extension_shown_in_drilldown_and_workbook(client, scored_pair, official_a, reviewer, viewer, town_a):
    _grant(_ask(scored_pair["a"], official_a), reviewer)
    client.force_login(viewer)
    page = client.get(reverse("town-results", args=[town_a.pk])).content.decode()
    row = page[page.index(f'data-item="{scored_pair["a"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert "已批准延期" in row and "按时完成" in row
    other = page[page.index(f'data-item="{scored_pair["a_other"].pk}"'):]
    assert "已批准延期" not in other[:other.index("</tr>")]
    sheet = openpyxl.load_workbook(io.BytesIO(build_round_workbook(scored_pair["a"].round, as_of=AS_OF)))[town_a.name]
    progress = [c.value for c in sheet["J"] if isinstance(c.value, str) and "延期" in c.value]
    assert progress == ["已评分 · 按时完成（已批准延期至 2026-10-15）\nx"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pending_page_queries_do_not_grow_with_requests(client, open_round, town_a, town_b, criteria, official_a,
                                                        official_b, reviewer):
    client.force_login(reviewer)
    _ask(item_of(open_round, town_a, criteria["1.1.1"]), official_a)
    one = _queries(client, reverse("appeals:pending"))
    for town, official in [(town_a, official_a), (town_b, official_b)]:
        for code in ["1.2.1", "1.3.1", "1.4.1"]:
            _ask(item_of(open_round, town, criteria[code]), official)
    assert _queries(client, reverse("appeals:pending")) == one
    assert client.get(reverse("appeals:pending")).content.decode().count("data-extension=") == 7


def test_request_page_queries_do_not_grow_with_requests(client, item, open_round, town_a, criteria, official_a):
    client.force_login(official_a)
    before = _queries(client, reverse("appeals:extension-new", args=[item.pk]))
    for code in ["1.1.1", "1.2.1", "1.3.1"]:
        _ask(item_of(open_round, town_a, criteria[code]), official_a)
    assert _queries(client, reverse("appeals:extension-new", args=[item.pk])) == before
