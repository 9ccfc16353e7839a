import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import retention
from cso_registry.models import Municipality
from kyodo_portal import throttle
from kyodo_portal.errors import refuse
from kyodo_portal.security import client_ip
from kyodo_portal.site import SiteFeed
from outreach import ical, services
from outreach.filters import EventFilter
from outreach.forms import GuestRegistrationForm, RegistrationForm
from outreach.models import Event, MunicipalContact, NewsItem, PromoterContact, Registration
from proposals.models import Theme


@require_safe
def home(request):
    events = (
        Event.objects.visible_to(request.user)
        .upcoming()
        .filter(status=Event.Status.PUBLISHED)
        .select_related("municipality")
        .order_by("starts_at", "pk")[:3]
    )
    news = NewsItem.objects.published()[:3]
    themes = (
        Theme.objects.open_on().select_related("department__parent").order_by("closes_on", "pk")[:5]
    )
    return render(
        request,
        "home.html",
        {"upcoming_events": events, "latest_news": news, "open_themes": themes},
    )


# Events ---------------------------------------------------------------------------------


@require_safe
def event_list(request):
    events = (
        Event.objects.visible_to(request.user)
        .with_seat_counts()
        .select_related("municipality", "organiser__parent")
    )
    event_filter = EventFilter(request.GET or None, queryset=events, user=request.user)
    page = Paginator(event_filter.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/event_list.html",
        {"filter": event_filter, "page_obj": page, "query": query.urlencode()},
    )


def _visible_event(request, pk):
    return get_object_or_404(
        Event.objects.visible_to(request.user)
        .with_seat_counts()
        .select_related("municipality", "organiser__parent"),
        pk=pk,
    )


def _render_event(request, event, *, form=None, guest_form=None, status=200):
    own = None
    if request.user.is_authenticated:
        own = (
            event.registrations.filter(user=request.user, status__in=Registration.ACTIVE_STATUSES)
            .order_by("pk")
            .first()
        )
    can_register = event.is_open_for_registration() and event.may_register(request.user)
    if can_register and own is None:
        if request.user.is_authenticated:
            form = form or RegistrationForm()
        elif not event.is_staff_only:
            guest_form = guest_form or GuestRegistrationForm()
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "own_registration": own,
            "can_register": can_register,
            "form": form,
            "guest_form": guest_form,
        },
        status=status,
    )


@require_safe
def event_detail(request, pk):
    return _render_event(request, _visible_event(request, pk))


