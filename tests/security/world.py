"""The shared world of the permission tests: two CSOs, two departments, one actor of each kind,
and one object of each kind owned by CSO A / department X.

``KWARGS`` fills the URL kwargs of each pattern name from the world. An app that adds a URL with
kwargs adds a line here (and its rule in kyodo_portal/permission_map.py); a pattern with kwargs
and no line here is skipped by the matrix with a reason that names this file.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from cso_registry.models import CSO, Membership
from evaluations import services as evaluation_services
from kyodo_portal.roles import Role
from outreach.models import Registration
from outreach.services import cancellation_token, confirmation_token
from proposals.models import Agreement, ProgressReport
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
    "member_a",
    "member_b",
    "promoter_x",
    "promoter_y",
    "coordinator",
    "deactivated",
]
SIGNED_OUT = {"anonymous", "deactivated"}
STAFF = {"promoter_x", "promoter_y", "coordinator"}
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
    member_a = MembershipFactory(cso=cso_a, role=Membership.Role.ADMIN).user
    member_b = MembershipFactory(cso=cso_b, role=Membership.Role.ADMIN).user
    deactivated = MembershipFactory(cso=cso_a, role=Membership.Role.ADMIN).user
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    users = {
        "member_a": member_a,
        "member_b": member_b,
        "promoter_x": _staff(department_x, Role.PROMOTER),
        "promoter_y": _staff(department_y, Role.PROMOTER),
        "coordinator": _staff(DepartmentFactory(name="県民協働課"), Role.COORDINATOR),
        "deactivated": deactivated,
    }
    other_member_a = MembershipFactory(cso=cso_a, role=Membership.Role.MEMBER)
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
    return World(users=users, objects=objects)


KWARGS = {
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
    return {
        Access.SIGNED_IN: True,
        Access.OWN: actor == "member_a",
        Access.CSO_MEMBER: actor == "member_a",
        Access.CSO_ADMIN: actor == "member_a",
        Access.NPO_ADMIN: actor == "member_a",
        Access.CSO_MEMBER_OR_STAFF: actor == "member_a" or actor in STAFF,
        Access.CSO_ADMIN_OR_STAFF: actor == "member_a" or actor in STAFF,
        Access.CSO_MEMBER_OR_DEPARTMENT: actor in {"member_a", "promoter_x", "coordinator"},
        Access.STAFF: actor in STAFF,
    }[access]
