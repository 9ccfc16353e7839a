"""An entitled person's POST succeeds: for every URL of the permission map that takes a POST,
the person the map entitles sends what the page's form would send, and the action happens (a
refused action that answers 302 would pass a matrix that only checks "not 403"). Each POST
runs in a savepoint rolled back afterwards, on one shared world."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from advisors.models import AdvisorRequest
from cso_registry.models import CSO, Membership
from evaluations import services as evaluation_services
from evaluations.models import Decision, Evaluation, Side
from kyodo_portal.models import AccountSession, User
from kyodo_portal.permission_map import PERMISSION_MAP
from outreach.models import Registration
from outreach.services import cancellation_token, confirmation_token
from proposals.models import (
    Agreement,
    AgreementParty,
    ConsultationEntry,
    ProgressReport,
    Proposal,
    RoleAssignment,
    current_fiscal_year,
)
from tests.evaluations.conftest import FULL_PART, fill_and_submit, make_agreement
from tests.factories import ProposalFactory
from tests.security.world import PDF, client_for, module_world

TODAY = datetime.date.today()

# POST URLs whose success is shown by their own tests (the steps of a login need a real code).
COVERED_ELSEWHERE = {
    "login": "tests/security/test_login.py::test_the_login_form_signs_in_with_email_and_password",
    "logout": "tests/browser/test_journeys.py (signs out in a real browser)",
    "two_factor:verify": "tests/security/test_login.py::"
    "test_staff_with_a_device_enter_the_code_and_full_width_digits_are_accepted",
    "two_factor:setup": "tests/security/test_login.py::"
    "test_staff_without_a_device_set_one_up_with_a_real_totp_code",
    # Their only effect is a mail (sent after the transaction commits): the mailbox is read there.
    "accounts:resend_confirmation": "tests/accounts/test_recovery_and_settings.py::"
    "test_the_confirmation_link_is_sent_again_only_to_an_unconfirmed_account",
    "accounts:password_reset": "tests/accounts/test_recovery_and_settings.py::"
    "test_forgot_password_mail_new_password_signed_in_other_sessions_ended",
    "accounts:password_reset_confirm": "tests/accounts/test_recovery_and_settings.py::"
    "test_forgot_password_mail_new_password_signed_in_other_sessions_ended",
    "accounts:change_email": "tests/accounts/test_recovery_and_settings.py::"
    "test_a_new_address_is_used_once_confirmed_from_its_own_mailbox",
}


def _extras(world):
    """The states the other POSTs need, next to the matrix's world."""
    promoter, member = world.users["promoter_x"], world.users["member_a"]
    department, cso = world.department_x, world.cso_a
    extras = {}
    extras["returned"] = ProposalFactory(
        cso=cso, department=department, created_by=member, status=Proposal.Status.RETURNED
    )
    extras["fresh_draft"] = ProposalFactory(cso=cso, department=department, created_by=member)
    to_confirm = make_agreement(department=department, cso=cso, status=Agreement.Status.DRAFT)
    version = to_confirm.current_version
    RoleAssignment.objects.create(version=version, task="参加者の募集", carried_by="cso")
    RoleAssignment.objects.create(version=version, task="会場の確保", carried_by="prefecture")
    version.confirmation_requested_at = timezone.now()
    version.save(update_fields=["confirmation_requested_at"])
    extras["to_confirm"] = to_confirm

    def evaluation_of(**prepare):
        agreement = make_agreement(department=department, cso=cso)
        evaluation = evaluation_services.evaluation_start(agreement=agreement, by=promoter)
        if prepare.get("revealed"):
            fill_and_submit(evaluation, Side.CSO, member)
            fill_and_submit(evaluation, Side.PREFECTURE, promoter)
        if prepare.get("proposed"):
            evaluation_services.decision_propose(
                evaluation=evaluation,
                by=promoter,
                decision=Decision.REVISE,
                change_content="対象の地区を広げます。",
            )
        return Evaluation.objects.get(pk=evaluation.pk)

    extras["other_session"] = AccountSession.objects.create(
        user=member, session_key="another-browser-of-member-a"
    )
    extras["open_evaluation"] = evaluation_of()
    extras["revealed_evaluation"] = evaluation_of(revealed=True)
    extras["proposed_evaluation"] = evaluation_of(revealed=True, proposed=True)
    return extras


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from module_world(
        django_db_blocker,
        tmp_path_factory,
        extend=lambda built: built.objects.update(_extras(built)),
    )


