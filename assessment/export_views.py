"""Downloads: the round workbook, a town's own workbook, the blank standard, export jobs."""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

import audit
from assessment import files
from assessment.exports import expire_stale, start_export
from assessment.models import ExportJob, Rubric, Town
from assessment.permissions import requires
from assessment.scoping import get_export_job_for_user, get_results_for_user, round_for_user
from assessment.workbook import build_round_workbook, build_standard_workbook, workbook_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data, filename):
    """Django writes a non-ASCII name as RFC 5987 `filename*=utf-8''…`, which every browser reads."""
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX)


@requires("sees_all_towns")
@require_POST
def round_export(request):
    """Small rounds download at once; large ones become a background job with a progress page."""
    round_ = round_for_user(request.user, request.POST.get("round"))
    if round_ is None:
        raise Http404
    audit.record(request, "export", workbook="round", round=round_.pk)
    towns = Town.objects.filter(district_id=round_.district_id).count()
    if towns <= settings.EXPORT_SYNC_MAX_TOWNS:
        return xlsx_response(build_round_workbook(round_), workbook_filename(round_))
    job = start_export(round_, user=request.user)
    return redirect("export-job", pk=job.pk)


@login_required
def town_export(request, town_id):
    """A town's own workbook: readers for any town, a town official for theirs once results are published."""
    round_, town = get_results_for_user(request.user, request.GET.get("round"), town_id)
    audit.record(request, "export", workbook="town", round=round_.pk, town=town.pk)
    return xlsx_response(build_round_workbook(round_, town=town), workbook_filename(round_, town))


@login_required
def standard_export(request):
    rubric = Rubric.objects.order_by("-version", "-id").first()
    if rubric is None:
        raise Http404
    audit.record(request, "export", workbook="standard", rubric=rubric.pk)
    return xlsx_response(build_standard_workbook(rubric), f"{rubric.title}.xlsx")


@login_required
def export_job(request, pk):
    expire_stale()
    return render(request, "assessment/export_job.html", {"job": get_export_job_for_user(request.user, pk)})


@login_required
def export_job_status(request, pk):
    expire_stale()  # the page polling a job whose worker died learns it here
    job = get_export_job_for_user(request.user, pk)
    return JsonResponse({"status": job.status, "label": job.get_status_display(), "done": job.done,
                         "total": job.total, "percent": job.percent, "error": job.error})


@login_required
def export_job_download(request, pk):
    job = get_export_job_for_user(request.user, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    audit.record(request, "export", workbook="job", job=job.pk)
    return files.serve(job.file, filename=job.filename, content_type=XLSX)


@login_required
@require_POST
def export_job_retry(request, pk):
    """A failed job is asked for again: the new (or an already running, or a finished up-to-date) job's page."""
    job = get_export_job_for_user(request.user, pk)
    if job.status != ExportJob.Status.FAILED:
        return redirect("export-job", pk=job.pk)
    return redirect("export-job", pk=start_export(job.round, user=request.user, town=job.town).pk)
