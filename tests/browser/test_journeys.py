"""The portal's three main journeys, end to end in a real browser against a live server.

Each journey drives the real UI (typing, choosing, clicking) as each person would; only the
starting point is set up directly (a 県民協働課 officer, a department with its 推進員 and a
theme, or an agreed proposal). Each journey is one test: its steps depend on each other.
"""

import re

from django.contrib.auth.models import Group

from kyodo_portal.roles import Role
from tests.browser.conftest import admin_log_in, log_out, screenshot
from tests.factories import (
    DepartmentFactory,
    UserFactory,
)

PASSWORD = "test-password-123"  # tests.factories.UserFactory


def staff(role, department, email):
    user = UserFactory(email=email, is_staff=True, department=department, full_name="佐賀 職員")
    user.groups.add(Group.objects.get(name=role))
    return user


def coordinator():
    return staff(Role.COORDINATOR, DepartmentFactory(name="県民協働課"), "kyodo-officer@example.jp")


def field(page, label):
    """The form field labelled exactly ``label`` (crispy adds an asterisk to required ones)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def submit(page, name):
    """Click the button named ``name`` and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page, name):
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def success_message(page):
    return page.locator(".messages, .messagelist").inner_text()


# --- Journey 1 ---------------------------------------------------------------------------------


def test_a_newcomer_registers_a_cso_which_the_prefecture_publishes_and_anyone_can_find(
    page, live_server
):
    from cso_registry.models import CSO

    coordinator()
    # A newcomer signs up.
    page.goto(f"{live_server.url}/")
    follow(page, "ログイン")
    follow(page, "新規登録")
    page.get_by_label("メールアドレス").fill("newcomer@example.jp")
    page.get_by_label("氏名").fill("嬉野 花子")
    field(page, "パスワード").fill("ureshino-tea-2026")
    field(page, "パスワード(確認用)").fill("ureshino-tea-2026")
    page.get_by_label("個人情報の取扱いに同意します").check()
    submit(page, "アカウントを作る")
    assert page.url.endswith("/my/")

    # ... and registers the CSO: 申請中 until the prefecture checks it.
    follow(page, "団体を新しく登録する")
    page.get_by_label("団体名").fill("うれしの茶の里ネット")
    page.get_by_label("ふりがな").fill("ウレシノチャノサトネット")
    page.get_by_label("団体の種類").select_option(label="市民活動団体")
    page.get_by_label("団体の紹介").fill(
        "嬉野の茶畑を守り、茶摘み体験で地域をつなぐ市民活動団体です。"
    )
    page.get_by_label("7. 環境の保全").check()
    page.get_by_label("嬉野市").first.check()
    page.get_by_label("所在地の市町").select_option(label="嬉野市")
    submit(page, "登録を申請する")
    cso = CSO.objects.get(name="うれしの茶の里ネット")
    assert cso.status == CSO.Status.PENDING
    log_out(page)

    # Not in the directory yet.
    page.goto(f"{live_server.url}/cso/?q=うれしの")
    assert page.get_by_role("link", name="うれしの茶の里ネット").count() == 0

    # 県民協働課 checks it in the admin and publishes it.
    admin_log_in(page, live_server, "kyodo-officer@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/admin/cso_registry/cso/?status__exact=pending")
    follow(page, "うれしの茶の里ネット")
    follow(page, "公開する")
    page.get_by_label("理由").fill("設立趣意書と活動実績を確認しました。")
    submit(page, "公開する")
    assert "1 団体を公開しました。" in success_message(page)
    screenshot(page, "journey1-admin-published")
    page.context.clear_cookies()

    # Anyone finds it in the directory: by keyword ...
    page.goto(f"{live_server.url}/")
    follow(page, "CSO を探す")
    page.get_by_label("キーワード").fill("茶の里")
    submit(page, "検索する")
    assert page.get_by_role("link", name="うれしの茶の里ネット").count() == 1

    # ... and by filters (kind, field, municipality), and a filter that does not match hides it.
    page.get_by_label("キーワード").fill("")
    page.get_by_label("団体の種類").select_option(label="市民活動団体")
    page.get_by_label("活動分野").select_option(label="7. 環境の保全")
    field(page, "市町").select_option(label="嬉野市")
    submit(page, "検索する")
    assert page.get_by_role("link", name="うれしの茶の里ネット").count() == 1
    field(page, "市町").select_option(label="唐津市")
    submit(page, "検索する")
    assert page.get_by_role("link", name="うれしの茶の里ネット").count() == 0

    field(page, "市町").select_option(label="嬉野市")
    submit(page, "検索する")
    follow(page, "うれしの茶の里ネット")
    assert page.locator("h1").inner_text() == "うれしの茶の里ネット"
    assert "newcomer@example.jp" not in page.content()  # no personal data on the public page
