"""The privacy notice (/privacy/) and the terms of use (/terms/): public pages, drafts the
prefecture's legal office reviews, linked from the footer and from every form that collects
personal data."""

import re

import pytest
from django.urls import reverse

from tests.factories import CSOFactory, MembershipFactory, UserFactory
from tests.outreach.factories import EventFactory, npo_admin

pytestmark = pytest.mark.django_db
LEGAL_REVIEW = "この文案は県の法務担当の確認を経て確定します"


def h1_count(html):
    return len(re.findall(r"<h1[\s>]", html))


@pytest.mark.parametrize("name", ["outreach:privacy", "outreach:terms"])
def test_the_page_is_public_with_one_heading_and_says_it_is_a_draft_for_legal_review(client, name):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert LEGAL_REVIEW in html
    assert "［要確認］" in html
    assert "第1版（案）" in html


def test_the_privacy_notice_shows_the_retention_periods_the_purge_applies(client, settings):
    settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 10
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 21
    settings.RETENTION_LOGIN_LOG_DAYS = 90
    settings.RETENTION_EVENT_PARTICIPANT_DAYS = 730
    settings.RETENTION_STAFF_ACCESS_LOG_DAYS = 3 * 365

    html = client.get(reverse("outreach:privacy")).content.decode()

    assert "申込から10日" in html
    assert "登録から21日" in html
    assert "記録から90日" in html
    assert "催しの終了から2年" in html
    assert "記録から3年" in html


def test_the_defaults_the_privacy_notice_states(client):
    html = client.get(reverse("outreach:privacy")).content.decode()

    for period in (
        "申込から7日",
        "登録から14日",
        "記録から180日",
        "催しの終了から1年",
        "記録から5年",
    ):
        assert period in html


def test_a_period_shorter_than_the_confirmation_link_is_not_promised(client, settings):
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 1
    settings.EMAIL_CONFIRMATION_MAX_AGE = 3 * 24 * 60 * 60

    html = client.get(reverse("outreach:privacy")).content.decode()

    assert "登録から3日" in html and "登録から1日" not in html


def test_the_privacy_notice_cites_the_articles_and_names_the_responsible_division(client):
    html = client.get(reverse("outreach:privacy")).content.decode()

    for article in ("法61条", "法62条", "法66条", "法69条", "法75条", "法76条", "法90条", "法98条"):
        assert article in html
    assert "県民環境部 県民協働課" in html
    assert "個人情報ファイル簿" in html and "保有個人情報" in html
    assert reverse("outreach:contacts") in html


def test_the_terms_name_the_court_and_the_moderation(client):
    html = client.get(reverse("outreach:terms")).content.decode()

    assert "佐賀地方裁判所" in html
    assert "非公開にすることがあります" in html
    assert reverse("outreach:privacy") in html


def test_every_page_links_both_from_the_footer(client):
    html = client.get(reverse("home")).content.decode()
    footer = html[html.index("<footer") :]

    assert f'href="{reverse("outreach:privacy")}"' in footer
    assert f'href="{reverse("outreach:terms")}"' in footer


# --- every form that collects personal data links to the notice -----------------------------


def links_to_privacy(response):
    assert response.status_code == 200
    return f'href="{reverse("outreach:privacy")}"' in response.content.decode().split("<footer")[0]


def test_the_sign_up_form_links_to_the_notice_and_the_terms(client):
    response = client.get(reverse("account:signup"))

    assert links_to_privacy(response)
    assert f'href="{reverse("outreach:terms")}"' in response.content.decode()
    assert "利用規約と個人情報の取扱いに同意します" in response.content.decode()


def test_the_guest_event_registration_form_links_to_the_notice(client):
    event = EventFactory()

    response = client.get(event.get_absolute_url())

    assert 'name="consent"' in response.content.decode()
    assert links_to_privacy(response)


def test_the_cso_registration_and_profile_forms_link_to_the_notice(client):
    user = UserFactory()
    cso = CSOFactory()
    MembershipFactory(user=user, cso=cso)
    client.force_login(user)

    assert links_to_privacy(client.get(reverse("account:cso_register")))
    assert links_to_privacy(client.get(reverse("account:cso_edit", args=[cso.pk])))


def test_the_advisor_request_form_links_to_the_notice(client):
    user, _cso = npo_admin()
    client.force_login(user)

    assert links_to_privacy(client.get(reverse("advisors:create")))


def test_the_account_settings_link_to_the_notice(client):
    client.force_login(UserFactory())

    assert links_to_privacy(client.get(reverse("accounts:settings")))
