"""站内消息, 通知公告 and 催办 pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import files
from assessment.models import Round
from assessment.permissions import requires
from assessment.scoping import round_for_request
from assessment.services import ServiceError
from notices import services
from notices.forms import AnnouncementForm, UrgeForm
from notices.models import AnnouncementRead, UrgeRecipient
from notices.scoping import announcements_for_user, get_announcement_for_user, messages_for_user, urges_for_user

PAGE_SIZE = 30


# --------------------------------------------------------------------------- 站内消息


@login_required
def message_list(request):
    page = Paginator(messages_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/message_list.html", {"page": page, "query": ""})


@login_required
def message_open(request, pk):
    """Opening a message marks it read and goes where it points."""
    message = get_object_or_404(messages_for_user(request.user), pk=pk)
    services.mark_message_read(message)
    if message.url and url_has_allowed_host_and_scheme(message.url, {request.get_host()}, request.is_secure()):
        return redirect(message.url)
    return redirect("message-list")


@login_required
@require_POST
def message_read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": count})
    return redirect("message-list")


# --------------------------------------------------------------------------- 通知公告


@login_required
def announcement_list(request):
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user_id=request.user.pk)
    announcements = announcements_for_user(request.user).select_related("round", "posted_by").annotate(read=Exists(read))
    page = Paginator(announcements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/announcement_list.html", {"page": page, "query": ""})


@login_required
@require_POST
def announcement_read_all(request):
    count = services.mark_announcements_read(announcements_for_user(request.user), request.user)
    messages.success(request, _("已将 %(n)s 条通知公告标为已读。") % {"n": count})
    return redirect("announcement-list")


@login_required
def announcement_detail(request, pk):
    """Reading an announcement takes its 新 mark away."""
    announcement = get_announcement_for_user(request.user, pk)
    services.mark_announcement_read(announcement, request.user)
    return render(request, "notices/announcement_detail.html", {"announcement": announcement})


@login_required
def announcement_attachment(request, pk):
    announcement = get_announcement_for_user(request.user, pk)
    if not announcement.attachment:
        return redirect("announcement", pk=pk)
    return files.serve(announcement.attachment, filename=announcement.attachment_name or "attachment",
                       content_type="application/octet-stream")


@requires("can_manage_rounds")
def announcement_new(request):
    form = AnnouncementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            announcement = services.post_announcement(
                user=request.user, title=data["title"], body=data["body"], round_=data["round"],
                attachment=data["attachment"], pinned=data["pinned"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已发布通知公告“%(title)s”。") % {"title": announcement.title})
            return redirect("announcement", pk=announcement.pk)
    return render(request, "notices/announcement_form.html", {"form": form})


# --------------------------------------------------------------------------- 催办


@requires("can_review")
def urge(request):
    """Pick towns and departments of the round and send each a 催办; below, the round's 催办记录."""
    round_ = round_for_request(request)
    if round_ is None:
        return render(request, "notices/urge.html", {"round": None})
    is_open = round_.state == Round.State.OPEN
    towns, departments = services.urge_targets(round_) if is_open else ([], [])
    form = UrgeForm(request.POST or None, towns=towns, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.send_urge(round_, sender=request.user, town_ids=form.cleaned_data["towns"],
                                      unit_ids=form.cleaned_data["units"], note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已发送催办：%(names)s。") % {"names": "、".join(
                r.name for r in sent.recipients.select_related("town", "unit"))})
            return redirect(f"{reverse('urge')}?round={round_.pk}")
    recipients = UrgeRecipient.objects.select_related("town", "unit").order_by("id")
    log = urges_for_user(request.user).filter(round=round_).select_related("sender").prefetch_related(
        Prefetch("recipients", queryset=recipients))
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"round": round_, "is_open": is_open, "form": form, "towns": towns, "departments": departments,
               "page": page, "query": f"round={round_.pk}"}
    return render(request, "notices/urge.html", context)
