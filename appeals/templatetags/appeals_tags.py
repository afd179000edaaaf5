"""What other apps' pages show of 延期 and 复核: links on an item, 已复核 marks on results."""

from django import template

from appeals import services
from assessment.models import Round

register = template.Library()


@register.inclusion_tag("appeals/_item_requests.html", takes_context=True)
def item_requests(context, submission):
    """Links to ask for a 延期 or a 复核 of this item, where they may apply; no query (the forms check the rest)."""
    user = context["user"]
    round_state = submission.round.state
    return {
        "submission": submission,
        "can_extend": round_state in Round.State.SCORING and user.can_fill(submission),
        "can_appeal": (round_state == Round.State.PUBLISHED and user.is_town_official
                       and user.town_id == submission.town_id and submission.status == submission.Status.SCORED),
        "can_review": user.can_review,
    }


@register.simple_tag
def reviewed_towns(round_):
    """Ids of the round's towns with a decided 复核 (one query once results are published, else none)."""
    return services.reviewed_towns(round_) if round_ is not None else set()


@register.simple_tag
def reviewed_items(round_, town):
    """Ids of the town's items in the round with a decided 复核 (one query once results are published, else none)."""
    return services.reviewed_items(round_, town.pk) if round_ is not None else set()