@require_POST
def event_register(request, pk):
    event = _visible_event(request, pk)
    try:
        if request.user.is_authenticated:
            form = RegistrationForm(request.POST)
            if not form.is_valid():
                return _render_event(request, event, form=form, status=400)
            registration = services.registration_create(
                event=event, user=request.user, **form.cleaned_data
            )
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("参加のお申し込みを受け付けました。"))
            else:
                messages.info(
                    request,
                    _(
                        "満席のため、キャンセル待ちで受け付けました。席が空きしだいメールでお知らせします。"
                    ),
                )
        else:
            if not throttle.hit("guest_registration:ip", client_ip(request)):
                return throttle.too_many_requests(request, "guest_registration:ip")
            guest_form = GuestRegistrationForm(request.POST)
            if not guest_form.is_valid():
                return _render_event(request, event, guest_form=guest_form, status=400)
            data = {k: v for k, v in guest_form.cleaned_data.items() if k != "consent"}
            services.registration_request_as_guest(event=event, **data)
            messages.info(
                request,
                _(
                    "%(email)s に確認のメールをお送りしました。"
                    "メールのリンクを開いて申込を確定してください（%(hours)s時間以内）。"
                )
                % {
                    "email": data["email"],
                    "hours": int(services.CONFIRMATION_MAX_AGE.total_seconds() // 3600),
                },
            )
    except services.DomainError as error:
        refuse(request, error)
    return redirect(event)


@login_required
@require_POST
def event_cancel_mine(request, pk):
    event = _visible_event(request, pk)
    registration = get_object_or_404(
        Registration, event=event, user=request.user, status__in=Registration.ACTIVE_STATUSES
    )
    try:
        services.registration_cancel(registration=registration, by=request.user)
        messages.success(request, _("お申し込みを取り消しました。"))
    except services.DomainError as error:
        refuse(request, error)
    return redirect(event)


@require_http_methods(["GET", "HEAD", "POST"])
def registration_confirm(request, token):
    """The emailed link shows a button; only the POST confirms (link scanners only GET)."""
    try:
        registration = services.registration_from_token(
            token, salt=services.CONFIRM_SALT, max_age=services.CONFIRMATION_MAX_AGE
        )
        if request.method == "POST":
            registration = services.registration_confirm(token=token)
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("参加が確定しました。確認のメールをお送りしました。"))
            else:
                messages.info(
                    request,
                    _(
                        "満席のため、キャンセル待ちで受け付けました。席が空きしだいメールでお知らせします。"
                    ),
                )
            return redirect(registration.event)
    except services.DomainError as error:
        return render(
            request, "outreach/registration_problem.html", {"message": str(error)}, status=400
        )
    if not registration.event.is_public:
        return render(
            request,
            "outreach/registration_problem.html",
            {"message": _("お申し込みが見つかりません。")},
            status=400,
        )
    return render(
        request,
        "outreach/registration_token.html",
        {"registration": registration, "action": "confirm"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request, token):
    try:
        registration = services.registration_from_token(token, salt=services.CANCEL_SALT)
        if request.method == "POST":
            services.registration_cancel(registration=registration)
            messages.success(request, _("お申し込みを取り消しました。"))
            if registration.event.is_public:
                return redirect(registration.event)
            return redirect("outreach:event_list")
    except services.DomainError as error:
        return render(
            request, "outreach/registration_problem.html", {"message": str(error)}, status=400
        )
    if not registration.is_active:
        return render(
            request,
            "outreach/registration_problem.html",
            {"message": _("このお申し込みはすでに取り消されています。")},
            status=400,
        )
    return render(
        request,
        "outreach/registration_token.html",
        {"registration": registration, "action": "cancel"},
    )


def _ics_response(text, filename):
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ics(request, pk):
    event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
    text = ical.calendar([event], name=event.title)
    return _ics_response(text, f"event-{event.pk}.ics")


@require_safe
def event_calendar(request):
    """Every public upcoming event, for subscribing in a calendar program (no login there)."""
    events = Event.objects.public().upcoming().order_by("starts_at", "pk")
    text = ical.calendar(events, name=_("協働ポータル 催し・講座"))
    return _ics_response(text, "kyodo-portal-events.ics")


# News -----------------------------------------------------------------------------------


@require_safe
def news_list(request):
    page = Paginator(NewsItem.objects.published(), 20).get_page(request.GET.get("page"))
    return render(request, "outreach/news_list.html", {"page_obj": page})


@require_safe
def news_detail(request, pk):
    item = get_object_or_404(NewsItem.objects.published(), pk=pk)
    return render(request, "outreach/news_detail.html", {"item": item})


class NewsFeed(SiteFeed):
    feed_type = Atom1Feed
    title = gettext_lazy("協働ポータル お知らせ")
    subtitle = gettext_lazy("佐賀県 県民協働課からのお知らせと広報です。")
    link = reverse_lazy("outreach:news_list")
    author_name = gettext_lazy("佐賀県 県民環境部 県民協働課")

    def items(self):
        return NewsItem.objects.published()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or Truncator(item.body).chars(200)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [item.get_category_display()]


# Contacts and the guideline ----------------------------------------------------------------


@require_safe
def contacts(request):
    promoter_contacts = PromoterContact.objects.filter(
        is_listed=True, department__is_active=True
    ).select_related("department__parent")
    municipalities = Municipality.objects.order_by("code")
    municipal_contacts = {
        contact.municipality_id: contact for contact in MunicipalContact.objects.all()
    }
    rows = [(m, municipal_contacts.get(m.pk)) for m in municipalities]
    return render(
        request,
        "outreach/contacts.html",
        {"promoter_contacts": promoter_contacts, "municipal_rows": rows},
    )


@require_safe
def guideline(request):
    return render(request, "outreach/guideline.html")


# The privacy notice and the terms of use ----------------------------------------------------

# Drafts for the prefecture's legal office: a new version and date with each change of the text.
PRIVACY_NOTICE_VERSION = ("第1版（案）", datetime.date(2026, 12, 2))
TERMS_VERSION = ("第1版（案）", datetime.date(2026, 12, 2))


@require_safe
def privacy(request):
    """個人情報の取扱い: the retention periods are the ones purge_personal_data applies."""
    version, dated = PRIVACY_NOTICE_VERSION
    return render(
        request,
        "outreach/privacy.html",
        {
            "retention_rules": retention.rules(),
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "lockout_failures": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "version": version,
            "dated": dated,
        },
    )


@require_safe
def terms(request):
    version, dated = TERMS_VERSION
    return render(
        request,
        "outreach/terms.html",
        {"session_hours": settings.SESSION_COOKIE_AGE // 3600, "version": version, "dated": dated},
    )
