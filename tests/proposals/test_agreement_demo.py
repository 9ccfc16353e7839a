import pytest
from django.core.management import call_command

from proposals.models import Agreement, AgreementVersion, CollaborationForm, ProgressReport


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_demo_has_agreements_in_every_state_and_every_form(demo):
    agreements = Agreement.objects.all()

    assert set(agreements.values_list("status", flat=True)) == set(Agreement.Status.values)
    assert set(agreements.values_list("current_version__form", flat=True)) == set(
        CollaborationForm.values
    )


def test_demo_agreements_are_complete_with_role_tables(demo):
    for agreement in Agreement.objects.all():
        version = agreement.current_version
        assert version.roles.exists(), agreement
        assert version.missing_items() == [], (agreement, version.missing_items())
        assert agreement.transitions.exists()


def test_demo_has_an_amendment_that_kept_the_first_version(demo):
    superseded = AgreementVersion.objects.get(status=AgreementVersion.Status.SUPERSEDED)
    agreement = superseded.agreement

    assert agreement.current_version.number == 2
    assert agreement.current_version.amendment_reason
    assert superseded.roles.count() < agreement.current_version.roles.count()


def test_demo_has_public_and_parties_only_progress_with_a_file(demo):
    reports = ProgressReport.objects.all()

    assert reports.filter(visibility=ProgressReport.Visibility.PUBLIC).exists()
    assert reports.filter(visibility=ProgressReport.Visibility.PARTIES).exists()
    assert reports.filter(attachments__isnull=False).exists()
    assert (
        reports.filter(by_prefecture=True).exists() and reports.filter(by_prefecture=False).exists()
    )


def test_demo_cso_login_has_an_agreement_waiting_for_its_confirmation(demo, client):
    from kyodo_portal.models import User

    client.force_login(User.objects.get(email="cso@example.jp"))
    waiting = Agreement.objects.get(status=Agreement.Status.DRAFT)

    assert "確認して合意する" in client.get(waiting.get_member_url()).content.decode()
