"""/api/v1/, writing: through the same form checks, services and refusals as the item page, so nothing the pages
refuse is accepted here. A refusal of a service is a 409 (or 403 when the caller does not answer the item), a
stale `If-Match` a 412, a missing one a 428."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from assessment import services
from assessment.exports import start_export
from assessment.figures import stored_with_versions
from assessment.forms import METRIC_PREFIX, SubmissionForm
from assessment.scoping import get_submission_for_user, parse_id, rounds_for_user
from integrations import write_schema
from integrations.errors import Conflict, PreconditionFailed, PreconditionRequired
from integrations.serializers import (
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ExportJobSerializer,
    SubmissionPatchSerializer,
    SubmitSerializer,
)
from integrations.views import SubmissionDetail


def if_match_version(request):
    """The version named by `If-Match` ("3", 3 or W/"3"); 428 when absent, 412 when not a version at all."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        raise PreconditionRequired()
    text = raw.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise PreconditionFailed(_("If-Match 应为填报的版本号（如 \"3\"）。"))
    return int(text)


def _writable(request, pk):
    """The item, when the caller answers it; 404 outside their scope, 403 when they may only read it."""
    submission = get_submission_for_user(request.user, pk)
    if not request.user.can_fill(submission):
        raise PermissionDenied(_("您不是该考察点的填报单位，只能查看。"))
    return submission


def _refused(error):
    """A service's refusal as the API's error: a stale version is 412, anything else 409."""
    if isinstance(error, (services.Conflict, services.StaleFigures)):
        return PreconditionFailed(error.message)
    return Conflict(error.message)


def _page_form(submission, data, version):
    """The item page's own form, filled from the request over what is stored: the same checks as the page."""
    values, versions = stored_with_versions(submission.round_id, submission.town_id)
    metrics = {m.code: m for m in submission.criterion.metrics.all()}
    form_data = {"narrative": data.get("narrative", submission.narrative), "version": version,
                 "completed_on": data.get("completed_on", submission.completed_on) or ""}
    read = dict(versions)
    for code in metrics:
        form_data[METRIC_PREFIX + code] = "" if values.get(code) is None else values[code]
    for figure in data.get("figures", []):
        if figure["code"] not in metrics:
            raise ValidationError({"figures": [_("考察点 %(criterion)s 不读取指标“%(code)s”。") % {
                "criterion": submission.criterion.code, "code": figure["code"][:50]}]})
        form_data[METRIC_PREFIX + figure["code"]] = "" if figure["value"] is None else figure["value"]
        read.pop(figure["code"], None)
        if figure.get("version") is not None:
            read[figure["code"]] = figure["version"]
    form_data["figure_versions"] = json.dumps(read)
    form = SubmissionForm(form_data, criterion=submission.criterion, stored=values)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errs] for field, errs in form.errors.items()})
    return form


class SubmissionResource(SubmissionDetail):
    """GET one item; PATCH saves it."""

    parser_classes = [JSONParser]

    @write_schema.patch_view
    def patch(self, request, pk):
        return save_submission(request, pk)


def save_submission(request, pk):
    """Save narrative, completion date and figures of an item the caller answers, as a draft (保存草稿)."""
    submission = _writable(request, pk)
    version = if_match_version(request)
    body = SubmissionPatchSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    form = _page_form(submission, body.validated_data, version)
    try:
        services.save_draft(submission, user=request.user, narrative=form.cleaned_data["narrative"],
                            completed_on=form.cleaned_data["completed_on"], figures=form.figures(),
                            version=version, figure_versions=form.read_versions())
    except services.ServiceError as error:
        raise _refused(error) from None
    return _current(request, pk)


def _current(request, pk, code=status.HTTP_200_OK):
    view = SubmissionDetail(request=request, kwargs={"pk": pk}, format_kwarg=None)
    return Response(view.get_serializer(view.get_object()).data, status=code)


@write_schema.submit_view
@api_view(["POST"])
def submission_submit(request, pk):
    """Submit an item for review (提交), with the page's checks of what is still missing."""
    submission = _writable(request, pk)
    body = SubmitSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        services.submit(submission, user=request.user, missing_note=body.validated_data.get("missing_note", ""))
    except services.ServiceError as error:
        raise _refused(error) from None
    return _current(request, pk)


@write_schema.evidence_view
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def evidence_upload(request, pk):
    """Attach one evidence file (multipart: `file`, `description`), checked by content like the page's upload."""
    submission = _writable(request, pk)
    body = EvidenceUploadSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        with transaction.atomic():
            evidence = services.add_evidence(submission, user=request.user, upload=body.validated_data["file"],
                                             description=body.validated_data["description"])
    except DjangoValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    except services.ServiceError as error:
        raise _refused(error) from None
    return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


@write_schema.export_view
@api_view(["POST"])
@parser_classes([JSONParser, FormParser])
def round_export(request, pk):
    """Start building a round's workbook (readers only); poll the job, then download it."""
    round_ = rounds_for_user(request.user).filter(pk=parse_id(pk)).first()
    if round_ is None:
        raise NotFound()
    if not request.user.sees_all_towns:
        raise PermissionDenied(_("只有评审员和领导可以导出全区工作簿。"))
    job = start_export(round_, user=request.user)
    job.refresh_from_db()
    return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
