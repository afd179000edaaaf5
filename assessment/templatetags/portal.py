"""Template helpers of the portal: `{% load portal %}`."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def actor(user):
    """Who did something: the user's display name, or a placeholder for an account removed before deletions stopped."""
    if user is None:
        return _("（已注销账号）")
    return user.display_name
