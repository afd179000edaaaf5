import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment import services
from assessment.models import Figure, ResponsibleUnit, Submission
from integrations.clients import create_client, revoke
from integrations.models import ApiCall, Event
from tests.factories import upload


def key_header(key):
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


@pytest.fixture
def reviewer_key(open_round):
    return create_client("区综治中心", role="reviewer", district=open_round.district)[1]


@pytest.fixture
def town_key(open_round, town_a):
    return create_client("雄州街道系统", role="town", town=town_a)[1]


@pytest.fixture
def police_key(open_round):
    unit = ResponsibleUnit.objects.get(name="区公安分局")
    return create_client("公安视频平台", role="department", district=open_round.district, unit=unit)[1]


def item_of(round_, town, code):
    return Submission.objects.get(round=round_, town=town, criterion__code=code)


# --------------------------------------------------------------------------- errors and auth


def test_missing_credentials_are_401_with_challenge(client, open_round):
    response = client.get("/api/v1/submissions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'
    assert response.json() == {"code": "not_authenticated", "detail": "身份认证信息未提供。"}


def test_wrong_key_is_401(client, open_round):
    response = client.get("/api/v1/submissions/", **key_header("abcdefgh.nonsense"))
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "detail": "API 密钥无效或已被吊销。"}


def test_revoked_key_is_refused(client, open_round):
    api_client, key = create_client("旧系统", role="reviewer", district=open_round.district)
    assert client.get("/api/v1/rounds/", **key_header(key)).status_code == 200
    revoke(api_client)
    response = client.get("/api/v1/rounds/", **key_header(key))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_expired_key_is_refused(client, open_round):
    past = timezone.now() - datetime.timedelta(days=1)
    _client, key = create_client("过期系统", role="reviewer", district=open_round.district, expiry_date=past)
    response = client.get("/api/v1/rounds/", **key_header(key))
    assert (response.status_code, response.json()["detail"]) == (401, "API 密钥已过期。")


def test_valid_key_without_rights_is_403(client, town_key, open_round):
    response = client.post(f"/api/v1/rounds/{open_round.pk}/export/", **key_header(town_key))
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "detail": "只有评审员和领导可以导出全区工作簿。"}


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "没有这个接口：/api/v1/nothing-here/"}


def test_out_of_scope_item_is_404(client, town_key, open_round, town_b):
    other = item_of(open_round, town_b, "2.3⑤")
    response = client.get(f"/api/v1/submissions/{other.pk}/", **key_header(town_key))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "未找到。"}


def test_method_not_allowed_is_405_json(client, reviewer_key, open_round):
    response = client.delete("/api/v1/rounds/", **key_header(reviewer_key))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("query, name", [
    ("offset=null", "offset"), ("limit=0", "limit"), ("limit=501", "limit"), ("round=0", "round"),
    ("status=nonsense", "status"), ("criterion=9.9", "criterion"), ("updated_since=yesterday", "updated_since"),
    ("ordering=password", "ordering"), ("town_code=12", "town_code"), ("criterion=%00", "criterion"),
])
def test_bad_query_values_are_400(client, reviewer_key, open_round, query, name):
    response = client.get(f"/api/v1/submissions/?{query}", **key_header(reviewer_key))
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid" and name in data and data["detail"].startswith("参数无效：")


