"""The event feed is written here, by receivers of the rows the services already write at each state change:
`Transition` (submitted, withdrawn, returned), `Review` (scored, also a changed score), `RoundTransition`
(round states, published), and the decisions on `Extension` (延期) and `Appeal` (复核).

Why receivers rather than calls in every service: the services already record each change as one of these
rows, inside their transaction; a receiver of that row's `post_save` runs in the same transaction, so the feed
can neither miss a change nor report one that was rolled back, and no service needs to know about the API.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from appeals.models import Appeal, Extension
from assessment.models import Review, RoundTransition, Submission, Transition
from integrations.models import Event

Status = Submission.Status
TRANSITION_KINDS = {Status.SUBMITTED: Event.Kind.SUBMITTED, Status.DRAFT: Event.Kind.WITHDRAWN,
                    Status.RETURNED: Event.Kind.RETURNED}


def _record(kind, submission, **detail):
    Event.objects.create(kind=kind, round_id=submission.round_id, submission=submission, detail=detail)


@receiver(post_save, sender=Transition, dispatch_uid="events-transition")
def transition_saved(sender, instance, created, raw=False, **kwargs):
    kind = TRANSITION_KINDS.get(instance.to_status)
    if created and not raw and kind:
        _record(kind, instance.submission, comment=instance.comment)


@receiver(post_save, sender=Review, dispatch_uid="events-review")
def review_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _record(Event.Kind.SCORED, instance.submission)


@receiver(post_save, sender=RoundTransition, dispatch_uid="events-round")
def round_changed(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    published = instance.to_state == "published"
    Event.objects.create(
        kind=Event.Kind.PUBLISHED if published else Event.Kind.ROUND_STATE, round_id=instance.round_id,
        detail={"from": instance.from_state, "to": instance.to_state},
    )


@receiver(post_save, sender=Extension, dispatch_uid="events-extension")
def extension_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.status != Extension.Status.PENDING and instance.decided_at:
        until = instance.granted_until.isoformat() if instance.granted_until else None
        _record(Event.Kind.EXTENSION_DECIDED, instance.submission, status=instance.status, granted_until=until)


@receiver(post_save, sender=Appeal, dispatch_uid="events-appeal")
def appeal_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.is_decided:
        _record(Event.Kind.APPEAL_DECIDED, instance.submission, status=instance.status)
