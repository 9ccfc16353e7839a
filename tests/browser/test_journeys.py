"""The portal's three main journeys, end to end in a real browser against a live server.

Each journey drives the real UI (typing, choosing, clicking) as each person would; only the
starting point is set up directly (a 県民協働課 officer, a department with its 推進員 and a
theme, or an agreed proposal). Each journey is one test: its steps depend on each other.
"""

import re
from datetime import date

from django.contrib.auth.models import Group
from django.core import mail

from kyodo_portal.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, admin_log_in, log_in, log_out, screenshot
from tests.factories import (
    CSOFactory,
    DepartmentFactory,
    MembershipFactory,
    ProposalFactory,
    ThemeFactory,
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


def mailed_link(address):
    """The link in the last mail to ``address`` (Django's locmem outbox, shared with the live
    server's thread)."""
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return re.search(r"https?://\S+", message.body)[0]


def test_a_newcomer_registers_a_cso_which_the_prefecture_publishes_and_anyone_can_find(
    page, live_server, settings
):
    from cso_registry.models import CSO

    settings.SITE_URL = live_server.url  # the links in the mails lead to this server
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
    assert page.locator("h1").inner_text() == "メールを確認してください"

    # The address is confirmed from the mailbox; then the newcomer is signed in.
    page.goto(mailed_link("newcomer@example.jp"))
    submit(page, "メールアドレスを確認する")
    assert page.url.endswith("/my/")
    assert "メールアドレス（newcomer@example.jp）を確認しました。" in success_message(page)

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


def test_a_member_who_forgot_the_password_sets_a_new_one_from_the_mail_and_is_signed_in(
    page, live_server, settings
):
    settings.SITE_URL = live_server.url
    UserFactory(email="forgetful@example.jp", full_name="多久 次郎")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/login/")
    follow(page, "パスワードを忘れた方")
    page.get_by_label("メールアドレス").fill("forgetful@example.jp")
    submit(page, "リンクを送る")
    assert page.locator("h1").inner_text() == "メールを確認してください"

    page.goto(mailed_link("forgetful@example.jp"))
    field(page, "新しいパスワード").fill("taku-seibyo-2027")
    field(page, "新しいパスワード(確認用)").fill("taku-seibyo-2027")
    screenshot(page, "journey-password-reset-375")
    submit(page, "パスワードを設定する")

    assert page.url.endswith("/my/")
    assert "新しいパスワードを設定し、ログインしました。" in success_message(page)
    page.set_viewport_size(DESKTOP)
    log_out(page)
    log_in(page, live_server, "forgetful@example.jp", "taku-seibyo-2027")
    assert page.url.endswith("/my/")


# --- Journey 2 ---------------------------------------------------------------------------------


def cso_with_member(email, name="さが障害者スポーツ応援団"):
    from cso_registry.models import CSO, Membership

    cso = CSOFactory(name=name, kind=CSO.Kind.NPO_CORPORATION)
    member = UserFactory(email=email, full_name="鹿島 一郎")
    MembershipFactory(cso=cso, user=member, role=Membership.Role.ADMIN)
    return cso, member


def staff_transition(page, live_server, proposal, label, comment=""):
    """On the proposal's admin page, take the step ``label`` with a comment."""
    page.goto(f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/")
    follow(page, label)
    if comment:
        page.get_by_label("コメント").fill(comment)
    submit(page, label)
    assert f"「{label}」で処理しました" in success_message(page)


def test_a_member_proposes_the_promoter_returns_it_with_a_comment_and_agrees_to_the_revision(
    page, live_server
):
    from proposals.models import ConsultationEntry, Proposal

    department = DepartmentFactory(name="障害福祉課")
    staff(Role.PROMOTER, department, "suishin-officer@example.jp")
    theme = ThemeFactory(department=department, title="障害のある人のスポーツ参加を広げる")
    cso_with_member("member@example.jp")

    # The member finds the theme and writes a proposal to it.
    log_in(page, live_server, "member@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/themes/")
    follow(page, theme.title)
    follow(page, "このテーマに提案する")
    field(page, "事業名").fill("みんなで楽しむボッチャ交流会")
    field(page, "目的").fill("障害のある人とない人が一緒にスポーツを楽しむ機会をつくります。")
    field(page, "県と共有したい目標").fill("年間の参加者を300人にします。")
    field(page, "事業の内容").fill("県内4会場でボッチャの交流会を開きます。")
    field(page, "期待される効果").fill("地域での交流と、障害への理解が広がります。")
    page.get_by_label("C 対等に協力").check()
    field(page, "協働の形態").select_option(label="事業協力")
    page.get_by_label("多くの人々の参加を求める事業").check()
    field(page, "団体が担う役割").fill("会場の運営と、用具の貸し出しをします。")
    field(page, "県に期待する役割").fill("広報と、市町・学校との調整をお願いします。")
    submit(page, "下書きを保存する")
    proposal = Proposal.objects.get(title="みんなで楽しむボッチャ交流会")
    assert proposal.status == Proposal.Status.DRAFT
    submit(page, "提出する")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    log_out(page)

    # The department's 推進員 opens the consultation, records a meeting and returns it.
    admin_log_in(page, live_server, "suishin-officer@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/admin/proposals/proposal/")
    follow(page, "みんなで楽しむボッチャ交流会")
    staff_transition(page, live_server, proposal, "協議を開始する")
    new_entry = (
        page.locator(".inline-group")
        .filter(has=page.get_by_role("heading", name="協議の記録を追加"))
        .locator(".inline-related:not(.empty-form)")
    )
    new_entry.get_by_label("種類").select_option(label="面談")
    new_entry.get_by_label("公開範囲").select_option(label="共有")
    new_entry.get_by_label("内容").fill("会場の候補と、安全管理の体制について面談しました。")
    screenshot(page, "admin-review-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "admin-review-phone")
    page.set_viewport_size(DESKTOP)
    submit(page, "保存")
    assert ConsultationEntry.objects.filter(proposal=proposal, by_prefecture=True).count() == 1
    staff_transition(
        page,
        live_server,
        proposal,
        "差し戻す",
        comment="安全管理の担当者と、雨天時の対応を書き足してください。",
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RETURNED

    # The member reads the comment, revises and resubmits.
    log_in(page, live_server, "member@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/proposals/")
    follow(page, "みんなで楽しむボッチャ交流会")
    assert "雨天時の対応を書き足してください" in page.content()
    assert "安全管理の体制について面談しました" in page.content()
    follow(page, "編集する")
    field(page, "事業の内容").fill(
        "県内4会場でボッチャの交流会を開きます。安全管理は団体の看護師が担当し、雨天時は体育館で行います。"
    )
    submit(page, "下書きを保存する")
    submit(page, "再提出する")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert "雨天時は体育館" in proposal.content

    # The 推進員 agrees.
    admin_log_in(page, live_server, "suishin-officer@example.jp", PASSWORD)
    staff_transition(page, live_server, proposal, "協議を開始する")
    staff_transition(page, live_server, proposal, "合意する", comment="この内容で協働します。")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.AGREED
    steps = list(proposal.transitions.order_by("pk").values_list("to_status", flat=True))
    assert steps[-1] == Proposal.Status.AGREED and Proposal.Status.RETURNED in steps


# --- Journey 3 ---------------------------------------------------------------------------------


def agreed_proposal(department, cso, member):
    """The starting point of journey 3: a proposal both sides agreed on (journey 2's end)."""
    from django.utils import timezone

    today = timezone.localdate()
    return ProposalFactory(
        cso=cso,
        department=department,
        created_by=member,
        title="川と暮らす防災ワークショップ",
        zone="C",
        form="cooperation",
        starts_on=today.replace(month=4, day=1),
        ends_on=today.replace(month=12, day=31) if today.month < 12 else today,
        status="agreed",
        agreed_at=timezone.now(),
        submitted_at=timezone.now(),
    )


def agreement_step(page, live_server, agreement, label, **fields):
    page.goto(f"{live_server.url}/admin/proposals/agreement/{agreement.pk}/change/")
    follow(page, label)
    for name, value in fields.items():
        page.get_by_label(name).fill(value)
    submit(page, label)
    assert f"「{label}」を行いました。" in success_message(page), success_message(page)


def write_part(scope, text, rating):
    """One side's 振り返り: the outcome, the four principles (rating and comment), the rest."""
    scope.get_by_label(re.compile("^\\s*共有した目標に対する成果")).fill(
        f"{text}: 目標を達成しました。"
    )
    for principle in ("対等な関係", "相互理解", "目的の共有と明確化", "情報公開と守秘義務"):
        group = scope.get_by_role("group", name=re.compile(f"^\\s*{principle}（5段階）"))
        if group.count():
            group.get_by_label(str(rating), exact=True).check()
        else:
            scope.get_by_label(re.compile(f"^\\s*{principle}（5段階）")).select_option(str(rating))
        scope.get_by_label(re.compile(f"^\\s*{principle}（コメント）")).fill(
            f"{text}: {principle}を大切にしました。"
        )
    scope.get_by_label(re.compile("^\\s*うまくいったこと")).fill(
        f"{text}: 住民の参加が多かったこと。"
    )
    scope.get_by_label(re.compile("^\\s*課題・問題点")).fill(f"{text}: 雨の日の会場。")
    scope.get_by_label(re.compile("^\\s*次に生かすこと")).fill(
        f"{text}: 予備の会場を早めに押さえる。"
    )


def test_an_agreement_is_concluded_carried_out_evaluated_by_both_and_published(page, live_server):
    from evaluations.models import Evaluation
    from proposals.models import Agreement

    department = DepartmentFactory(name="河川砂防課")
    staff(Role.PROMOTER, department, "suishin-officer@example.jp")
    coordinator()
    cso, member = cso_with_member("member@example.jp", name="さが川まもり隊")
    proposal = agreed_proposal(department, cso, member)

    # The 推進員 drafts the agreement from the agreed proposal and asks the CSO to confirm.
    admin_log_in(page, live_server, "suishin-officer@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/admin/proposals/agreement/add/")
    choice = page.get_by_label("合意した提案")
    choice.select_option(label=choice.locator("option", has_text=proposal.title).inner_text())
    submit(page, "協定書の案を作成する")
    submit(page, "保存")
    agreement = Agreement.objects.get(proposal=proposal)
    agreement_step(page, live_server, agreement, "団体に確認を依頼する")

    # The CSO's 管理者 reads and confirms it.
    log_in(page, live_server, "member@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/agreements/")
    follow(page, proposal.title)
    page.get_by_label(
        "協定書（役割分担と責任を含む）の内容を確認し、団体として合意します。"
    ).check()
    submit(page, "確認して合意する")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CONFIRMED

    # The prefecture records the conclusion and starts it.
    admin_log_in(page, live_server, "suishin-officer@example.jp", PASSWORD)
    today = date.today().isoformat()
    agreement_step(page, live_server, agreement, "締結を記録する", 締結日=today)
    agreement_step(page, live_server, agreement, "実施を開始する")

    # The CSO reports progress; the prefecture completes the agreement.
    log_in(page, live_server, "member@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/agreements/{agreement.pk}/")
    field(page, "進捗率（%）").fill("60")
    field(page, "報告の内容").fill("2回のワークショップを開き、48人が参加しました。")
    page.get_by_label("公開（要約を公開ページに載せる）").check()
    field(page, "公開用の要約").fill("防災ワークショップを2回開きました。")
    submit(page, "報告する")
    assert agreement.progress_reports.count() == 1
    admin_log_in(page, live_server, "suishin-officer@example.jp", PASSWORD)
    agreement_step(page, live_server, agreement, "完了にする")

    # Both sides write the 振り返り: the CSO on /my/ ...
    log_in(page, live_server, "member@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/evaluations/")
    submit(page, "完了時の振り返りを始める")
    evaluation = Evaluation.objects.get(agreement=agreement)
    write_part(page, "団体", 4)
    submit(page, "保存して提出する")
    assert evaluation.cso_part.is_submitted

    # ... the 推進員 in the admin, and proposes the continuation decision.
    admin_log_in(page, live_server, "suishin-officer@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/admin/evaluations/evaluation/{evaluation.pk}/change/")
    write_part(page.locator(".inline-group"), "県", 5)
    submit(page, "保存して編集を続ける")
    follow(page, "県の記入を提出する")
    submit(page, "提出する")
    follow(page, "今後の方針を提案する")
    page.get_by_label("継続", exact=True).check()
    submit(page, "提案する")

    # The CSO agrees with the decision; 県民協働課 publishes the 振り返り.
    log_in(page, live_server, "member@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/evaluations/{evaluation.pk}/")
    submit(page, "この方針に合意する")
    admin_log_in(page, live_server, "kyodo-officer@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/admin/evaluations/evaluation/{evaluation.pk}/change/")
    follow(page, "公開する")
    submit(page, "公開する")
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.PUBLISHED

    # Anyone reads it in /evaluations/ and in the feed.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/evaluations/")
    follow(page, proposal.title)
    assert "県: 目標を達成しました。" in page.content()
    assert "団体: 目標を達成しました。" in page.content()
    screenshot(page, "evaluation-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "evaluation-phone")
    feed = page.request.get(f"{live_server.url}/evaluations/feed/")
    assert feed.ok and proposal.title in feed.text()
    assert f"/evaluations/{evaluation.pk}/" in feed.text()
