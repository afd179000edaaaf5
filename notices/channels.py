"""Delivery channels of 站内消息; `settings.NOTICE_CHANNELS` lists those in use.

A channel is a callable `deliver(message)` given a saved `notices.models.Message` with its `user` loaded.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def in_portal(message):
    """The message is already in the recipient's list (/messages/) and counted in the navigation: nothing to send."""


def by_email(message):
    """Mail the message to the recipient's address, if they have one; a failure is logged, never raised."""
    address = (message.user.email or "").strip()
    if not address:
        return
    link = f"{_portal_url()}{reverse('message-open', args=[message.pk])}" if _portal_url() else ""
    body = message.body
    if link:
        body = f"{body}\n\n{_('在门户中查看：')}{link}"
    try:
        send_mail(f"[{_('六合区技防达标评估门户')}] {message.subject}", body, None, [address])
    except Exception:
        logger.exception("e-mail for message %s to user %s failed", message.pk, message.user_id)


def _portal_url():
    """The portal's address for links in e-mails (`PORTAL_URL`, e.g. https://jf.example.gov.cn); none if unset."""
    return getattr(settings, "PORTAL_URL", "").rstrip("/")
