import datetime

import pytest

from cso_registry.models import Membership
from kyodo_portal.notifications import render_email
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template",
    [
        "cso_registered",
        "cso_registration_received",
        "cso_join_requested",
        "cso_join_approved",
        "cso_join_declined",
        "cso_published",
        "cso_hidden",
        "cso_verification_reminder",
    ],
)
def test_every_cso_email_renders_in_japanese_with_a_subject(template, cso):
    membership = MembershipFactory(cso=cso, role=Membership.Role.MEMBER)
    context = {
        "cso": cso,
        "by": UserFactory(),
        "assisted": True,
        "applicant": membership.user,
        "membership": membership,
        "reason": "確認しました。",
        "next_due": datetime.date(2027, 11, 28),
    }

    subject, body = render_email(template, context)

    assert subject.startswith("[協働ポータル] ")
    assert cso.name in subject + body
    assert body.strip()
