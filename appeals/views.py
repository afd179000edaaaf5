"""延期申请 and 复核申请: the request forms on an item, the reviewers' list of pending requests, the decisions.

Who may see an item is `assessment.scoping`'s (another town's item is a 404); who may ask or decide is the
services' (`appeals.services`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals import services
from appeals.forms import (
    AppealDecisionForm,
    AppealRequestForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    first_error,
)
from appeals.models import Appeal, Extension
from assessment import files
from assessment.permissions import requires
from assessment.scoping import get_submission_for_user, submissions_for_user
from assessment.services import ServiceError
from scoring.loader import outcomes_for


def _in_scope(model, user):
    return model.objects.filter(submission__in=submissions_for_user(user).values("pk"))


def _status(posted, refusal, form):
    if posted and refusal:
        return 403
    return 400 if form.errors else 200


@requires("can_review")
def pending(request):
    """Pending 延期 and 复核 requests of the reviewer's scope, oldest first, each with its decision form."""
    related = ("submission__round", "submission__town", "submission__criterion", "submission__review", "requested_by")
    extensions = list(_in_scope(Extension, request.user).filter(status=Extension.Status.PENDING)
                      .select_related(*related).order_by("requested_at", "id"))
    appeals = list(_in_scope(Appeal, request.user).filter(status=Appeal.Status.PENDING)
                   .select_related(*related).order_by("requested_at", "id"))
    outcomes = outcomes_for([e.submission for e in extensions], deadlines={})
    for extension in extensions:
        extension.outcome = outcomes[extension.submission_id]
        extension.form = ExtensionDecisionForm(initial={
            "version": extension.version, "decision": "grant", "granted_until": extension.asked_until})
    for appeal in appeals:
        review = getattr(appeal.submission, "review", None)
        appeal.form = AppealDecisionForm(initial={
            "version": appeal.version, "submission_version": appeal.submission.version, "decision": "keep",
            "points": review.points if review else None})
    return render(request, "appeals/pending.html", {"extensions": extensions, "appeals": appeals})


@login_required
def extension_new(request, submission_id):
    submission = get_submission_for_user(request.user, submission_id)
    refusal = services.extension_refusal(submission, request.user)
    posted = request.method == "POST"
    form = ExtensionRequestForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and refusal is None and form.is_valid():
        try:
            services.request_extension(submission, user=request.user, upload=form.cleaned_data["file"],
                                       asked_until=form.cleaned_data["asked_until"], reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("延期申请已提交，请等待视频办审批。"))
            return redirect("submission", pk=submission.pk)
    return render(request, "appeals/extension_new.html",
                  {"submission": submission, "form": form, "refusal": refusal}, status=_status(posted, refusal, form))


@requires("can_review")
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(_in_scope(Extension, request.user), pk=pk)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("appeals:pending")
    data = form.cleaned_data
    try:
        services.decide_extension(extension, user=request.user, grant=data["decision"] == "grant",
                                  granted_until=data["granted_until"], note=data["note"], version=data["version"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已处理延期申请：%(item)s。") % {"item": extension.submission})
    return redirect("appeals:pending")


@login_required
def extension_file(request, pk):
    """An extension's file is served only to those who may see its item."""
    extension = get_object_or_404(_in_scope(Extension, request.user).exclude(file=""), pk=pk)
    return files.serve(extension.file, filename=extension.original_name, content_type="application/octet-stream")


@login_required
def appeal_new(request, submission_id):
    submission = get_submission_for_user(request.user, submission_id)
    refusal = services.appeal_refusal(submission, request.user)
    posted = request.method == "POST"
    form = AppealRequestForm(request.POST if posted else None)
    if posted and refusal is None and form.is_valid():
        try:
            services.request_appeal(submission, user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("复核申请已提交，请等待视频办处理。"))
            return redirect("submission", pk=submission.pk)
    closes = services.appeal_deadline(submission.round) if submission.round.results_published else None
    return render(request, "appeals/appeal_new.html",
                  {"submission": submission, "form": form, "refusal": refusal, "closes": closes},
                  status=_status(posted, refusal, form))


@requires("can_review")
@require_POST
def appeal_decide(request, pk):
    appeal = get_object_or_404(_in_scope(Appeal, request.user), pk=pk)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("appeals:pending")
    data = form.cleaned_data
    try:
        services.decide_appeal(appeal, user=request.user, change=data["decision"] == "change", points=data["points"],
                               reply=data["reply"], version=data["version"], submission_version=data["submission_version"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已处理复核申请：%(item)s。") % {"item": appeal.submission})
    return redirect("appeals:pending")