def test_throttled_client_gets_429(client, open_round):
    _client, key = create_client("限速系统", role="reviewer", district=open_round.district, rate="2/min")
    statuses = [client.get("/api/v1/rounds/", **key_header(key)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/rounds/", **key_header(key))
    assert response.json()["code"] == "throttled" and "Retry-After" in response


def test_server_error_under_api_is_json(client, reviewer_key, open_round, monkeypatch):
    from integrations import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "round_results", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/results/", **key_header(reviewer_key))
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "detail": "服务器内部错误，请稍后重试；问题已记录。"}


def test_each_call_is_logged(client, reviewer_key, open_round):
    client.get("/api/v1/rounds/", **key_header(reviewer_key))
    client.get("/api/v1/nothing/", **key_header(reviewer_key))
    calls = list(ApiCall.objects.order_by("id").values_list("method", "endpoint", "status"))
    assert calls == [("GET", "/api/v1/rounds/", 200)]  # an unknown path runs no authentication


def test_old_paths_announce_their_sunset(client, reviewer, open_round):
    client.force_login(reviewer)
    response = client.get("/api/rounds/")
    assert response.status_code == 200
    assert response["Sunset"] == "Wed, 30 Jun 2027 23:59:59 GMT"
    assert response["Deprecation"].startswith("@")


def test_basic_auth_is_off_by_default(client, reviewer, open_round):
    import base64

    reviewer.set_password("secret-pass-1")
    reviewer.save()
    token = base64.b64encode(b"reviewer:secret-pass-1").decode()
    assert client.get("/api/v1/rounds/", HTTP_AUTHORIZATION=f"Basic {token}").status_code == 401


def test_service_account_cannot_log_in(client, open_round):
    api_client, _key = create_client("区综治中心", role="reviewer", district=open_round.district)
    assert not api_client.user.has_usable_password()
    assert client.login(username=api_client.user.username, password="") is False


def test_schema_needs_credentials(client, reviewer_key):
    assert client.get("/api/v1/schema/").status_code == 401
    response = client.get("/api/v1/schema/?format=json", **key_header(reviewer_key))
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/submissions/" in paths and all(p.startswith("/api/v1/") for p in paths)
    params = {p["name"] for p in paths["/api/v1/submissions/"]["get"]["parameters"]}
    assert {"round", "updated_since", "ordering", "limit", "offset", "criterion"} <= params


# --------------------------------------------------------------------------- reading


def test_town_key_sees_its_town_only(client, town_key, open_round, town_a):
    data = client.get("/api/v1/submissions/?limit=500", **key_header(town_key)).json()
    assert data["count"] == Submission.objects.filter(round=open_round, town=town_a).count() == 41
    assert {row["town_id"] for row in data["results"]} == {town_a.pk}
    towns = client.get("/api/v1/towns/", **key_header(town_key)).json()["results"]
    assert [(t["name"], t["code"]) for t in towns] == [(town_a.name, "320116002000")]


def test_item_carries_figures_evidence_and_history(client, reviewer_key, open_round, town_a, official_a):
    item = item_of(open_round, town_a, "2.3⑤")
    metrics = {m.code: m for m in item.criterion.metrics.all()}
    saved = services.save_draft(item, user=official_a, narrative="说明", completed_on=datetime.date(2026, 1, 5),
                                figures={metrics["key_area_cameras"]: Decimal("40")}, version=item.version)
    services.add_evidence(saved, user=official_a, upload=upload(), description="照片")
    data = client.get(f"/api/v1/submissions/{item.pk}/", **key_header(reviewer_key)).json()
    assert data["criterion"] == "2.3⑤" and data["town_code"] == "320116002000"
    assert [(f["code"], f["value"], f["version"]) for f in data["figures"]] == [
        ("key_area_cameras", "40.00", 1), ("key_area_cameras_hd", None, None)]
    assert data["figures"][0]["unit"] == metrics["key_area_cameras"].unit
    evidence = data["evidence"][0]
    assert (evidence["name"], evidence["kind"], len(evidence["sha256"])) == ("证明.pdf", "pdf", 64)
    assert client.get(evidence["download"], **key_header(reviewer_key)).status_code == 200
    assert data["deadline"] and data["deadline_state"] and data["history"] == []


def test_updated_since_returns_exactly_the_changed_rows(client, reviewer_key, open_round, town_a, official_a):
    since = timezone.now()
    item = item_of(open_round, town_a, "2.3③")
    services.save_draft(item, user=official_a, narrative="新说明", completed_on=None, figures={}, version=item.version)
    other = item_of(open_round, town_a, "2.4②")
    services.add_evidence(other, user=official_a, upload=upload(), description="d")
    query = {"updated_since": since.isoformat(), "ordering": "id"}
    data = client.get("/api/v1/submissions/", query, **key_header(reviewer_key)).json()
    assert sorted(row["id"] for row in data["results"]) == sorted([item.pk, other.pk])


def test_a_figure_change_marks_every_item_reading_it(client, reviewer_key, open_round, town_a, official_a):
    item = item_of(open_round, town_a, "2.3⑤")
    metric = item.criterion.metrics.get(code="key_area_cameras")
    since = timezone.now()
    services.save_draft(item, user=official_a, narrative="", completed_on=None, figures={metric: Decimal("3")},
                        version=item.version)
    query = {"updated_since": since.isoformat()}
    ids = [row["id"] for row in client.get("/api/v1/submissions/", query, **key_header(reviewer_key)).json()["results"]]
    readers = Submission.objects.filter(round=open_round, town=town_a, criterion__metrics=metric)
    assert sorted(ids) == sorted(readers.values_list("id", flat=True))


def test_etag_gives_304(client, reviewer_key, open_round):
    first = client.get("/api/v1/rounds/", **key_header(reviewer_key))
    again = client.get("/api/v1/rounds/", HTTP_IF_NONE_MATCH=first["ETag"], **key_header(reviewer_key))
    assert (again.status_code, again.content) == (304, b"")


def test_results_carry_town_codes(client, reviewer_key, scored_a, open_round):
    rows = client.get(f"/api/v1/results/?round={open_round.pk}", **key_header(reviewer_key)).json()
    assert {row["town_code"] for row in rows} >= {"320116002000", "320116001000"}


def test_events_feed_after_a_score(client, reviewer_key, scored_a):
    data = client.get("/api/v1/events/?after=0", **key_header(reviewer_key)).json()
    kinds = [(e["kind"], e["submission"]) for e in data["results"] if e["submission"]]
    assert kinds == [("submitted", scored_a.pk), ("scored", scored_a.pk)]
    assert data["last_id"] == Event.objects.latest("id").pk
    later = client.get(f"/api/v1/events/?after={data['last_id']}", **key_header(reviewer_key)).json()
    assert later == {"results": [], "last_id": data["last_id"]}


def test_events_are_scoped(client, town_key, open_round, town_b, official_b, reviewer):
    from tests.factories import score_item

    score_item(item_of(open_round, town_b, "1.1.1"), official_b, reviewer, "2")
    data = client.get("/api/v1/events/", **key_header(town_key)).json()
    assert [e for e in data["results"] if e["submission"]] == []


def test_round_workbook_job_then_download(client, reviewer_key, open_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/rounds/{open_round.pk}/export/", **key_header(reviewer_key))
    assert started.status_code == 202 and started.json()["status"] == "pending"
    job = client.get(f"/api/v1/exports/{started.json()['id']}/", **key_header(reviewer_key)).json()
    assert job["status"] == "done"
    download = client.get(job["download"], **key_header(reviewer_key))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")


# --------------------------------------------------------------------------- writing


def patch(client, key, item, body, version):
    headers = key_header(key) | ({"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {})
    return client.patch(f"/api/v1/submissions/{item.pk}/", body, content_type="application/json", **headers)


def test_town_system_saves_figures_and_narrative(client, town_key, open_round, town_a):
    item = item_of(open_round, town_a, "2.3⑤")
    body = {"narrative": "重点区域已全覆盖", "completed_on": "2026-01-05",
            "figures": [{"code": "key_area_cameras", "value": "50"}, {"code": "key_area_cameras_hd", "value": "45"}]}
    response = patch(client, town_key, item, body, item.version)
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == item.version + 1
    figures = dict(Figure.objects.filter(round=open_round, town=town_a).values_list("metric__code", "value"))
    assert figures == {"key_area_cameras": Decimal("50.00"), "key_area_cameras_hd": Decimal("45.00")}


def test_stale_if_match_is_412_and_missing_is_428(client, town_key, open_round, town_a):
    item = item_of(open_round, town_a, "2.3③")
    stale = patch(client, town_key, item, {"narrative": "a"}, item.version + 5)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    missing = patch(client, town_key, item, {"narrative": "a"}, None)
    assert missing.status_code == 428 and missing.json()["code"] == "precondition_required"
    assert Submission.objects.get(pk=item.pk).narrative == ""


def test_stale_figure_version_is_412(client, town_key, open_round, town_a, official_a):
    item = item_of(open_round, town_a, "2.3⑤")
    metric = item.criterion.metrics.get(code="key_area_cameras")
    services.save_draft(item_of(open_round, town_a, "2.3⑤"), user=official_a, narrative="", completed_on=None,
                        figures={metric: Decimal("7")}, version=item.version)
    body = {"figures": [{"code": "key_area_cameras", "value": "8"}]}  # read before the figure existed
    assert patch(client, town_key, item, body, item.version + 1).status_code == 412


def test_page_checks_apply(client, town_key, open_round, town_a):
    item = item_of(open_round, town_a, "2.3⑤")
    body = {"figures": [{"code": "key_area_cameras", "value": "10"}, {"code": "key_area_cameras_hd", "value": "11"}]}
    response = patch(client, town_key, item, body, item.version)
    assert response.status_code == 400 and "metric_key_area_cameras_hd" in response.json()
    future = patch(client, town_key, item, {"completed_on": "2999-01-01"}, item.version)
    assert future.status_code == 400 and future.json()["completed_on"] == ["完成日期不能晚于今天。"]


def test_department_cannot_write_another_units_item(client, police_key, town_key, open_round, town_a):
    towns_only = item_of(open_round, town_a, "2.3⑤")
    assert patch(client, police_key, towns_only, {"narrative": "x"}, towns_only.version).status_code == 404
    police_only = item_of(open_round, town_a, "3.4.1")
    response = patch(client, town_key, police_only, {"narrative": "x"}, police_only.version)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_upload_and_submit(client, town_key, open_round, town_a):
    item = item_of(open_round, town_a, "2.3③")
    assert patch(client, town_key, item, {"narrative": "已建成", "completed_on": "2026-01-05"},
                 item.version).status_code == 200
    refused = client.post(f"/api/v1/submissions/{item.pk}/submit/", {}, content_type="application/json",
                          **key_header(town_key))
    assert refused.status_code == 409 and "佐证材料" in refused.json()["detail"]
    bad = client.post(f"/api/v1/submissions/{item.pk}/evidence/",
                      {"file": upload("x.pdf", b"MZ not a pdf"), "description": "d"}, **key_header(town_key))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    added = client.post(f"/api/v1/submissions/{item.pk}/evidence/", {"file": upload(), "description": "照片"},
                        **key_header(town_key))
    assert added.status_code == 201 and len(added.json()["sha256"]) == 64
    done = client.post(f"/api/v1/submissions/{item.pk}/submit/", {}, content_type="application/json",
                       **key_header(town_key))
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    again = client.post(f"/api/v1/submissions/{item.pk}/submit/", {}, content_type="application/json",
                        **key_header(town_key))
    assert again.status_code == 409 and again.json()["detail"] == "该考察点已提交，无需重复提交。"


def test_demo_clients_have_their_printed_keys(client, open_round):
    from integrations.demo import DEMO_CLIENTS, create_demo_clients

    create_demo_clients()
    create_demo_clients()  # a second run changes nothing
    for _name, role, _town, _unit, key in DEMO_CLIENTS:
        response = client.get("/api/v1/towns/", **key_header(key))
        assert response.status_code == 200, role
    town_rows = client.get("/api/v1/towns/", **key_header(DEMO_CLIENTS[2][4])).json()["results"]
    assert [row["name"] for row in town_rows] == ["雄州街道"]


def test_create_api_client_command_prints_a_working_key(client, open_round, capsys):
    from django.core.management import call_command

    call_command("create_api_client", "区综治中心", role="viewer", district="六合区")
    key = capsys.readouterr().out.strip().rsplit("密钥：", 1)[1]
    assert client.get("/api/v1/rounds/", **key_header(key)).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/schema/"])
def test_schema_refusal_is_json(client, path):
    response = client.get(path)
    assert response.status_code == 401 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_authenticated"
