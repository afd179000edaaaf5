"""`notify`: the one way the portal tells users something.

It records a `Message` for each user (the in-portal channel: the list at /messages/ and the count in the navigation)
and, once the transaction commits, hands each message to every channel in `settings.NOTICE_CHANNELS`. A channel is
the dotted path of a callable `deliver(message)`; the default ones are in `notices.channels`. Delivery runs as a
background task (`notices.tasks.deliver_messages`), so a slow mail server never holds up a page, and a channel that
fails is logged and never undoes or breaks what triggered the message.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from notices.models import Message

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = ("notices.channels.in_portal", "notices.channels.by_email")


def channels():
    return [import_string(path) for path in getattr(settings, "NOTICE_CHANNELS", DEFAULT_CHANNELS)]


@transaction.atomic
def notify(users, *, subject, body, url="", kind=Message.Kind.OTHER):
    """Record one message per user (each user once, inactive accounts skipped) and deliver them after commit.

    Returns the recorded messages.
    """
    recipients = list({user.pk: user for user in users if user.is_active}.values())
    if not recipients:
        return []
    messages = Message.objects.bulk_create(
        Message(user=user, kind=kind, subject=subject[:200], body=body, url=url[:300]) for user in recipients
    )
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return messages


def _enqueue(ids):
    from notices.tasks import deliver_messages

    deliver_messages.enqueue(ids)


def deliver(messages):
    """Hand each message to every channel; a failing channel is logged, the others still run."""
    for message in messages:
        for channel in channels():
            try:
                channel(message)
            except Exception:
                logger.exception("channel %s failed for message %s", getattr(channel, "__name__", channel), message.pk)
