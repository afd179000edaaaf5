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


@register.inclusion_tag("assessment/_round_switcher.html", takes_context=True)
def round_switcher(context):
    """The rounds this user may open, with the one the page shows selected: one query."""
    from assessment.scoping import rounds_for_user

    request = context["request"]
    shown = context.get("round") or getattr(context.get("submission"), "round", None)
    rounds = list(rounds_for_user(request.user).order_by("-opens_on", "-id").only("id", "name", "state"))
    return {"rounds": rounds, "shown": shown, "path": request.path}
