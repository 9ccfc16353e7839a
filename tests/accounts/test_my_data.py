"""Download my data (/my/account/data/ and its JSON): everything the portal holds about the
person — and nothing of anyone else — in a fixed number of queries."""

import json

import pytest
from axes.models import AccessLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.personal_data import export_sections
from advisors.models import AdvisorRequest
from cso_registry.models import Membership
from evaluations import services as evaluation_services
from evaluations.models import Side
from outreach.services import registration_create
from proposals.models import AgreementParty, ConsultationEntry, ProgressReport
from tests.evaluations.conftest import fill_and_submit, make_agreement
from tests.factories import MembershipFactory, ProposalFactory, UserFactory
from tests.outreach.factories import AdvisorRequestFactory, EventFactory

pytestmark = pytest.mark.django_db
PASSWORD = "test-password-123"


def sign_in(email):
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (テスト用ブラウザー)")
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def as_json(client):
    response = client.get(reverse("accounts:data_json"))
    assert response.status_code == 200
    return response, json.loads(response.content.decode())


def section(document, key):
    return next(part for part in document["sections"] if part["key"] == key)


@pytest.fixture
def member(db):
    membership = MembershipFactory(
        role=Membership.Role.ADMIN,
        user=UserFactory(full_name="佐賀 花子", email="hanako@example.jp"),
    )
    return membership.user


@pytest.fixture
def colleague(member):
    """Another member of the same CSO: their personal data must not appear."""
    cso = member.memberships.get().cso
    return MembershipFactory(
        cso=cso, user=UserFactory(full_name="唐津 次郎", email="jiro-private@example.jp")
    ).user


def add_things(person, promoter, department, tag=""):
    """One of each thing a person writes or does, marked with ``tag``."""
    cso = person.memberships.filter(status="active").first().cso
    proposal = ProposalFactory(
        cso=cso, department=department, created_by=person, title=f"見守りの提案{tag}"
    )
    ConsultationEntry.objects.create(proposal=proposal, text=f"私の相談{tag}", author=person)
    agreement = make_agreement(department=department, cso=cso, status="in_progress")
    AgreementParty.objects.filter(version=agreement.current_version).update(
        confirmed_by=person, confirmed_at=timezone.now()
    )
    ProgressReport.objects.create(
        agreement=agreement, percent_complete=10, text=f"私の報告{tag}", author=person
    )
    evaluation = evaluation_services.evaluation_start(
        agreement=make_agreement(department=department, cso=cso), by=promoter
    )
    fill_and_submit(evaluation, Side.CSO, person, lessons=f"私の教訓{tag}")
    registration_create(event=EventFactory(), user=person, note=f"私の配慮{tag}")
    AdvisorRequestFactory(cso=cso, requested_by=person, details=f"私の相談内容{tag}")
    return proposal


def test_the_export_holds_the_persons_own_things(member, promoter, department):
    add_things(member, promoter, department)
    client = sign_in(member.email)

    _response, document = as_json(client)

    assert section(document, "account")["rows"][0]["email"] == "hanako@example.jp"
    assert section(document, "account")["rows"][0]["full_name"] == "佐賀 花子"
    assert section(document, "memberships")["rows"][0]["role"] == "管理者"
    assert section(document, "proposals")["rows"][0]["title"] == "見守りの提案"
    assert [row["text"] for row in section(document, "consultation_entries")["rows"]] == [
        "私の相談"
    ]
    assert section(document, "progress_reports")["rows"][0]["text"] == "私の報告"
    assert len(section(document, "agreement_confirmations")["rows"]) == 1
    assert section(document, "evaluation_parts")["rows"][0]["lessons"] == "私の教訓"
    assert section(document, "registrations")["rows"][0]["note"] == "私の配慮"
    assert section(document, "advisor_requests")["rows"][0]["details"] == "私の相談内容"
    assert section(document, "sessions")["rows"][0]["user_agent"].startswith("Mozilla/5.0")
    assert section(document, "logins")["rows"], "the login just made is recorded by axes"
    assert section(document, "cso_history")["rows"] == []


def test_the_page_shows_the_same_sections(member, promoter, department):
    add_things(member, promoter, department)
    client = sign_in(member.email)

    response = client.get(reverse("accounts:data"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for part in export_sections(member):
        assert str(part.title) in html
    assert "私の相談" in html and "私の教訓" in html
    assert reverse("accounts:data_json") in html


def test_the_export_holds_nothing_of_other_people(member, colleague, promoter, department):
    proposal = add_things(member, promoter, department)
    ConsultationEntry.objects.create(proposal=proposal, text="同僚の相談", author=colleague)
    ConsultationEntry.objects.create(
        proposal=proposal,
        text="県内部のメモ",
        author=promoter,
        by_prefecture=True,
        visibility=ConsultationEntry.Visibility.INTERNAL,
    )
    ConsultationEntry.objects.create(
        proposal=proposal, text="県からの返事", author=promoter, by_prefecture=True
    )
    add_things(colleague, promoter, department, tag="（同僚）")
    AccessLog.objects.create(
        username=colleague.email, ip_address="198.51.100.7", user_agent="x", http_accept="*/*"
    )
    client = sign_in(member.email)

    _response, document = as_json(client)
    html = client.get(reverse("accounts:data")).content.decode()

    text = json.dumps(document, ensure_ascii=False)
    for other in (
        "同僚の相談",
        "県内部のメモ",
        "県からの返事",
        "（同僚）",
        "唐津 次郎",
        "jiro-private@example.jp",
        promoter.email,
        "198.51.100.7",
    ):
        assert other not in text
        assert other not in html


def test_the_json_is_a_private_attachment_in_readable_japanese(member):
    client = sign_in(member.email)

    response, document = as_json(client)

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "佐賀 花子" in response.content.decode()  # ensure_ascii=False: no \\u escapes
    assert section(document, "account")["columns"]["email"] == "メールアドレス"


def test_the_page_is_private_too(member):
    response = sign_in(member.email).get(reverse("accounts:data"))

    assert "no-store" in response["Cache-Control"]


def test_staff_see_their_department(promoter):
    client = Client()
    client.force_login(promoter)

    _response, document = as_json(client)

    assert section(document, "account")["rows"][0]["department"] == promoter.department.full_name
    assert section(document, "staff_access")["rows"] == []


def test_signed_out_people_are_sent_to_the_login(client):
    for name in ("accounts:data", "accounts:data_json"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_queries_do_not_grow_with_the_amount_of_data(
    member, promoter, department, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_things(member, promoter, department)
    client = sign_in(member.email)
    with CaptureQueriesContext(connection) as few:
        as_json(client)
    for n in range(4):
        add_things(member, promoter, department, tag=str(n))
        MembershipFactory(user=member)
    assert AdvisorRequest.objects.filter(requested_by=member).count() == 5

    with django_assert_num_queries(len(few.captured_queries)):
        as_json(client)
    with django_assert_max_num_queries(30):
        client.get(reverse("accounts:data"))
