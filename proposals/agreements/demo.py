"""Demo agreements (協定書): one in every state and every form, with role tables, a two-CSO
agreement, an amendment (変更協定) that replaced its first version, and progress reports
(public and for the parties only, one with a file). Runs after proposals.demo (see
ProposalsConfig.demo_modules), from the proposals it leaves agreed.

Like the proposals demo, states are laid down directly with their history, dated in the past,
rather than replayed through the services, so that no demo email is sent; each agreement is
created once (looked up by its proposal), so a second run changes nothing.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from kyodo_portal.demo import department
from kyodo_portal.wareki import fiscal_year
from proposals.demo import DEMO_PDF, demo_actors, make_proposal, proposal_fields
from proposals.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    AgreementVersion,
    ProgressAttachment,
    ProgressReport,
    Proposal,
    RoleAssignment,
)

S = Agreement.Status
VS = AgreementVersion.Status
A = AgreementTransition.Action
CSO_, PREF, JOINT = "cso", "prefecture", "joint"


def _at(days_ago, hour=10):
    moment = timezone.localtime() - datetime.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _day(days_ago):
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _version(agreement, number, status, content, *, by, concluded_days_ago=None, reason=""):
    """A version with the terms of the agreed proposal (its zone and form, the activity fields
    of its theme or else of its CSO) and ``content``."""
    proposal = agreement.proposal
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        status=status,
        zone=proposal.zone,
        form=proposal.form,
        amendment_reason=reason,
        concluded_on=_day(concluded_days_ago) if concluded_days_ago is not None else None,
        concluded_by=by if concluded_days_ago is not None else None,
        confirmation_requested_at=content.pop("requested_at", None),
        created_by=by,
        **content,
    )
    version.activity_fields.set(
        proposal.theme.activity_fields.all()
        if proposal.theme_id
        else proposal.cso.activity_fields.all()
    )
    return version


def _parties(version, parties, *, confirmed_days_ago=None):
    for index, (cso, contact) in enumerate(parties):
        admin = cso.admins().order_by("pk").first()
        confirmed = confirmed_days_ago is not None and admin is not None
        AgreementParty.objects.create(
            version=version,
            cso=cso,
            is_lead=index == 0,
            contact_name=contact,
            contact_phone="0952-00-0000" if index == 0 else "",
            contact_email=admin.email if admin else "",
            confirmed_at=_at(confirmed_days_ago) if confirmed else None,
            confirmed_by=admin if confirmed else None,
        )


def _roles(version, roles):
    for order, (task, carried_by, cso, responsibility, due_days) in enumerate(roles, start=1):
        RoleAssignment.objects.create(
            version=version,
            order=order,
            task=task,
            carried_by=carried_by,
            cso=cso,
            responsibility=responsibility,
            due_on=_day(-due_days) if due_days is not None else None,
        )


def _log(agreement, steps):
    """``steps``: (action, version or None, from, to, by, comment, days_ago)."""
    for action, version, from_status, to_status, by, comment, days_ago in steps:
        AgreementTransition.objects.create(
            agreement=agreement,
            version=version,
            action=action,
            from_status=from_status,
            to_status=to_status,
            by=by,
            by_prefecture=by.is_staff,
            comment=comment,
            at=_at(days_ago),
        )


def _report(agreement, by, days_ago, percent, text, *, next_steps="", summary="", file=None):
    report = ProgressReport.objects.create(
        agreement=agreement,
        reported_on=_day(days_ago),
        percent_complete=percent,
        text=text,
        next_steps=next_steps,
        visibility=ProgressReport.Visibility.PUBLIC
        if summary
        else ProgressReport.Visibility.PARTIES,
        public_summary=summary,
        author=by,
        by_prefecture=by.is_staff,
    )
    if file is not None:
        name, content = file
        attachment = ProgressAttachment(
            report=report, original_name=name, size=len(content), uploaded_by=by
        )
        attachment.file.save("report.pdf", ContentFile(content), save=False)
        attachment.save()
    return report


def _content(proposal, staff, **overrides):
    content = {
        "title": proposal.title,
        "purpose": proposal.purpose,
        "shared_goal": proposal.shared_goal,
        "starts_on": proposal.starts_on,
        "ends_on": proposal.ends_on,
        "budget_amount": proposal.budget_estimate,
        "budget_note": proposal.budget_note,
        "prefecture_contact_name": staff.full_name,
        "prefecture_contact_title": "県民協働推進員",
        "prefecture_contact_phone": "0952-25-7000",
        "prefecture_contact_email": staff.email,
    }
    content.update(overrides)
    return content


def _new_agreement(proposal, staff, *, status, concluded_days_ago=None, started=None, done=None):
    if Agreement.objects.filter(proposal=proposal).exists():
        return None
    concluded_on = _day(concluded_days_ago) if concluded_days_ago is not None else None
    agreement = Agreement.objects.create(
        proposal=proposal,
        department=proposal.department,
        status=status,
        concluded_on=concluded_on,
        fiscal_year=fiscal_year(concluded_on) if concluded_on else None,
        started_on=_day(started) if started is not None else None,
        completed_on=_day(done) if done is not None else None,
        created_by=staff,
    )
    return agreement


def _finish(agreement, version):
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])


def seed_agreements(*, promoter, promoter2, coordinator, member, cso_a, cso_b, cso_c):
    """Agreements in every state (作成中 … 完了) and every form, from agreed proposals."""
    welfare = department("健康福祉部", "障害福祉課")
    town = department("県土整備部", "まちづくり課")
    today = timezone.localdate()
    start = datetime.date(fiscal_year(today), 4, 1)
    end = datetime.date(fiscal_year(today) + 1, 3, 31)

    def agreed(cso, author, title, to, staff, days_ago, **fields):
        make_proposal(
            cso=cso,
            author=author,
            title=title,
            to=to,
            fields=proposal_fields(**fields),
            steps=[
                (Proposal.Status.SUBMITTED, author, "", days_ago + 40),
                (Proposal.Status.IN_CONSULTATION, staff, "", days_ago + 30),
                (Proposal.Status.AGREED, staff, "役割分担を確認し、合意しました。", days_ago),
            ],
        )
        return Proposal.objects.get(cso=cso, title=title)

    # 協働型委託 · 作成中, confirmation requested: cso@example.jp can confirm it on /my/.
    consignment = Proposal.objects.filter(
        cso=cso_a, title="子ども食堂での障害のある若者の就労体験"
    ).first()
    if consignment is not None:
        agreement = _new_agreement(consignment, promoter, status=S.DRAFT)
        if agreement is not None:
            version = _version(
                agreement,
                1,
                VS.DRAFT,
                _content(
                    consignment,
                    promoter,
                    starts_on=consignment.starts_on or start,
                    ends_on=consignment.ends_on or end,
                    budget_request_needed=True,
                    deliverables="就労体験の実施記録（参加者 20 人分）と、受け入れ事業所向けの手引き（A4 20 ページ）。",
                    payment_note="委託料 1,800,000 円。半額を契約後に前払い、残りを成果物の確認後に支払います。",
                    requested_at=_at(3),
                ),
                by=promoter,
            )
            _parties(version, [(cso_a, member.full_name)])
            _roles(
                version,
                [
                    (
                        "参加者の募集と事前面談",
                        CSO_,
                        cso_a,
                        "参加者と家族への説明、体験中の付き添い。",
                        250,
                    ),
                    (
                        "受け入れ事業所への呼びかけ",
                        PREF,
                        None,
                        "商工団体を通じた周知と、事業所との日程調整。",
                        200,
                    ),
                    (
                        "振り返りの会",
                        JOINT,
                        None,
                        "体験の後に、参加者・事業所・県・団体で振り返ります。",
                        480,
                    ),
                ],
            )
            _finish(agreement, version)
            _log(
                agreement,
                [
                    (A.CREATED, version, "", S.DRAFT, promoter, "", 20),
                    (
                        A.CONFIRMATION_REQUESTED,
                        version,
                        VS.DRAFT,
                        VS.DRAFT,
                        promoter,
                        "案がまとまりました。ご確認をお願いします。",
                        3,
                    ),
                ],
            )

    # 共催 · CSO確認済, two CSOs: waiting for 締結.
    if cso_b is not None:
        proposal = agreed(
            cso_a,
            member,
            "みんなのスポーツ交流フェスタ",
            welfare,
            promoter,
            25,
            purpose="障害のある人もない人も一緒に楽しめるスポーツの催しを開きます。",
            shared_goal="スポーツを通じて、地域で互いを知る機会を増やすことを県と共有します。",
            content="体験ブース 10、交流試合、ボランティア 80 人の研修。",
            expected_effect="参加者 1,500 人、ボランティアの継続参加。",
            zone="C",
            form="co_hosting",
            project_type="participation",
            starts_on=start,
            ends_on=end,
            cso_role="体験ブースの運営、ボランティアの募集と研修。",
            prefecture_role="会場の確保と広報、競技団体との調整。",
        )
        agreement = _new_agreement(proposal, promoter, status=S.CONFIRMED)
        if agreement is not None:
            version = _version(
                agreement,
                1,
                VS.CONFIRMED,
                _content(
                    proposal,
                    promoter,
                    shared_costs="会場費と広報費は県、体験ブースの用具と保険は団体が負担します。",
                    shared_responsibilities="当日の安全管理は共同で行い、事故や苦情には双方の担当者が協議して対応します。",
                    requested_at=_at(8),
                ),
                by=promoter,
            )
            _parties(
                version,
                [(cso_a, member.full_name), (cso_b.cso, cso_b.user.full_name)],
                confirmed_days_ago=5,
            )
            _roles(
                version,
                [
                    ("体験ブースの運営", CSO_, cso_a, "ブースごとの責任者を置きます。", 120),
                    (
                        "商店街会場の設営と案内",
                        CSO_,
                        cso_b.cso,
                        "会場案内と周辺の商店への説明。",
                        120,
                    ),
                    (
                        "会場の確保と広報",
                        PREF,
                        None,
                        "県の施設の予約、県だより・ウェブでの告知。",
                        90,
                    ),
                    ("当日の安全管理", JOINT, None, "救護所の設置と巡回。", 120),
                ],
            )
            _finish(agreement, version)
            _log(
                agreement,
                [
                    (A.CREATED, version, "", S.DRAFT, promoter, "", 20),
                    (A.CONFIRMATION_REQUESTED, version, VS.DRAFT, VS.DRAFT, promoter, "", 8),
                    (
                        A.CONFIRMED,
                        version,
                        VS.DRAFT,
                        VS.DRAFT,
                        member,
                        f"{cso_a.name} が確認しました。",
                        6,
                    ),
                    (
                        A.CONFIRMED,
                        version,
                        VS.DRAFT,
                        VS.CONFIRMED,
                        cso_b.user,
                        f"{cso_b.cso.name} が確認しました。",
                        5,
                    ),
                ],
            )

        # 後援 · 締結 (not started yet).
        proposal = agreed(
            cso_b.cso,
            cso_b.user,
            "城下町の歴史を歩く講演会",
            town,
            promoter2,
            35,
            purpose="城下町の歴史を学び、空き家の活用を考える講演会を開きます。",
            shared_goal="まちの歴史を知る住民を増やし、空き家の活用につなげることを県と共有します。",
            content="講演会 1 回（定員 200 人）と、まち歩き 2 回。",
            expected_effect="参加者 250 人。空き家相談 10 件。",
            zone="B",
            form="sponsorship",
            project_type="ownership",
            starts_on=_day(-30),
            ends_on=_day(-90),
            cso_role="講演会とまち歩きの企画・運営。",
            prefecture_role="後援名義の使用の承認と、県のウェブでの告知。",
        )
        agreement = _new_agreement(proposal, promoter2, status=S.CONCLUDED, concluded_days_ago=10)
        if agreement is not None:
            version = _version(
                agreement,
                1,
                VS.CONCLUDED,
                _content(
                    proposal,
                    promoter2,
                    budget_amount=None,
                    event_description="講演会「城下町の歴史と空き家のこれから」（唐津市民会館、定員 200 人）。",
                    name_use_conditions="チラシ・ポスターに「後援 佐賀県」と記載します。政治・宗教・営利の目的には使いません。内容を変えるときは事前に相談します。",
                    requested_at=_at(20),
                ),
                by=promoter2,
                concluded_days_ago=10,
            )
            _parties(version, [(cso_b.cso, cso_b.user.full_name)], confirmed_days_ago=14)
            _roles(
                version,
                [
                    (
                        "講演会の企画と運営",
                        CSO_,
                        cso_b.cso,
                        "講師の依頼、会場の手配、当日の運営。",
                        60,
                    ),
                    ("県のウェブでの告知", PREF, None, "催しの 1 か月前までに掲載します。", 30),
                ],
            )
            _finish(agreement, version)
            _log(
                agreement,
                [
                    (A.CREATED, version, "", S.DRAFT, promoter2, "", 30),
                    (A.CONFIRMATION_REQUESTED, version, VS.DRAFT, VS.DRAFT, promoter2, "", 20),
                    (
                        A.CONFIRMED,
                        version,
                        VS.DRAFT,
                        VS.CONFIRMED,
                        cso_b.user,
                        f"{cso_b.cso.name} が確認しました。",
                        14,
                    ),
                    (
                        A.CONCLUDED,
                        version,
                        S.CONFIRMED,
                        S.CONCLUDED,
                        promoter2,
                        "協定書を取り交わしました。",
                        10,
                    ),
                ],
            )

    # 補助 · 実施中, amended once (第1版 is kept as 変更前), with progress from both sides.
    proposal = agreed(
        cso_a,
        member,
        "障害のある子どもの週末の居場所",
        welfare,
        promoter,
        200,
        purpose="障害のある子どもが週末を地域で過ごせる場所を開きます。",
        shared_goal="障害のある子どもと家族が、地域で孤立しないことを県と共有します。",
        content="毎週土曜の居場所の運営（定員 15 人）と、保護者の交流会。",
        expected_effect="利用する子ども 30 人、保護者の交流会 6 回。",
        zone="B",
        form="subsidy",
        project_type="flexible",
        starts_on=_day(170),
        ends_on=_day(-190),
        budget_estimate=800_000,
        cso_role="居場所の運営と、保護者の交流会。",
        prefecture_role="補助金の交付と、市町・特別支援学校への周知。",
    )
    agreement = _new_agreement(
        proposal, promoter, status=S.IN_PROGRESS, concluded_days_ago=180, started=170
    )
    if agreement is not None:
        base = _content(
            proposal,
            promoter,
            subsidy_amount=800_000,
            reporting_duty="年度末に実績報告書（利用者数、活動の記録、収支）を提出します。",
        )
        first = _version(
            agreement, 1, VS.SUPERSEDED, dict(base), by=promoter, concluded_days_ago=180
        )
        _parties(first, [(cso_a, member.full_name)], confirmed_days_ago=185)
        roles = [
            ("居場所の運営", CSO_, cso_a, "スタッフ 3 人以上で、安全に運営します。", 190),
            ("特別支援学校と市町への周知", PREF, None, "チラシの配布と説明会。", 150),
        ]
        _roles(first, roles)
        second = _version(
            agreement,
            2,
            VS.CONCLUDED,
            {**base, "subsidy_amount": 950_000, "budget_amount": 950_000},
            by=promoter,
            concluded_days_ago=40,
            reason="利用希望が多く、日曜にも開くため、補助金の額と役割分担を見直します。",
        )
        _parties(second, [(cso_a, member.full_name)], confirmed_days_ago=45)
        _roles(
            second,
            [
                *roles,
                ("日曜の開所", CSO_, cso_a, "月 2 回、日曜にも開きます。", 190),
                ("保護者向けの相談会", JOINT, None, "県の相談員と団体のスタッフで行います。", 120),
            ],
        )
        _finish(agreement, second)
        _log(
            agreement,
            [
                (A.CREATED, first, "", S.DRAFT, promoter, "", 195),
                (A.CONFIRMATION_REQUESTED, first, VS.DRAFT, VS.DRAFT, promoter, "", 190),
                (
                    A.CONFIRMED,
                    first,
                    VS.DRAFT,
                    VS.CONFIRMED,
                    member,
                    f"{cso_a.name} が確認しました。",
                    185,
                ),
                (A.CONCLUDED, first, S.CONFIRMED, S.CONCLUDED, promoter, "", 180),
                (A.STARTED, None, S.CONCLUDED, S.IN_PROGRESS, promoter, "", 170),
                (A.AMENDMENT_STARTED, second, "", VS.DRAFT, promoter, second.amendment_reason, 60),
                (A.CONFIRMATION_REQUESTED, second, VS.DRAFT, VS.DRAFT, promoter, "", 50),
                (
                    A.CONFIRMED,
                    second,
                    VS.DRAFT,
                    VS.CONFIRMED,
                    member,
                    f"{cso_a.name} が確認しました。",
                    45,
                ),
                (
                    A.CONCLUDED,
                    second,
                    VS.CONFIRMED,
                    VS.CONCLUDED,
                    promoter,
                    "変更協定書を取り交わしました。",
                    40,
                ),
            ],
        )
        _report(
            agreement,
            member,
            150,
            15,
            "土曜の居場所を開きました。初回は 8 人が来ました。",
            next_steps="特別支援学校での説明会",
            summary="土曜の居場所を開きました。",
        )
        _report(
            agreement,
            promoter,
            120,
            25,
            "2 つの特別支援学校で説明会を行いました。保護者から日曜の要望が多く出ています。",
            next_steps="日曜開所の検討",
        )
        _report(
            agreement,
            member,
            60,
            45,
            "利用者が 22 人になりました。スタッフの研修を行いました。記録を添付します。",
            next_steps="変更協定の確認",
            summary="利用する子どもが 22 人になりました。",
            file=("活動記録.pdf", DEMO_PDF),
        )
        _report(
            agreement,
            member,
            20,
            60,
            "日曜の開所を始めました。保護者の交流会を 2 回開きました。",
            summary="日曜にも開くようになりました。保護者の交流会を 2 回開きました。",
        )

    # 事業協力 · 完了 (last year), with its reports: the evaluation starts from here.
    if cso_c is not None:
        tidal = Proposal.objects.filter(
            cso=cso_c.cso, title="干潟観察会の運営（地域の見守りと安全管理）"
        ).first()
        if tidal is not None:
            agreement = _new_agreement(
                tidal, coordinator, status=S.COMPLETED, concluded_days_ago=320, started=300, done=40
            )
            if agreement is not None:
                version = _version(
                    agreement,
                    1,
                    VS.CONCLUDED,
                    _content(
                        tidal,
                        coordinator,
                        starts_on=_day(300),
                        ends_on=_day(60),
                        budget_amount=None,
                    ),
                    by=coordinator,
                    concluded_days_ago=320,
                )
                _parties(version, [(cso_c.cso, cso_c.user.full_name)], confirmed_days_ago=325)
                _roles(
                    version,
                    [
                        (
                            "受付と駐車場の誘導",
                            CSO_,
                            cso_c.cso,
                            "観察会の当日、受付と誘導を担います。",
                            240,
                        ),
                        (
                            "講師の手配と広報",
                            PREF,
                            None,
                            "環境センターの職員が講師を務め、広報します。",
                            270,
                        ),
                        ("安全管理", JOINT, None, "潮の時刻の確認と、見守りの配置。", 240),
                    ],
                )
                _finish(agreement, version)
                _log(
                    agreement,
                    [
                        (A.CREATED, version, "", S.DRAFT, coordinator, "", 328),
                        (
                            A.CONFIRMATION_REQUESTED,
                            version,
                            VS.DRAFT,
                            VS.DRAFT,
                            coordinator,
                            "",
                            327,
                        ),
                        (
                            A.CONFIRMED,
                            version,
                            VS.DRAFT,
                            VS.CONFIRMED,
                            cso_c.user,
                            f"{cso_c.cso.name} が確認しました。",
                            325,
                        ),
                        (A.CONCLUDED, version, S.CONFIRMED, S.CONCLUDED, coordinator, "", 320),
                        (A.STARTED, None, S.CONCLUDED, S.IN_PROGRESS, coordinator, "", 300),
                        (
                            A.COMPLETED,
                            None,
                            S.IN_PROGRESS,
                            S.COMPLETED,
                            coordinator,
                            "予定の観察会をすべて終えました。",
                            40,
                        ),
                    ],
                )
                _report(
                    agreement,
                    cso_c.user,
                    250,
                    30,
                    "1 回目の観察会に 60 人が参加しました。",
                    summary="1 回目の観察会に 60 人が参加しました。",
                )
                _report(
                    agreement,
                    coordinator,
                    150,
                    70,
                    "2 回目・3 回目を終えました。駐車場が不足気味です。",
                    next_steps="臨時駐車場の確保",
                )
                _report(
                    agreement,
                    cso_c.user,
                    45,
                    100,
                    "予定の 4 回をすべて終えました。けが人はありませんでした。",
                    summary="予定の観察会 4 回を終え、延べ 230 人が参加しました。",
                )

    # 協働型委託 · 実施中 (town planning), without an amendment, to show the progress sheet.
    if cso_b is not None:
        proposal = agreed(
            cso_b.cso,
            cso_b.user,
            "空き家の活用相談会の運営",
            town,
            promoter2,
            120,
            purpose="空き家の所有者と使いたい人をつなぐ相談会を開きます。",
            shared_goal="中心市街地の空き家を地域の場所として活かすことを県と共有します。",
            content="相談会を年 6 回、所有者向けの個別相談を 30 件。",
            expected_effect="活用につながる空き家 5 件。",
            zone="D",
            form="consignment",
            project_type="local",
            starts_on=_day(100),
            ends_on=_day(-265),
            budget_estimate=1_200_000,
            cso_role="相談会の企画・運営と、所有者への個別相談。",
            prefecture_role="市町との調整と、空き家バンクの情報提供。",
        )
        agreement = _new_agreement(
            proposal, promoter2, status=S.IN_PROGRESS, concluded_days_ago=105, started=100
        )
        if agreement is not None:
            version = _version(
                agreement,
                1,
                VS.CONCLUDED,
                _content(
                    proposal,
                    promoter2,
                    deliverables="相談会の記録と、活用の事例集（10 件）。",
                    payment_note="委託料 1,200,000 円。四半期ごとに実績を確認して支払います。",
                ),
                by=promoter2,
                concluded_days_ago=105,
            )
            _parties(version, [(cso_b.cso, cso_b.user.full_name)], confirmed_days_ago=110)
            _roles(
                version,
                [
                    (
                        "相談会の企画と運営",
                        CSO_,
                        cso_b.cso,
                        "年 6 回、会場と相談員を手配します。",
                        200,
                    ),
                    ("市町との調整", PREF, None, "空き家バンクの情報を提供します。", 150),
                ],
            )
            _finish(agreement, version)
            _log(
                agreement,
                [
                    (A.CREATED, version, "", S.DRAFT, promoter2, "", 115),
                    (
                        A.CONFIRMED,
                        version,
                        VS.DRAFT,
                        VS.CONFIRMED,
                        cso_b.user,
                        f"{cso_b.cso.name} が確認しました。",
                        110,
                    ),
                    (A.CONCLUDED, version, S.CONFIRMED, S.CONCLUDED, promoter2, "", 105),
                    (A.STARTED, None, S.CONCLUDED, S.IN_PROGRESS, promoter2, "", 100),
                ],
            )
            _report(
                agreement,
                cso_b.user,
                50,
                35,
                "相談会を 2 回開き、所有者 12 人から相談を受けました。",
                summary="相談会を 2 回開きました。",
            )


def seed():
    seed_agreements(**demo_actors())
    return []
