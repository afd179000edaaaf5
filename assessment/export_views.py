"""Downloads: the round workbook, a town's own workbook, the blank standard, export jobs."""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assessment.exports import start_export
from assessment.models import ExportJob, Rubric, Town
from assessment.permissions import READERS, role_required
from assessment.result_views import visible_round_and_town
from assessment.rounds import current_round
from assessment.workbook import build_round_workbook, build_standard_workbook, workbook_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data, filename):
    """Django writes a non-ASCII name as RFC 5987 `filename*=utf-8''…`, which every browser reads."""
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX)


@role_required(READERS)
@require_POST
def round_export(request):
    """Small rounds download at once; large ones become a background job with a progress page."""
    round_ = current_round(request.user, request.POST.get("round"))
    if round_ is None:
        raise Http404
    towns = Town.objects.filter(district_id=round_.district_id).count()
    if towns <= settings.EXPORT_SYNC_MAX_TOWNS:
        return xlsx_response(build_round_workbook(round_), workbook_filename(round_))
    job = start_export(round_, user=request.user)
    return redirect("export-job", pk=job.pk)


@login_required
def town_export(request, town_id):
    """A town's own workbook: readers for any town, a town official for theirs once results are published."""
    round_, town = visible_round_and_town(request, town_id)
    return xlsx_response(build_round_workbook(round_, town=town), workbook_filename(round_, town))


@login_required
def standard_export(request):
    rubric = Rubric.objects.order_by("-version", "-id").first()
    if rubric is None:
        raise Http404
    return xlsx_response(build_standard_workbook(rubric), f"{rubric.title}.xlsx")


def _own_job(request, pk):
    return get_object_or_404(ExportJob.objects.select_related("round"), pk=pk, requested_by=request.user)


@login_required
def export_job(request, pk):
    return render(request, "assessment/export_job.html", {"job": _own_job(request, pk)})


@login_required
def export_job_status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse({"status": job.status, "label": job.get_status_display(), "done": job.done,
                         "total": job.total, "percent": job.percent, "error": job.error})


@login_required
def export_job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)
