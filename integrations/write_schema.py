"""OpenAPI description of the writing endpoints of /api/v1/, with Chinese examples."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from integrations.schema import errors
from integrations.serializers import (
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ExportJobSerializer,
    SubmissionPatchSerializer,
    SubmissionV1Serializer,
    SubmitSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match", {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,9}"?$'}, OpenApiParameter.HEADER, required=True,
    description="读取时填报的 version；已被他人修改时返回 412，缺少时返回 428",
    examples=[OpenApiExample("版本 3", value='"3"')],
)
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 415, 428, 429)

patch_view = extend_schema(
    summary="保存草稿：说明、完成日期、指标数据（只限本单位填报的考察点）",
    parameters=[IF_MATCH], request=SubmissionPatchSerializer,
    responses={200: SubmissionV1Serializer, **errors(*WRITE_ERRORS)},
    examples=[OpenApiExample("填报两项指标数据", request_only=True, value={
        "narrative": "已完成全镇视频监控补点建设，新增高清摄像机 120 台。",
        "completed_on": "2026-04-30",
        "figures": [{"code": "cameras_total", "value": "1287", "version": 2},
                    {"code": "cameras_hd", "value": "1103"}],
    })],
)
submit_view = extend_schema(
    summary="提交评审（缺少内容时返回 409 并列出所缺）", request=SubmitSerializer,
    responses={200: SubmissionV1Serializer, **errors(400, 401, 403, 404, 409, 415, 429)},
    examples=[OpenApiExample("牵头单位说明缺项", request_only=True, value={"missing_note": "区交通运输局的部分尚未提供。"})],
)
evidence_view = extend_schema(
    summary="上传佐证材料（multipart：file、description；按内容检查类型和大小）",
    request={"multipart/form-data": EvidenceUploadSerializer},
    responses={201: EvidenceSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
)
export_view = extend_schema(
    summary="生成全区工作簿：返回导出任务，完成后按 download 下载", request=None,
    responses={202: ExportJobSerializer, **errors(401, 403, 404, 415, 429)},
)
