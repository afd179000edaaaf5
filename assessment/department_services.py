"""Writes of a department answering one criterion for many towns at once (按考察点填报).

Every row is saved by `services.save_draft`, so the version check, the edit rules and the history are the town
page's. Two policies, stated on the page:

- by town (`save_by_town`): one transaction; each row in its own savepoint. A row that fails (stale version,
  item no longer editable) is rolled back alone and reported; the other rows are saved.
- once for the district (`save_for_every_town`, criteria marked `answered_once`): all or nothing — one answer is
  written to every listed town's item, and if any of them cannot take it none is changed.

A shared evidence file is stored once (`EvidenceFile`) and linked to each chosen submission by an `Evidence` row
whose `file` names the same stored file; deleting a link keeps the file until its last link goes.
"""

import inspect
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment import services
from assessment.evidence import check_upload
from assessment.models import Evidence, EvidenceFile, Submission
from assessment.services import ServiceError


@dataclass
class RowInput:
    """What was typed for one town's item; `figures` maps Metric → Decimal or None, as `save_draft` takes it."""

    submission: Submission
    narrative: str
    completed_on: object
    figures: dict
    version: int
    figure_versions: dict | None = None


@dataclass
class SharedUpload:
    upload: object
    description: str
    submissions: list


@dataclass
class PageResult:
    saved: dict = field(default_factory=dict)  # submission pk → the saved Submission
    errors: dict = field(default_factory=dict)  # submission pk → ServiceError
    shared_file: EvidenceFile | None = None
    links: list = field(default_factory=list)
    evidence_error: str | None = None
    submitted: list = field(default_factory=list)  # Submissions handed in
    not_submitted: dict = field(default_factory=dict)  # submission pk → why not, in the user's words


def _save(submission, *, user, narrative, completed_on, figures, version, figure_versions=None):
    """`services.save_draft` with its keyword arguments; per-figure versions only where it takes them."""
    kwargs = {"user": user, "narrative": narrative, "completed_on": completed_on, "figures": figures, "version": version}
    if "figure_versions" in inspect.signature(services.save_draft).parameters:
        kwargs["figure_versions"] = figure_versions
    return services.save_draft(submission, **kwargs)


@transaction.atomic
def save_by_town(rows, *, user, shared=None, submit=()):
    """Save each row (its own savepoint), then attach `shared`, then submit the complete ones of `submit`.

    A failed row keeps the others; a refused upload keeps the rows. Returns a `PageResult`.
    """
    result = PageResult()
    for row in rows:
        pk = row.submission.pk
        try:
            result.saved[pk] = _save(
                row.submission, user=user, narrative=row.narrative, completed_on=row.completed_on,
                figures=row.figures, version=row.version, figure_versions=row.figure_versions,
            )
        except ServiceError as error:
            result.errors[pk] = error
    if shared is not None:
        try:
            result.shared_file, result.links = add_shared_evidence(
                shared.submissions, user=user, upload=shared.upload, description=shared.description
            )
        except ServiceError as error:
            result.evidence_error = error.message
    to_submit = [result.saved.get(s.pk, s) for s in submit if s.pk not in result.errors]
    result.submitted, result.not_submitted = submit_complete(to_submit, user=user)
    return result


@transaction.atomic
def save_for_every_town(submissions, *, user, narrative, completed_on, figures, versions, figure_versions=None,
                        unchanged=(), shared=None, submit=False):
    """One answer written to every town's item of a criterion answered once for the district; all or nothing.

    `versions` maps submission pk → the version the form was opened at (`figure_versions` likewise, per pk);
    items in `unchanged` (pks) already hold this answer and are not written again. The shared file is linked
    to, and 提交 applies to, every item. A refusal names the town and leaves every item as it was.
    """
    result = PageResult()
    for submission in submissions:
        if submission.pk in unchanged:
            continue
        try:
            result.saved[submission.pk] = _save(
                submission, user=user, narrative=narrative, completed_on=completed_on, figures=figures,
                version=versions.get(submission.pk, -1),
                figure_versions=(figure_versions or {}).get(submission.pk),
            )
        except ServiceError as error:
            raise ServiceError(_("%(town)s：%(message)s") % {"town": submission.town, "message": error.message}) from error
    everyone = [result.saved.get(s.pk, s) for s in submissions]
    if shared is not None:
        result.shared_file, result.links = add_shared_evidence(
            everyone, user=user, upload=shared.upload, description=shared.description
        )
    if submit:
        result.submitted, result.not_submitted = submit_complete(everyone, user=user)
    return result


def submit_complete(submissions, *, user):
    """Submit each item that is complete, each in its own savepoint; the rest stay as they are.

    Returns (submitted submissions, {pk: why not}); items already handed in are left out of both.
    """
    submitted, not_submitted = [], {}
    for submission in submissions:
        if not submission.is_editable_status:
            continue
        try:
            submitted.append(services.submit(submission, user=user))
        except ServiceError as error:
            not_submitted[submission.pk] = error.message
    return submitted, not_submitted


@transaction.atomic
def add_shared_evidence(submissions, *, user, upload, description):
    """Store `upload` once and link it to each of `submissions`; refuse all if any of them may not take it.

    Returns (the EvidenceFile, its Evidence links in the order of `submissions`' primary keys).
    """
    if not submissions:
        raise ServiceError(_("请至少勾选一个街镇，再上传佐证材料。"))
    if not description.strip():
        raise ServiceError(_("请填写佐证材料的说明。"))
    try:
        kind, digest = check_upload(upload)
    except ValidationError as error:
        raise ServiceError("".join(error.messages)) from None
    locked = list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("round", "town", "criterion")
        .prefetch_related("criterion__unit_links__unit")
        .filter(pk__in=[s.pk for s in submissions])
        .order_by("pk")
    )
    refused = [(s.town.name, reason) for s in locked if (reason := services.edit_refusal(s, user))]
    if refused:
        towns = "；".join(f"{town}（{reason}）" for town, reason in refused)
        raise ServiceError(_("佐证材料未上传，以下街镇不能添加：%(towns)s") % {"towns": towns})
    shared = EvidenceFile(
        file=upload, original_name=upload.name[:255], kind=kind, size=upload.size, sha256=digest, uploaded_by=user
    )
    shared.save()
    links = []
    for submission in locked:
        link = Evidence(
            submission=submission, file=shared.file.name, shared_file=shared, original_name=shared.original_name,
            description=description.strip()[:200], kind=kind, size=shared.size, sha256=digest, uploaded_by=user,
        )
        link._history_user = user
        link.save()
        links.append(link)
    return shared, links


def release_shared_file(shared_file_id):
    """After one link of a shared file is deleted: drop the file's row once no link is left.

    Returns True when the stored file should go too. The row is locked first, so two towns' links deleted at
    the same moment cannot both leave the file behind, nor a new link be added to a file being removed.
    """
    shared = EvidenceFile.objects.select_for_update().filter(pk=shared_file_id).first()
    if shared is None or shared.links.exists():
        return False
    shared.delete()
    return True