def form_data(form, **overrides):
    """What a browser sends for ``form`` as the page showed it, with ``overrides``."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if value is None or value is False:
            continue
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, datetime.date):
            data[form.add_prefix(name)] = value.isoformat()
        else:
            data[form.add_prefix(name)] = str(getattr(value, "pk", value))
    return {**data, **{form.add_prefix(k): v for k, v in overrides.items()}}


def page_form(client, url, key, **overrides):
    return form_data(client.get(url).context[key], **overrides)


def proposal_fields(world, **overrides):
    return {
        "cso": world.cso_a.pk,
        "department": world.department_x.pk,
        "title": "通学路の見守りを地域で",
        "purpose": "子どもの登下校を地域で見守ります。",
        "shared_goal": "見守りの担い手を増やすことを県と共有します。",
        "content": "週三回の見守りと年二回の研修。",
        "expected_effect": "事故と不審者の被害を防ぎます。",
        "zone": "C",
        "form": "cooperation",
        "project_type": "local",
        "cso_role": "見守りの担い手の募集。",
        "prefecture_role": "市町との調整。",
        **overrides,
    }


def _exists(model, **lookup):
    return model.objects.filter(**lookup).exists()


# name: (actor, URL kwargs, data, what must be true afterwards)
POSTS = {
    "accounts:confirm_email": (
        "member_a",
        None,  # the matrix's token: member_a's new address
        lambda w, c: {},
        lambda w: _exists(User, pk=w.users["member_a"].pk, email="member-a-new@example.jp"),
    ),
    "accounts:change_name": (
        "member_a",
        None,
        lambda w, c: {"name-full_name": "佐賀 一郎"},
        lambda w: _exists(User, pk=w.users["member_a"].pk, full_name="佐賀 一郎"),
    ),
    "accounts:change_password": (
        "member_a",
        None,
        lambda w, c: {
            "password-old_password": "test-password-123",
            "password-new_password1": "kusunoki-no-mori-2027",
            "password-new_password2": "kusunoki-no-mori-2027",
        },
        lambda w: User.objects.get(pk=w.users["member_a"].pk).check_password(
            "kusunoki-no-mori-2027"
        ),
    ),
    "accounts:end_session": (
        "member_a",
        lambda w: {"pk": w.other_session.pk},
        lambda w, c: {},
        lambda w: not AccountSession.objects.filter(pk=w.other_session.pk).exists(),
    ),
    "accounts:close": (
        "plain_member_a",  # not the last 管理者 of anything: nothing stops closing
        None,
        lambda w, c: {"password": "test-password-123", "understood": "on"},
        lambda w: (
            User.objects.filter(
                pk=w.users["plain_member_a"].pk, is_active=False, closed_at__isnull=False
            ).exists()
            and _exists(Membership, pk=w.other_membership_a.pk, status=Membership.Status.LEFT)
        ),
    ),
    "account:signup": (
        "anonymous",
        None,
        lambda w, c: {
            "full_name": "新しい 利用者",
            "email": "newcomer@example.jp",
            "password1": "kyodo-Portal-2026-x!",
            "password2": "kyodo-Portal-2026-x!",
            "agree": "on",
        },
        lambda w: _exists(User, email="newcomer@example.jp"),
    ),
    "account:cso_register": (
        "member_b",
        None,
        lambda w, c: {
            "name": "新しく登録する会",
            "furigana": "アタラシクトウロクスルカイ",
            "kind": CSO.Kind.VOLUNTEER_GROUP,
            "municipality": w.cso_a.municipality_id,
            "description": "地域の清掃活動をしています。",
        },
        lambda w: _exists(CSO, name="新しく登録する会", status=CSO.Status.PENDING),
    ),
    "account:cso_edit": (
        "member_a",
        lambda w: {"pk": w.cso_a.pk},
        lambda w, c: page_form(
            c,
            reverse("account:cso_edit", args=[w.cso_a.pk]),
            "form",
            description="紹介を書き直しました。",
        ),
        lambda w: _exists(CSO, pk=w.cso_a.pk, description="紹介を書き直しました。"),
    ),
    "account:cso_survey": (
        "member_a",
        lambda w: {"pk": w.cso_a.pk},
        lambda w, c: page_form(
            c,
            reverse("account:cso_survey", args=[w.cso_a.pk]),
            "form",
            fiscal_year=str(current_fiscal_year()),
            budget_band="under_1m",
            paid_staff="2",
            volunteers="15",
            answered_on=TODAY.isoformat(),
        ),
        lambda w: w.cso_a.survey_answers.filter(volunteers=15).exists(),
    ),
    "account:member_action": (
        "member_a",
        None,  # the matrix's kwargs: make the other member a 管理者
        lambda w, c: {},
        lambda w: _exists(Membership, pk=w.other_membership_a.pk, role=Membership.Role.ADMIN),
    ),
    "account:cso_leave": (
        "plain_member_a",
        None,
        lambda w, c: {},
        lambda w: _exists(Membership, pk=w.other_membership_a.pk, status=Membership.Status.LEFT),
    ),
    "account:cso_confirm": (
        "member_a",
        None,
        lambda w, c: {},
        lambda w: _exists(CSO, pk=w.cso_a.pk, verified_on=timezone.localdate()),
    ),
    "account:cso_join_request": (
        "member_b",
        None,
        lambda w, c: {},
        lambda w: _exists(
            Membership,
            cso=w.cso_a,
            user=w.users["member_b"],
            status=Membership.Status.REQUESTED,
        ),
    ),
    "proposals:my_create": (
        "member_a",
        None,
        lambda w, c: proposal_fields(w),
        lambda w: _exists(Proposal, title="通学路の見守りを地域で", status="draft"),
    ),
    "proposals:my_edit": (
        "member_a",
        None,
        lambda w, c: page_form(
            c,
            reverse("proposals:my_edit", args=[w.proposal.pk]),
            "form",
            title="題名を直しました",
        ),
        lambda w: _exists(Proposal, pk=w.proposal.pk, title="題名を直しました"),
    ),
    "proposals:my_submit": (
        "member_a",
        None,
        lambda w, c: {},
        lambda w: _exists(Proposal, pk=w.proposal.pk, status=Proposal.Status.SUBMITTED),
    ),
    "proposals:my_resubmit": (
        "member_a",
        lambda w: {"pk": w.returned.pk},
        lambda w, c: {"comment": "直しました。"},
        lambda w: _exists(Proposal, pk=w.returned.pk, status=Proposal.Status.SUBMITTED),
    ),
    "proposals:my_withdraw": (
        "member_a",
        None,
        lambda w, c: {"comment": "団体の事情で取り下げます。"},
        lambda w: _exists(Proposal, pk=w.proposal.pk, status=Proposal.Status.WITHDRAWN),
    ),
    "proposals:my_pre_consultation": (
        "member_a",
        lambda w: {"pk": w.fresh_draft.pk},
        lambda w, c: {"text": "対象地域について相談させてください。"},
        lambda w: Proposal.objects.filter(
            pk=w.fresh_draft.pk, pre_consultation_opened_at__isnull=False
        ).exists(),
    ),
    "proposals:my_consult": (
        "member_a",
        None,
        lambda w, c: {"kind": "message", "text": "日程の候補をお送りします。"},
        lambda w: _exists(
            ConsultationEntry, proposal=w.proposal, text="日程の候補をお送りします。"
        ),
    ),
    "proposals:my_attach": (
        "member_a",
        None,
        lambda w, c: {"file": SimpleUploadedFile("追加資料.pdf", PDF)},
        lambda w: w.proposal.attachments.filter(original_name="追加資料.pdf").exists(),
    ),
    "proposals:my_attachment_remove": (
        "member_a",
        None,
        lambda w, c: {},
        lambda w: w.proposal.attachments.filter(pk=w.attachment.pk, is_removed=True).exists(),
    ),
    "proposals:my_agreement_confirm": (
        "member_a",
        lambda w: {"pk": w.to_confirm.pk},
        lambda w, c: {"revision": w.to_confirm.current_version.revision, "agree": "on"},
        lambda w: AgreementParty.objects.filter(
            version=w.to_confirm.current_version, confirmed_at__isnull=False
        ).exists(),
    ),
    "proposals:my_agreement_request_changes": (
        "member_a",
        lambda w: {"pk": w.to_confirm.pk},
        lambda w, c: {"comment": "役割分担の期限を直してください。"},
        lambda w: w.to_confirm.transitions.filter(
            comment="役割分担の期限を直してください。"
        ).exists(),
    ),
    "proposals:my_agreement_report": (
        "member_a",
        None,
        lambda w, c: {
            "reported_on": TODAY.isoformat(),
            "percent_complete": "40",
            "text": "訪問を続けています。",
            "visibility": ProgressReport.Visibility.PARTIES,
        },
        lambda w: _exists(ProgressReport, agreement=w.project, text="訪問を続けています。"),
    ),
    "evaluations:my_start": (
        "member_a",
        None,
        lambda w, c: {"kind": Evaluation.Kind.INTERIM},
        lambda w: _exists(Evaluation, agreement=w.project, kind=Evaluation.Kind.INTERIM),
    ),
    "evaluations:my_part": (
        "member_a",
        lambda w: {"pk": w.open_evaluation.pk},
        lambda w, c: page_form(
            c,
            reverse("evaluations:my_detail", args=[w.open_evaluation.pk]),
            "part_form",
            outcomes=FULL_PART["outcomes"],
        ),
        lambda w: w.open_evaluation.parts.filter(
            side=Side.CSO, outcomes=FULL_PART["outcomes"]
        ).exists(),
    ),
    "evaluations:my_decision": (
        "member_a",
        lambda w: {"pk": w.revealed_evaluation.pk},
        lambda w, c: {"decision-decision": Decision.CONTINUE},
        lambda w: _exists(Evaluation, pk=w.revealed_evaluation.pk, decision=Decision.CONTINUE),
    ),
    "evaluations:my_decision_confirm": (
        "member_a",
        lambda w: {"pk": w.proposed_evaluation.pk},
        lambda w, c: {},
        lambda w: Evaluation.objects.get(pk=w.proposed_evaluation.pk).decision_agreed,
    ),
    "evaluations:my_follow_up": (
        "member_a",
        None,
        lambda w, c: {},
        lambda w: Evaluation.objects.filter(
            pk=w.evaluation.pk, follow_up_proposal__isnull=False
        ).exists(),
    ),
    "outreach:event_register": (
        "member_b",
        None,
        lambda w, c: {"organisation": "からつ海辺の会"},
        lambda w: _exists(Registration, event=w.event, user=w.users["member_b"]),
    ),
    "outreach:event_cancel_mine": (
        "member_a",
        None,
        lambda w, c: {},
        lambda w: _exists(
            Registration, pk=w.my_registration.pk, status=Registration.Status.CANCELLED
        ),
    ),
    "outreach:registration_confirm": (
        "anonymous",
        lambda w: {"token": confirmation_token(w.guest_registration)},
        lambda w, c: {},
        lambda w: _exists(
            Registration, pk=w.guest_registration.pk, status=Registration.Status.CONFIRMED
        ),
    ),
    "outreach:registration_cancel": (
        "anonymous",
        lambda w: {"token": cancellation_token(w.my_registration)},
        lambda w, c: {},
        lambda w: _exists(
            Registration, pk=w.my_registration.pk, status=Registration.Status.CANCELLED
        ),
    ),
    "advisors:create": (
        "member_a",
        None,
        lambda w, c: {
            "cso": w.cso_a.pk,
            "topic": "accounting",
            "details": "会計の基準を教えてください。",
            "preferred_date_1": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
        lambda w: _exists(AdvisorRequest, cso=w.cso_a, details="会計の基準を教えてください。"),
    ),
    "advisors:withdraw": (
        "member_a",
        None,
        lambda w, c: {"comment": "日程が合わなくなりました。"},
        lambda w: _exists(
            AdvisorRequest, pk=w.advisor_request.pk, status=AdvisorRequest.Status.WITHDRAWN
        ),
    ),
}

POST_NAMES = sorted(name for name, rule in PERMISSION_MAP.items() if "POST" in rule.methods)
FEEDS = {name for name, rule in PERMISSION_MAP.items() if "フィード" in rule.note}


def test_every_post_url_has_a_successful_post_here_or_is_covered_elsewhere():
    missing = set(POST_NAMES) - FEEDS - set(POSTS) - set(COVERED_ELSEWHERE)

    assert sorted(missing) == [], "add the entitled POST of these URLs to POSTS"


@pytest.mark.parametrize("name", sorted(POSTS))
def test_an_entitled_post_succeeds(world, db, settings, name):
    from tests.security.world import KWARGS

    settings.OTP_REQUIRED_FOR_STAFF = True
    settings.PRIVATE_MEDIA_ROOT = world.private_media
    actor, kwargs, data, succeeded = POSTS[name]
    kwargs = (kwargs or KWARGS.get(name) or (lambda w: None))(world)
    client = client_for(world, actor)
    with transaction.atomic():
        response = client.post(reverse(name, kwargs=kwargs), data(world, client))
        done = succeeded(world)
        transaction.set_rollback(True)

    assert response.status_code in (200, 302), response.status_code
    assert done, f"{name} by {actor}: the action did not happen ({response.status_code})"
