"""Finding 1 of the trust issue: where the second factor is required, a member of staff who
signed in with the password only is an ordinary signed-in person everywhere, not only in the
admin. Staff-only files, pages and calendars open after the second step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cso_registry.models import CSO
from outreach.models import Event
from proposals import services as proposal_services
from proposals.models import ConsultationEntry, Proposal
from tests.factories import CSOFactory, MembershipFactory
from tests.outreach.factories import EventFactory
from tests.security.world import PDF, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def two_factor_required(world, settings):
    """On after the world is built (its services act as staff without a session)."""
    settings.OTP_REQUIRED_FOR_STAFF = True


def sign_in(client, user, *, second_factor):
    """Sign in with the password; with ``second_factor`` the session also passed the code."""
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def staff_only_urls(world):
    """One URL of each kind that only staff may open, all of department X's business."""
    promoter = world.users["promoter_x"]
    Proposal.objects.filter(pk=world.proposal.pk).update(status=Proposal.Status.SUBMITTED)
    world.proposal.refresh_from_db()
    entry = proposal_services.consultation_post(
        proposal=world.proposal,
        by=promoter,
        text="財政課との調整の状況（県内部のみ）",
        visibility=ConsultationEntry.Visibility.INTERNAL,
        files=[SimpleUploadedFile("内部資料.pdf", PDF, content_type="application/pdf")],
    )
    hidden = CSOFactory(name="非公開の会", status=CSO.Status.HIDDEN)
    MembershipFactory(cso=hidden)
    training = EventFactory(kind=Event.Kind.STAFF_TRAINING, organiser=world.department_x)
    urls = [
        reverse("proposals:attachment_download", args=[entry.attachments.get().pk]),
        reverse("proposals:progress_attachment_download", args=[world.progress_file.pk]),
        reverse("account:cso_sheet", args=[hidden.pk]),
        reverse("account:cso_history", args=[hidden.pk]),
        reverse("outreach:event_detail", args=[training.pk]),
        reverse("outreach:event_ics", args=[training.pk]),
    ]
    return world, urls


@pytest.mark.parametrize("actor", ["promoter_x", "coordinator"])
def test_staff_without_the_second_factor_open_no_staff_only_file_page_or_calendar(
    client, staff_only_urls, two_factor_required, actor
):
    world, urls = staff_only_urls
    sign_in(client, world.users[actor], second_factor=False)

    statuses = {url: client.get(url).status_code for url in urls}

    assert statuses == dict.fromkeys(urls, 404)


@pytest.mark.parametrize("actor", ["promoter_x", "coordinator"])
def test_the_same_staff_open_them_after_the_second_factor(
    client, staff_only_urls, two_factor_required, actor
):
    world, urls = staff_only_urls
    sign_in(client, world.users[actor], second_factor=True)

    statuses = {url: client.get(url).status_code for url in urls}

    assert statuses == dict.fromkeys(urls, 200)


def test_without_the_setting_the_password_is_enough(client, staff_only_urls):
    world, urls = staff_only_urls
    sign_in(client, world.users["promoter_x"], second_factor=False)

    assert {client.get(url).status_code for url in urls} == {200}


def test_staff_training_is_not_listed_before_the_second_factor(client, world, two_factor_required):
    EventFactory(kind=Event.Kind.STAFF_TRAINING, title="協働の職員研修（県職員のみ）")
    sign_in(client, world.users["promoter_x"], second_factor=False)

    page = client.get(reverse("outreach:event_list")).content.decode()

    assert "協働の職員研修（県職員のみ）" not in page


def test_pages_tell_unverified_staff_where_to_finish_the_second_step(
    client, world, two_factor_required
):
    sign_in(client, world.users["promoter_x"], second_factor=False)

    page = client.get(reverse("account:home")).content.decode()

    assert reverse("two_factor:verify") in page
    assert 'href="/admin/"' not in page


def test_staff_without_the_second_factor_take_no_step_as_staff(world, two_factor_required):
    """The services ask the same predicate: a consultation entry by unverified staff is refused."""
    Proposal.objects.filter(pk=world.proposal.pk).update(status=Proposal.Status.SUBMITTED)
    world.proposal.refresh_from_db()
    promoter = world.users["promoter_x"]
    promoter.is_verified = lambda: False

    with pytest.raises(proposal_services.ActorNotAllowed):
        proposal_services.consultation_post(proposal=world.proposal, by=promoter, text="確認します")

    assert not world.proposal.consultations.exists()
