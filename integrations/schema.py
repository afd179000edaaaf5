"""The OpenAPI description of /api/v1/: every parameter with its bounds, every error response, the auth schemes,
and Chinese examples. Value checks shared by views and schema live here, so the two cannot disagree."""

import re

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from assessment.models import Criterion, Submission
from assessment.scoping import MAX_ID
from assessment.serializers import RubricSerializer
from integrations.params import invalid
from integrations.serializers import (
    ErrorSerializer,
    EventSerializer,
    ExportJobSerializer,
    RoundSerializer,
    SubmissionV1Serializer,
    TownResultV1Serializer,
    TownSerializer,
)

TOWN_CODE = re.compile(r"^[0-9]{12}$")  # fullmatch: a trailing newline or a non-ASCII digit is no code
VERSION = re.compile(r"^[0-9A-Za-z._-]{1,20}$")
ERROR_TEXT = {
    400: ("invalid", "参数无效：limit：应为 1 到 500 之间的整数。"),
    401: ("not_authenticated", "身份认证信息未提供。"),
    403: ("permission_denied", "您没有执行该操作的权限。"),
    404: ("not_found", "未找到。"),
    409: ("conflict", "该考察点已提交，无需重复提交。"),
    412: ("precondition_failed", "数据已被他人修改，请重新读取后再保存。"),
    415: ("unsupported_media_type", "不支持请求中的媒体类型。"),
    428: ("precondition_required", "请在 If-Match 请求头中给出所读取的版本号。"),
    429: ("throttled", "请求超过了限速。"),
}


def errors(*codes):
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[code][1], examples=[
            OpenApiExample(f"e{code}", {"code": ERROR_TEXT[code][0], "detail": ERROR_TEXT[code][1]})])
        for code in codes
    }


READ_ERRORS = (400, 401, 403, 404, 429)


def check_status(value):
    if value not in Submission.Status.values:
        raise invalid("status", _("未知状态“%(value)s”。") % {"value": value[:20]})
    return value


def check_criterion(value):
    # PostgreSQL refuses a NUL in a query, and no code contains one.
    if "\x00" in value or not Criterion.objects.filter(code=value).exists():
        raise invalid("criterion", _("没有编号为“%(value)s”的考察点。") % {"value": value[:20]})
    return value


def check_version(request):
    value = request.query_params.get("version")
    if value is not None and not VERSION.fullmatch(value):
        raise invalid("version", _("版本应为 1 到 20 个字母、数字、点、下划线或连字符。"))


def check_town_code(value):
    if not TOWN_CODE.fullmatch(value):
        raise invalid("town_code", _("行政区划代码应为 12 位数字。"))
    return value


def _param(name, kind, description, **schema):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **schema)


def _ordering(names):
    choices = [*names, *(f"-{n}" for n in names)]
    return OpenApiParameter("ordering", str, OpenApiParameter.QUERY, enum=choices,
                            description="排序字段，前加 - 为倒序；可选：" + "、".join(names))


UPDATED_SINCE = _param("updated_since", OpenApiTypes.DATETIME, "只返回此时刻之后有变化的记录（带时区，如 "
                       "2026-05-01T08:00:00+08:00）", examples=[
                           OpenApiExample("上次同步时间", value="2026-05-01T08:00:00+08:00")])


def _id_param(name, description):
    return OpenApiParameter(name, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.QUERY,
                            description=description)


