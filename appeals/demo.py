"""The demo's 延期 and 复核: one pending and one granted 延期 in this year's round, one decided 复核 in last year's.

Last year's round is archived, where the services refuse a 复核, so its 复核 record is written directly, decided
(维持原评分): no published score changes.
"""

import datetime

from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from assessment.models import Review, Submission, User
from scoring.engine import DeadlineState
from scoring.loader import outcomes_for


def create_demo_requests(round_, last_year, today):
    reviewer = User.objects.filter(role=User.Role.REVIEWER).order_by("id").first()
    officials = {u.town_id: u for u in User.objects.filter(role=User.Role.TOWN, town__district=round_.district)
                 .order_by("-id")}  # each town's first account wins
    if reviewer is None or not officials:
        return
    items = list(Submission.objects.filter(round=round_, town_id__in=officials)
                 .select_related("round", "criterion", "review").prefetch_related("criterion__unit_links__unit")
                 .order_by("town__order", "town_id", "criterion__indicator__section__order", "criterion__indicator__order",
                           "criterion__order"))
    outcomes = outcomes_for(items, as_of=today)
    mine = [(item, officials[item.town_id]) for item in items if officials[item.town_id].can_fill(item)]
    # Granted: an item completed after its deadline, now on time up to the day it was done (else one overdue).
    late = next(((i, u) for i, u in mine if outcomes[i.pk].state == DeadlineState.LATE), None)
    late = late or next(((i, u) for i, u in mine if outcomes[i.pk].state == DeadlineState.OVERDUE), None)
    if late is not None:
        item, official = late
        done_late = outcomes[item.pk].state == DeadlineState.LATE
        day = item.completed_on if done_late else today + datetime.timedelta(days=30)
        extension = services.request_extension(item, user=official, asked_until=day + datetime.timedelta(days=10),
                                               reason="监控点位施工受道路改造影响，设备到货推迟，申请延期。")
        services.decide_extension(extension, user=reviewer, grant=True, granted_until=day,
                                  note="情况属实，同意延期。", version=extension.version)
    # Pending: an item still being filled in.
    pending = next(((i, u) for i, u in mine if i.status in Submission.Status.EDITABLE and (i, u) != late), None)
    if pending is not None:
        item, official = pending
        asked = max(services.deadline_day(item), today) + datetime.timedelta(days=60)
        services.request_extension(item, user=official, asked_until=asked,
                                   reason="需等待区级平台联网调试完成后方能验收，申请延期。")
    town = items[0].town_id if items else None
    if town is not None:
        _decided_appeal(last_year, town, officials[town], reviewer)


def _decided_appeal(round_, town, official, reviewer):
    review = Review.objects.filter(submission__round=round_, submission__town_id=town,
                                   submission__status=Submission.Status.SCORED).order_by("submission__criterion_id").first()
    if review is None:
        return
    Appeal.objects.create(
        submission_id=review.submission_id, reason="已补充整改验收报告，申请复核该项得分。", requested_by=official,
        status=Appeal.Status.KEPT, points_before=review.points, points_after=review.points,
        reply="经复核，补充材料不改变评分依据，维持原评分。", decided_by=reviewer, decided_at=timezone.now(),
    )
