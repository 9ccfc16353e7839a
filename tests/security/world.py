"""The shared world of the permission tests: two CSOs, two departments, one actor of each kind,
and one object of each kind owned by CSO A / department X.

``KWARGS`` fills the URL kwargs of each pattern name from the world. An app that adds a URL with
kwargs adds a line here (and its rule in kyodo_portal/permission_map.py); a pattern with kwargs
and no line here is skipped by the matrix with a reason that names this file.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tokens import make_token
from cso_registry.models import CSO, Membership
from evaluations import services as evaluation_services
from kyodo_portal.roles import Role
from outreach.models import Registration
from outreach.services import cancellation_token, confirmation_token
from proposals.models import Agreement, AgreementParty, AgreementVersion, ProgressReport
from tests.evaluations.conftest import complete, make_agreement
from tests.factories import (
    CSOFactory,
    DepartmentFactory,
    MembershipFactory,
    ProposalFactory,
    ThemeFactory,
    UserFactory,
)
from tests.outreach.factories import (
    AdvisorRequestFactory,
    EventFactory,
    NewsItemFactory,
    RegistrationFactory,
)

ACTORS = [
    "anonymous",
    "member_a",  # 管理者 of CSO A, which owns the objects
    "plain_member_a",  # メンバー (not 管理者) of CSO A
    "member_b",  # 管理者 of CSO B
    "dropped_member",  # 管理者 of CSO D, a party of the project until an amendment dropped it
    "unverified_member",  # 管理者 of CSO C, an NPO法人 still 申請中 (not verified)
    "promoter_x",  # 推進員 of department X, with the second factor
    "promoter_y",
    "coordinator",
    "staff_without_second_factor",  # 推進員 of department X, signed in with the password only
    "deactivated",
]
SIGNED_OUT = {"anonymous", "deactivated"}
STAFF = {"promoter_x", "promoter_y", "coordinator"}
# Staff who must pass the second factor (the matrix runs with OTP_REQUIRED_FOR_STAFF on):
# everyone in STAFF has a verified session, this one has not.
UNVERIFIED_STAFF = {"staff_without_second_factor"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    users: dict
    objects: dict

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _staff(department, role):
    user = UserFactory(is_staff=True, department=department)
    user.groups.add(Group.objects.get(name=role))
    return user


def build_world():
    department_x = DepartmentFactory(name="障害福祉課")
    department_y = DepartmentFactory(name="まちづくり課")
    cso_a = CSOFactory(name="さが見守りネット", kind=CSO.Kind.NPO_CORPORATION)
    cso_b = CSOFactory(name="からつ海辺の会", kind=CSO.Kind.CIVIC_GROUP)
    cso_c = CSOFactory(name="申請中の会", kind=CSO.Kind.NPO_CORPORATION, status=CSO.Status.PENDING)
    cso_d = CSOFactory(name="抜けた会", kind=CSO.Kind.CIVIC_GROUP)
    member_a = MembershipFactory(cso=cso_a, role=Membership.Role.ADMIN).user
    member_b = MembershipFactory(cso=cso_b, role=Membership.Role.ADMIN).user
    deactivated = MembershipFactory(cso=cso_a, role=Membership.Role.ADMIN).user
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    other_member_a = MembershipFactory(cso=cso_a, role=Membership.Role.MEMBER)
    users = {
        "member_a": member_a,
        "plain_member_a": other_member_a.user,
        "member_b": member_b,
        "dropped_member": MembershipFactory(cso=cso_d, role=Membership.Role.ADMIN).user,
        "unverified_member": MembershipFactory(cso=cso_c, role=Membership.Role.ADMIN).user,
        "promoter_x": _staff(department_x, Role.PROMOTER),
        "promoter_y": _staff(department_y, Role.PROMOTER),
        "coordinator": _staff(DepartmentFactory(name="県民協働課"), Role.COORDINATOR),
        "staff_without_second_factor": _staff(department_x, Role.PROMOTER),
        "deactivated": deactivated,
    }
    event = EventFactory(organiser=department_x)
    guest = RegistrationFactory(
        event=event, status=Registration.Status.PENDING, confirmed_at=None, user=None
    )
    mine = RegistrationFactory(event=event, user=member_a, email=member_a.email)
    theme = ThemeFactory(department=department_x)
    proposal = ProposalFactory(
        cso=cso_a,
        theme=theme,
        department=department_x,
        created_by=member_a,
        pre_consultation_opened_at=timezone.now(),
    )
    attachment = proposal.attachments.create(
        file=ContentFile(PDF, name="計画書.pdf"),
        original_name="計画書.pdf",
        size=len(PDF),
        uploaded_by=member_a,
    )
    # An agreement of CSO A with department X, in progress (public on /projects/), with a
    # progress report and its file (the parties' own: never public).
    project = make_agreement(
        department=department_x, cso=cso_a, status=Agreement.Status.IN_PROGRESS
    )
    _dropped_by_an_amendment(project, cso_d)
    report = ProgressReport.objects.create(
        agreement=project, percent_complete=30, text="見守り訪問を始めました。", author=member_a
    )
    progress_file = report.attachments.create(
        file=ContentFile(PDF, name="進捗.pdf"),
        original_name="進捗.pdf",
        size=len(PDF),
        uploaded_by=member_a,
    )
    # A completed agreement of CSO A whose final evaluation is complete and published.
    finished = make_agreement(department=department_x, cso=cso_a)
    evaluation = evaluation_services.evaluation_start(agreement=finished, by=users["promoter_x"])
    evaluation = complete(evaluation, member_a, users["promoter_x"])
    evaluation = evaluation_services.evaluation_publish(
        evaluation=evaluation, by=users["coordinator"]
    )
    objects = {
        "department_x": department_x,
        "project": project,
        "progress_file": progress_file,
        "evaluation": evaluation,
        "cso_a": cso_a,
        "cso_b": cso_b,
        "other_membership_a": other_member_a,
        "event": event,
        "guest_registration": guest,
        "my_registration": mine,
        "news": NewsItemFactory(),
        "advisor_request": AdvisorRequestFactory(cso=cso_a, requested_by=member_a),
        "theme": theme,
        "proposal": proposal,
        "attachment": attachment,
    }
    objects["devices"] = {
        actor: TOTPDevice.objects.create(user=users[actor], name="認証アプリ", confirmed=True)
        for actor in STAFF | UNVERIFIED_STAFF
    }
    return World(users=users, objects=objects)


def client_for(world, actor):
    """A client signed in as ``actor``; verified staff have passed the second factor."""
    from django.test import Client

    client = Client()
    if actor == "anonymous":
        return client
    client.force_login(world.users[actor])
    if actor in STAFF:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = world.devices[actor].persistent_id
        session.save()
    return client


def _dropped_by_an_amendment(agreement, cso):
    """Version 1 of ``agreement`` had ``cso`` as a party too; version 2, now in force, not."""
    first = agreement.current_version
    AgreementParty.objects.create(version=first, cso=cso, contact_name="担当")
    AgreementVersion.objects.filter(pk=first.pk).update(status=AgreementVersion.Status.SUPERSEDED)
    second = AgreementVersion.objects.create(
        agreement=agreement,
        number=2,
        status=AgreementVersion.Status.CONCLUDED,
        zone=first.zone,
        form=first.form,
        title=first.title,
        purpose=first.purpose,
        shared_goal=first.shared_goal,
        starts_on=first.starts_on,
        ends_on=first.ends_on,
        concluded_on=first.concluded_on,
        amendment_reason="団体が一つ抜けたため",
        prefecture_contact_name=first.prefecture_contact_name,
        created_by=first.created_by,
    )
    for party in first.parties.exclude(cso=cso):
        AgreementParty.objects.create(
            version=second, cso=party.cso, is_lead=party.is_lead, contact_name="担当"
        )
    Agreement.objects.filter(pk=agreement.pk).update(current_version=second)
    agreement.refresh_from_db()


def _password_reset_kwargs(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.users["member_a"]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


KWARGS = {
    "accounts:confirm_email": lambda w: {
        "token": make_token(w.users["member_a"], "member-a-new@example.jp")
    },
    "accounts:password_reset_confirm": _password_reset_kwargs,
    "accounts:end_session": lambda w: {"pk": 999999},
    "cso_registry:detail": lambda w: {"pk": w.cso_a.pk},
    "account:cso": lambda w: {"pk": w.cso_a.pk},
    "account:cso_edit": lambda w: {"pk": w.cso_a.pk},
    "account:cso_survey": lambda w: {"pk": w.cso_a.pk},
    "account:cso_members": lambda w: {"pk": w.cso_a.pk},
    "account:member_action": lambda w: {
        "pk": w.cso_a.pk,
        "membership_pk": w.other_membership_a.pk,
        "action": "make_admin",
    },
    "account:cso_leave": lambda w: {"pk": w.cso_a.pk},
    "account:cso_confirm": lambda w: {"pk": w.cso_a.pk},
    "account:cso_history": lambda w: {"pk": w.cso_a.pk},
    "account:cso_sheet": lambda w: {"pk": w.cso_a.pk},
    "account:cso_join_request": lambda w: {"pk": w.cso_a.pk},
    "proposals:theme_detail": lambda w: {"pk": w.theme.pk},
    **{
        f"proposals:{name}": (lambda w: {"pk": w.proposal.pk})
        for name in (
            "my_detail",
            "my_edit",
            "my_submit",
            "my_resubmit",
            "my_withdraw",
            "my_pre_consultation",
            "my_consult",
            "my_attach",
        )
    },
    "proposals:my_attachment_remove": lambda w: {"pk": w.attachment.pk},
    "proposals:attachment_download": lambda w: {"pk": w.attachment.pk},
    "proposals:project_detail": lambda w: {"pk": w.project.pk},
    **{
        f"proposals:{name}": (lambda w: {"pk": w.project.pk})
        for name in (
            "my_agreement_detail",
            "my_agreement_confirm",
            "my_agreement_request_changes",
            "my_agreement_report",
        )
    },
    "proposals:my_agreement_document": lambda w: {"pk": w.project.pk, "number": 1},
    "proposals:progress_attachment_download": lambda w: {"pk": w.progress_file.pk},
    "evaluations:detail": lambda w: {"pk": w.evaluation.pk},
    "evaluations:department": lambda w: {"pk": w.department_x.pk},
    "evaluations:my_start": lambda w: {"agreement_pk": w.project.pk},
    **{
        f"evaluations:{name}": (lambda w: {"pk": w.evaluation.pk})
        for name in ("my_detail", "my_part", "my_decision", "my_decision_confirm", "my_follow_up")
    },
    "outreach:event_detail": lambda w: {"pk": w.event.pk},
    "outreach:event_register": lambda w: {"pk": w.event.pk},
    "outreach:event_cancel_mine": lambda w: {"pk": w.event.pk},
    "outreach:event_ics": lambda w: {"pk": w.event.pk},
    "outreach:registration_confirm": lambda w: {"token": confirmation_token(w.guest_registration)},
    "outreach:registration_cancel": lambda w: {"token": cancellation_token(w.my_registration)},
    "outreach:news_detail": lambda w: {"pk": w.news.pk},
    "advisors:detail": lambda w: {"pk": w.advisor_request.pk},
    "advisors:withdraw": lambda w: {"pk": w.advisor_request.pk},
}


def entitled(actor, access):
    from kyodo_portal.permission_map import Access

    if access in (Access.PUBLIC, Access.TOKEN):
        return True
    if actor in SIGNED_OUT:
        return False
    if actor in UNVERIFIED_STAFF:  # an ordinary signed-in person, with no CSO
        return access == Access.SIGNED_IN
    return {
        Access.SIGNED_IN: True,
        Access.OWN: actor == "member_a",
        Access.CSO_MEMBER: actor in {"member_a", "plain_member_a"},
        Access.CSO_ADMIN: actor == "member_a",
        Access.NPO_ADMIN: actor == "member_a",
        Access.CSO_MEMBER_OR_STAFF: actor in {"member_a", "plain_member_a"} | STAFF,
        Access.CSO_ADMIN_OR_STAFF: actor == "member_a" or actor in STAFF,
        Access.CSO_MEMBER_OR_DEPARTMENT: actor
        in {"member_a", "plain_member_a", "promoter_x", "coordinator"},
        Access.STAFF: actor in STAFF,
    }[access]


def module_world(django_db_blocker, tmp_path_factory, extend=None):
    """For a module-scoped ``world`` fixture (``yield from module_world(...)``): the world built
    once, its files in a temporary folder (``objects["private_media"]``), inside a transaction
    rolled back after the module's last test. ``extend(world)`` adds what the module needs."""
    media = tmp_path_factory.mktemp("private-media")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(PRIVATE_MEDIA_ROOT=media):
                built = build_world()
                if extend is not None:
                    extend(built)
            built.objects["private_media"] = media
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