ROUNDS = RoundSerializer
TOWNS = TownSerializer
SUBMISSIONS = SubmissionV1Serializer
ROUND_PARAMS = [UPDATED_SINCE, _ordering(["id", "opens_on", "updated_at"])]
TOWN_PARAMS = [UPDATED_SINCE, _ordering(["id", "code", "order", "updated_at"])]
SUBMISSION_PARAMS = [
    UPDATED_SINCE, _ordering(["id", "updated_at", "town", "criterion"]),
    _id_param("round", "年度考评编号；不在可见范围内时结果为空"),
    _id_param("town", "街镇编号；不在可见范围内时结果为空"),
    OpenApiParameter("town_code", {"type": "string", "pattern": TOWN_CODE.pattern}, OpenApiParameter.QUERY,
                     description="街镇行政区划代码（12 位）", examples=[OpenApiExample("雄州街道", value="320116002000")]),
    OpenApiParameter("status", str, OpenApiParameter.QUERY, enum=Submission.Status.values, description="填报状态"),
    OpenApiParameter("criterion", str, OpenApiParameter.QUERY, description="考察点原文编号，如 2.3④",
                     examples=[OpenApiExample("2.3④", value="2.3④")]),
]


def list_view(serializer, parameters, summary):
    return extend_schema(parameters=parameters, summary=summary,
                         responses={200: serializer(many=True), **errors(*READ_ERRORS)})


def detail_view(summary):
    return extend_schema(summary=summary, responses={200: SubmissionV1Serializer, **errors(*READ_ERRORS)})


results_view = extend_schema(
    summary="各街镇考评结果（评审与领导即时可见；街镇在结果公布后见本街镇）",
    parameters=[_id_param("round", "年度考评编号；不填为默认考评")],
    responses={200: TownResultV1Serializer(many=True), **errors(*READ_ERRORS)},
)


class EventPage(serializers.Serializer):
    results = EventSerializer(many=True)
    last_id = serializers.IntegerField(help_text="下次请求时作为 after 传回")


events_view = extend_schema(
    summary="事件流：提交、退回、评分、公布、延期与复核决定",
    parameters=[
        OpenApiParameter("after", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}, OpenApiParameter.QUERY,
                         description="只返回编号大于此值的事件；首次同步填 0"),
        OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 500}, OpenApiParameter.QUERY,
                         description="最多返回条数，默认 100"),
    ],
    responses={200: EventPage, **errors(*READ_ERRORS)},
)
rubric_view = extend_schema(
    summary="评估标准（树形）",
    parameters=[OpenApiParameter("version", {"type": "string", "pattern": VERSION.pattern},
                                 OpenApiParameter.QUERY, description="评估标准版本，默认最新",
                                 examples=[OpenApiExample("2017 版", value="2017")])],
    responses={200: RubricSerializer, **errors(*READ_ERRORS)},
)
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="文件内容")
evidence_download_view = extend_schema(summary="下载佐证材料（与页面相同的权限检查）",
                                       responses={(200, "application/octet-stream"): FILE, **errors(*READ_ERRORS)})
export_job_view = extend_schema(summary="导出任务状态", responses={200: ExportJobSerializer, **errors(*READ_ERRORS)})
export_download_view = extend_schema(
    summary="下载已生成的工作簿",
    responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): FILE,
               **errors(*READ_ERRORS, 409)},
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.auth.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "对接系统的密钥：`Authorization: Api-Key <密钥>`，由管理员创建，只显示一次"}


class OptionalBasicScheme(OpenApiAuthenticationExtension):
    """Named so that schema generation (and `check --deploy`) knows the switchable HTTP Basic class."""

    target_class = "integrations.auth.OptionalBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic", "description": "仅在 API_BASIC_AUTH=1 时可用"}


def only_v1(endpoints, **kwargs):
    """/api/v1/schema/ describes /api/v1/ alone (the catch-all for unknown paths is no endpoint)."""
    return [e for e in endpoints if e[0].startswith("/api/v1/") and "{path}" not in e[0] and "schema" not in e[0]]


def without_v1(endpoints, **kwargs):
    """The old /api/schema/ stays as it was."""
    return [e for e in endpoints if not e[0].startswith("/api/v1/") and "{path}" not in e[0]]


def criterion_codes(result, generator, request, public):
    """The criterion codes a list accepts are the standard's: listed in the schema, so a client knows them."""
    codes = sorted(set(Criterion.objects.values_list("code", flat=True)))
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("name") == "criterion" and codes:
                    parameter["schema"]["enum"] = codes
    return result

