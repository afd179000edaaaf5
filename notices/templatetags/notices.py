"""The notices every page shows: `{% load notices %}`, then `{% notices_nav %}` and `{% announcement_banner %}`.

Both read one summary, fetched in one query per request (`notices.scoping.summary`).
"""

from django import template

from notices.scoping import summary

register = template.Library()


def _summary(context):
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if request is None:
        return summary(user)
    if getattr(request, "_notices_summary", None) is None:
        request._notices_summary = summary(user)
    return request._notices_summary


@register.inclusion_tag("notices/_nav.html", takes_context=True)
def notices_nav(context):
    """消息 with the unread count, 通知公告, and 催办 for reviewers."""
    return {"notices": _summary(context), "user": context.get("user")}


@register.inclusion_tag("notices/_banner.html", takes_context=True)
def announcement_banner(context):
    """The user's unread announcements (the first few, pinned first), with a link to all of them."""
    return {"notices": _summary(context)}
