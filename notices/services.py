"""Every write of notices, each under `transaction.atomic`: 催办, 通知公告 and reading messages and announcements."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.evidence import check_upload
from assessment.models import ResponsibleUnit, Round, Town
from assessment.scoping import managed_rounds
from assessment.services import ServiceError
from notices.models import Announcement, AnnouncementRead, Message, Urge, UrgeRecipient
from notices.owed import ItemIndex, fillers, item_lines, open_items, stand_in
from notices.send import notify

# --------------------------------------------------------------------------- 催办


@dataclass
class Target:
    """A town or a department of a round that may be urged: what it still owes, and its accounts."""

    town: Town | None = None
    unit: ResponsibleUnit | None = None
    items: list = field(default_factory=list)
    accounts: list = field(default_factory=list)

    @property
    def name(self):
        return str(self.town or self.unit)

    @property
    def is_town(self):
        return self.town is not None

    @property
    def pk(self):
        return (self.town or self.unit).pk


def urge_targets(round_):
    """(towns, departments) of a round, each a `Target` with its items not handed in and its active accounts."""
    items = list(open_items(round_))
    accounts = list(fillers(round_))
    towns = [Target(town=town) for town in Town.objects.filter(district_id=round_.district_id)]
    units = ResponsibleUnit.objects.filter(
        level=ResponsibleUnit.Level.DISTRICT, criterion_links__criterion__indicator__section__rubric_id=round_.rubric_id,
    ).distinct().order_by("name")
    departments = [Target(unit=unit) for unit in units]
    index = ItemIndex(items)
    for target in towns + departments:
        target.items = index.owed(stand_in(town=target.town, unit=target.unit))
        target.accounts = [user for user in accounts
                           if (user.town_id == target.town.pk if target.is_town else user.unit_id == target.unit.pk)]
    return towns, departments


@transaction.atomic
def send_urge(round_, *, sender, town_ids=(), unit_ids=(), note=""):
    """Urge the chosen towns and departments of a round: each account of each gets a message listing what its town
    or department still owes. Recorded as an `Urge` with its recipients and the items listed."""
    if not sender.can_review:
        raise ServiceError(_("只有视频办评审员可以催办。"))
    if round_.state != Round.State.OPEN:
        raise ServiceError(_("本轮考评当前为“%(state)s”，不在填报期，不能催办。") % {"state": round_.get_state_display()})
    if not town_ids and not unit_ids:
        raise ServiceError(_("请至少选择一个街镇或部门。"))
    towns, departments = urge_targets(round_)
    by_town, by_unit = {t.pk: t for t in towns}, {t.pk: t for t in departments}
    if not (set(town_ids) <= by_town.keys() and set(unit_ids) <= by_unit.keys()):
        raise ServiceError(_("所选街镇或部门不属于本轮考评，请刷新页面后重试。"))
    chosen = [by_town[pk] for pk in dict.fromkeys(town_ids)] + [by_unit[pk] for pk in dict.fromkeys(unit_ids)]
    urge = Urge.objects.create(round=round_, sender=sender, note=note.strip())
    recipients, listed = [], {}
    for target in chosen:
        sent = notify(target.accounts, **urge_message(urge, target)) if target.items else []
        recipients.append(UrgeRecipient(urge=urge, town=target.town, unit=target.unit, item_count=len(target.items),
                                        user_count=len(sent)))
        listed.update((item.pk, item) for item in target.items)
    UrgeRecipient.objects.bulk_create(recipients)
    urge.items.add(*listed)
    return urge


def urge_message(urge, target):
    round_ = urge.round
    subject = _("【催办】%(round)s：%(owner)s尚有 %(n)s 项未提交") % {
        "round": round_.name, "owner": target.name, "n": len(target.items)}
    lines = [_("视频办%(sender)s催办：“%(round)s”中%(owner)s负责的以下考察点尚未提交，请尽快填报。") % {
        "sender": urge.sender.display_name if urge.sender else "", "round": round_.name, "owner": target.name}]
    if urge.note:
        lines += ["", _("附言：%(note)s") % {"note": urge.note}]
    lines += ["", *item_lines(target.items, with_towns=not target.is_town)]
    if len(target.items) == 1:
        url = reverse("submission", args=[target.items[0].pk])
    else:
        url = f"{reverse('dashboard')}?round={round_.pk}"
    return {"subject": subject, "body": "\n".join(lines), "url": url, "kind": Message.Kind.URGE}


# --------------------------------------------------------------------------- 通知公告


@transaction.atomic
def post_announcement(*, user, title, body, round_=None, attachment=None, pinned=False):
    """Post an announcement to a round's users, or (without a round) to everyone of the poster's district."""
    if not user.can_manage_rounds:
        raise ServiceError(_("只有视频办和管理员可以发布通知公告。"))
    if not title.strip() or not body.strip():
        raise ServiceError(_("请填写标题和正文。"))
    if round_ is not None and not managed_rounds(user).filter(pk=round_.pk).exclude(state=Round.State.VOIDED).exists():
        raise ServiceError(_("不能向该考评发布通知公告。"))
    announcement = Announcement(
        round=round_, district_id=round_.district_id if round_ else user.district_id, title=title.strip()[:200],
        body=body.strip(), pinned=pinned, posted_by=user,
    )
    if attachment is not None:
        try:
            check_upload(attachment)
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages)) from None
        announcement.attachment = attachment
        announcement.attachment_name = attachment.name[:255]
    announcement.save()
    return announcement


@transaction.atomic
def mark_announcement_read(announcement, user):
    AnnouncementRead.objects.get_or_create(announcement=announcement, user=user)


@transaction.atomic
def mark_announcements_read(announcements, user):
    """Mark every announcement of a queryset read by `user`; returns how many were unread."""
    unread = list(announcements.exclude(reads__user_id=user.pk).values_list("pk", flat=True))
    AnnouncementRead.objects.bulk_create(
        [AnnouncementRead(announcement_id=pk, user=user) for pk in unread], ignore_conflicts=True)
    return len(unread)


# --------------------------------------------------------------------------- messages


@transaction.atomic
def mark_message_read(message):
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)


@transaction.atomic
def mark_all_read(user):
    return Message.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
