"""The person's rights over their own data: download everything the portal holds about them
(/my/account/data/ and its JSON) and close their account (/my/account/close/). What each app
contributes is registered in accounts/personal_data.py."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.closing import account_close
from accounts.forms import CloseAccountForm
from accounts.personal_data import (
    ClosingRefused,
    closing_blockers,
    closing_steps,
    export_sections,
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def close_account(request):
    """The page says what closing does and keeps before the person confirms with their
    password; while something stops it (the last 管理者 of a CSO, a staff account) it says what
    and where to fix it, and offers no form."""
    blockers = closing_blockers(request.user)
    form = CloseAccountForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if blockers:
            messages.error(request, _("いまはアカウントを閉じられません。理由は下のとおりです。"))
            return redirect("accounts:close")
        if form.is_valid():
            try:
                account_close(user=request.user)
            except ClosingRefused:
                messages.error(
                    request, _("いまはアカウントを閉じられません。理由は下のとおりです。")
                )
                return redirect("accounts:close")
            logout(request)
            messages.success(
                request,
                _(
                    "アカウントを閉じました。これまでのご協力に感謝します。"
                    "お知らせのメールを、閉じる前のメールアドレスに送りました。"
                ),
            )
            return redirect("home")
        status = 400
    steps = closing_steps()
    context = {
        "blockers": blockers,
        "form": form,
        "does": [item for step in steps for item in step.does],
        "keeps": [item for step in steps for item in step.keeps],
    }
    return render(request, "accounts/close.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def my_data(request):
    context = {"sections": export_sections(request.user), "generated_at": timezone.now()}
    return render(request, "accounts/my_data.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def my_data_json(request):
    """The same as the page, as a file to keep (the middleware for /my/ makes it private,
    no-store)."""
    now = timezone.now()
    document = {
        "portal": settings.SITE_NAME,
        "generated_at": timezone.localtime(now).isoformat(),
        "sections": [section.as_json() for section in export_sections(request.user)],
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localtime(now):%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
