"""Demo themes of both kinds (open, closed, archived, in preparation) and proposals in every
state, with consultation threads (shared and internal), history, reviewers and scores.

Everything is created once (looked up by title); a second run changes nothing. The states are
laid down directly with their history, dated in the past, rather than replayed through the
services, so that no demo email is sent.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from cso_registry.models import ActivityField, Membership
from kyodo_portal.demo import department
from kyodo_portal.models import User
from proposals.models import (
    Attachment,
    ConsultationEntry,
    Proposal,
    ProposalTransition,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    Theme,
)

S = Proposal.Status
SHARED = ConsultationEntry.Visibility.SHARED
INTERNAL = ConsultationEntry.Visibility.INTERNAL
MEETING, MESSAGE, DOCUMENT = (
    ConsultationEntry.Kind.MEETING,
    ConsultationEntry.Kind.MESSAGE,
    ConsultationEntry.Kind.DOCUMENT,
)

CRITERIA = [
    ("公益性", "県民全体の利益につながるか", 30),
    ("協働の必要性", "県と CSO が組むことで、単独より良い成果が出るか", 25),
    ("実現可能性", "体制・期間・費用の見通しがあるか", 20),
    ("目的の共有", "双方が目指す姿がはっきりしているか", 15),
    ("費用の妥当性", "費用と負担の分け方が妥当か", 10),
]

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _at(days_ago, hour=10):
    moment = timezone.localtime() - datetime.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_themes(today, staff):
    fields = {f.number: f for f in ActivityField.objects.all()}
    specs = [
        dict(
            department=department("健康福祉部", "障害福祉課"),
            kind=Theme.Kind.CALL,
            title="障害のある人の地域での就労体験の場づくり",
            background=(
                "特別支援学校を卒業した人の多くが、地域の事業所で働く経験を持たないまま進路を決めています。"
                "事業所の側にも、受け入れ方がわからないという声があります。"
            ),
            wanted=(
                "当事者・家族・事業所をつなぎ、短期の就労体験を地域で続けられる仕組みの提案を求めます。"
            ),
            fields=[1, 17],
            forms=["consignment", "cooperation"],
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=45),
            budget_note="協議が整った提案は、翌年度の予算要求を検討します（上限の目安 300 万円）。",
            status=Theme.Status.PUBLISHED,
            criteria=True,
        ),
        dict(
            department=department("健康福祉部", "障害福祉課"),
            kind=Theme.Kind.PROGRAM_REVIEW,
            title="障害者スポーツ大会の運営の見直し",
            background=(
                "県が毎年秋に開いている障害者スポーツ大会は、運営を県と競技団体が担ってきました。"
                "参加者が固定し、観客も少ないことが課題です。"
            ),
            wanted="大会の企画・運営に CSO が加わり、参加者と観客を広げる見直しの提案を求めます。",
            fields=[1, 6],
            forms=["co_hosting", "cooperation"],
            opens_on=today - datetime.timedelta(days=20),
            closes_on=today + datetime.timedelta(days=60),
            budget_note="",
            status=Theme.Status.PUBLISHED,
            criteria=True,
        ),
        dict(
            department=department("県土整備部", "まちづくり課"),
            kind=Theme.Kind.CALL,
            title="空き家を活かした地域の居場所づくり",
            background="中心市街地の空き家が増え、住民が気軽に集まれる場所が減っています。",
            wanted="空き家を地域の居場所や交流拠点として活かす取り組みの提案を求めます。",
            fields=[3, 4],
            forms=["subsidy", "cooperation", "co_hosting"],
            opens_on=today - datetime.timedelta(days=40),
            closes_on=today + datetime.timedelta(days=20),
            budget_note="改修費は対象外です。運営の立ち上げにかかる費用は協議します。",
            status=Theme.Status.PUBLISHED,
            criteria=True,
        ),
        dict(
            department=department("地域交流部", "多文化共生さが推進課"),
            kind=Theme.Kind.CALL,
            title="外国人住民のための防災情報の多言語化",
            background="災害時の避難情報が、日本語を読めない住民に届きにくい状況です。",
            wanted="やさしい日本語と多言語での防災情報の発信と、地域での訓練の提案を求めます。",
            fields=[9, 10],
            forms=["cooperation", "consignment"],
            opens_on=today - datetime.timedelta(days=150),
            closes_on=today - datetime.timedelta(days=90),
            budget_note="",
            status=Theme.Status.PUBLISHED,
            criteria=True,
        ),
        dict(
            department=department("県民環境部", "環境センター"),
            kind=Theme.Kind.PROGRAM_REVIEW,
            title="有明海の干潟観察会の運営",
            background="県が主催してきた干潟観察会を、地域の団体と共に続けられる形に見直しました。",
            wanted="観察会の企画と当日の運営を担う提案を求めました（募集は終了しています）。",
            fields=[7],
            forms=["consignment", "cooperation"],
            opens_on=today - datetime.timedelta(days=400),
            closes_on=today - datetime.timedelta(days=340),
            budget_note="",
            status=Theme.Status.ARCHIVED,
            criteria=False,
        ),
        dict(
            department=department("健康福祉部", "こども家庭課"),
            kind=Theme.Kind.CALL,
            title="子ども食堂と学校の連携（準備中）",
            background="子ども食堂と学校が情報を共有する仕組みがありません。",
            wanted="準備中です。",
            fields=[13],
            forms=["cooperation"],
            opens_on=today + datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=90),
            budget_note="",
            status=Theme.Status.DRAFT,
            criteria=False,
        ),
    ]
    themes = {}
    for spec in specs:
        theme, created = Theme.objects.get_or_create(
            title=spec["title"],
            department=spec["department"],
            defaults={
                "kind": spec["kind"],
                "background": spec["background"],
                "wanted": spec["wanted"],
                "offered_forms": spec["forms"],
                "opens_on": spec["opens_on"],
                "closes_on": spec["closes_on"],
                "budget_note": spec["budget_note"],
                "status": spec["status"],
                "created_by": staff.get(spec["department"].pk),
            },
        )
        if created:
            theme.activity_fields.set([fields[n] for n in spec["fields"]])
            if spec["criteria"]:
                for order, (name, description, weight) in enumerate(CRITERIA):
                    ReviewCriterion.objects.create(
                        theme=theme,
                        name=name,
                        description=description,
                        weight=weight,
                        order=order,
                    )
        themes[spec["title"]] = theme
    return themes


def seed_department_criteria(*departments):
    for unit in departments:
        if ReviewCriterion.objects.filter(department=unit).exists():
            continue
        for order, (name, description, weight) in enumerate(CRITERIA):
            ReviewCriterion.objects.create(
                department=unit, name=name, description=description, weight=weight, order=order
            )


def make_proposal(*, cso, author, title, theme=None, to=None, fields, steps, pre_consultation=None):
    """Create a proposal once with its history: ``steps`` are (status, by, comment, days_ago)."""
    if Proposal.objects.filter(cso=cso, title=title).exists():
        return None
    first_day = steps[0][3] if steps else 5
    final = steps[-1][0] if steps else S.DRAFT
    submitted = [s for s in steps if s[0] == S.SUBMITTED]
    agreed = [s for s in steps if s[0] == S.AGREED]
    proposal = Proposal.objects.create(
        cso=cso,
        theme=theme,
        department=theme.department if theme else to,
        title=title,
        status=final,
        created_by=author,
        submitted_at=_at(submitted[-1][3]) if submitted else None,
        agreed_at=_at(agreed[-1][3]) if agreed else None,
        pre_consultation_opened_at=_at(pre_consultation) if pre_consultation else None,
        **fields,
    )
    ProposalTransition.objects.create(
        proposal=proposal, from_status="", to_status=S.DRAFT, by=author, at=_at(first_day + 3)
    )
    previous = S.DRAFT
    for status, by, comment, days_ago in steps:
        ProposalTransition.objects.create(
            proposal=proposal,
            from_status=previous,
            to_status=status,
            by=by,
            by_prefecture=by.is_staff,
            comment=comment,
            at=_at(days_ago),
        )
        previous = status
    return proposal


def add_entries(proposal, entries):
    for kind, text, visibility, author, days_ago in entries:
        ConsultationEntry.objects.create(
            proposal=proposal,
            kind=kind,
            text=text,
            visibility=visibility,
            author=author,
            by_prefecture=author.is_staff,
            occurred_on=_at(days_ago).date(),
        )


def add_scores(proposal, reviewers):
    """``reviewers``: (user, assigned_by, values or None when still scoring)."""
    criteria = list(proposal.review_criteria())
    for reviewer, assigned_by, values in reviewers:
        assignment = ReviewAssignment.objects.create(
            proposal=proposal,
            reviewer=reviewer,
            assigned_by=assigned_by,
            completed_at=_at(2) if values else None,
        )
        for criterion, (value, comment) in zip(criteria, values or [], strict=False):
            ReviewScore.objects.create(
                assignment=assignment, criterion=criterion, value=value, comment=comment
            )


def proposal_fields(*sources, **overrides):
    fields = {
        "purpose": "",
        "shared_goal": "",
        "content": "",
        "expected_effect": "",
        "zone": "C",
        "form": "cooperation",
        "project_type": "flexible",
        "starts_on": None,
        "ends_on": None,
        "budget_estimate": None,
        "budget_note": "",
        "cso_role": "",
        "prefecture_role": "",
    }
    for source in sources:
        fields.update(source)
    fields.update(overrides)
    return fields


def demo_actors():
    """The people and CSOs of the proposals and agreements demo (seeded by the registry's and
    the core's demo): two 推進員, 県民協働課, a CSO member with their CSO, and two other CSOs'
    管理者 memberships (None where the registry demo has no such CSO)."""
    member = User.objects.get(email="cso@example.jp")
    cso_a = Membership.objects.get(user=member, role=Membership.Role.ADMIN).cso
    other_admins = (
        Membership.objects.filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
        .exclude(cso=cso_a)
        .select_related("cso", "user")
        .order_by("cso__id")
    )
    return {
        "promoter": User.objects.get(email="suishin@example.jp"),
        "promoter2": User.objects.get(email="suishin2@example.jp"),
        "coordinator": User.objects.get(email="kyodo@example.jp"),
        "member": member,
        "cso_a": cso_a,
        "cso_b": next((m for m in other_admins if m.cso.name == "唐津まちづくり市民の会"), None),
        "cso_c": next((m for m in other_admins if m.cso.name == "鳥栖市本町一丁目自治会"), None),
    }


def seed():
    """Themes and proposals in every state; the agreements demo (proposals/agreements/demo.py)
    runs next and builds on them."""
    today = timezone.localdate()
    actors = demo_actors()
    promoter, promoter2 = actors["promoter"], actors["promoter2"]
    coordinator, member = actors["coordinator"], actors["member"]
    cso_a, cso_b, cso_c = actors["cso_a"], actors["cso_b"], actors["cso_c"]
    staff = {
        promoter.department_id: promoter,
        promoter2.department_id: promoter2,
    }
    themes = seed_themes(today, staff)
    welfare = department("健康福祉部", "障害福祉課")
    town = department("県土整備部", "まちづくり課")
    seed_department_criteria(welfare, town)

    employment = themes["障害のある人の地域での就労体験の場づくり"]
    sports = themes["障害者スポーツ大会の運営の見直し"]
    vacant = themes["空き家を活かした地域の居場所づくり"]
    disaster = themes["外国人住民のための防災情報の多言語化"]
    tidal = themes["有明海の干潟観察会の運営"]
    next_year = today.year + 1

    base = {
        "purpose": "障害のある若者が、地域で働く経験を積めるようにします。",
        "shared_goal": "障害のある人が地域の事業所で働くことが当たり前になる姿を、県と共有します。",
        "content": "事業所の見学会を年 4 回、2 週間の就労体験を年 20 人分、地域の事業所と調整して行います。",
        "expected_effect": "体験者の 3 割が継続雇用や就労継続支援につながること。受け入れ事業所の増加。",
        "project_type": "expertise",
        "starts_on": datetime.date(next_year, 4, 1),
        "ends_on": datetime.date(next_year + 1, 3, 31),
        "cso_role": "参加者の募集、事前の面談、体験中の付き添いと振り返り。",
        "prefecture_role": "事業所への呼びかけ、特別支援学校との調整、広報。",
    }

    # 下書き (not yet seen by the department)
    make_proposal(
        cso=cso_a,
        author=member,
        title="食堂ボランティアからはじめる就労体験（下書き）",
        theme=employment,
        fields=proposal_fields(base, zone="D", form="consignment"),
        steps=[],
    )
    # 下書き with 事前相談
    draft = make_proposal(
        cso=cso_a,
        author=member,
        title="障害のある子どもの放課後の居場所づくり",
        to=welfare,
        fields=proposal_fields(
            {**base, "purpose": "障害のある子どもが放課後を地域で過ごせる場所を増やします。"},
            zone="B",
            form="subsidy",
            budget_estimate=1_200_000,
        ),
        steps=[],
        pre_consultation=6,
    )
    if draft:
        add_entries(
            draft,
            [
                (
                    MESSAGE,
                    "提出の前に相談です。補助の形態を考えていますが、事業協力のほうが合うでしょうか。",
                    SHARED,
                    member,
                    6,
                ),
                (
                    MESSAGE,
                    "ご相談ありがとうございます。団体が主体で県が支える形なら、領域 B の補助か事業協力が合います。"
                    "費用の内訳があると判断しやすくなります。",
                    SHARED,
                    promoter,
                    5,
                ),
                (
                    MESSAGE,
                    "来年度予算の枠は未定。補助の可否は財政課と要調整。",
                    INTERNAL,
                    promoter,
                    5,
                ),
            ],
        )
    # 提出済, with one reviewer done and one still scoring
    submitted = make_proposal(
        cso=cso_a,
        author=member,
        title="地域の事業所と進める就労体験プログラム",
        theme=employment,
        fields=proposal_fields(base, zone="D", form="consignment", budget_estimate=2_400_000),
        steps=[(S.SUBMITTED, member, "", 4)],
    )
    if submitted:
        add_scores(
            submitted,
            [
                (
                    promoter,
                    promoter,
                    [(4, "当事者の声が届く"), (4, ""), (3, "人員体制を確認"), (5, ""), (3, "")],
                ),
                (coordinator, promoter, None),
            ],
        )
    # 協議中, a 既存事業の見直し with shared and internal entries and two reviewers done
    consulting = make_proposal(
        cso=cso_a,
        author=member,
        title="みんなで支える障害者スポーツ大会",
        theme=sports,
        fields=proposal_fields(
            {
                **base,
                "purpose": "大会を、障害のある人もない人も一緒に楽しめる地域の行事にします。",
                "content": "ボランティア 100 人の募集と研修、観戦ツアー、体験ブースの運営。",
            },
            zone="C",
            form="co_hosting",
            project_type="participation",
        ),
        steps=[
            (S.SUBMITTED, member, "", 25),
            (S.IN_CONSULTATION, promoter, "内容を詳しく伺うため、協議を始めます。", 20),
        ],
    )
    if consulting:
        add_entries(
            consulting,
            [
                (
                    MEETING,
                    "県庁で面談。ボランティア研修の回数と会場について話し合いました。",
                    SHARED,
                    promoter,
                    18,
                ),
                (
                    MESSAGE,
                    "研修は 3 回で計画します。会場は県の施設をお借りできますか。",
                    SHARED,
                    member,
                    15,
                ),
                (DOCUMENT, "昨年度の大会の運営マニュアルをお送りします。", SHARED, promoter, 12),
                (
                    MESSAGE,
                    "競技団体との役割の重なりに注意。次回、競技団体にも同席を依頼する。",
                    INTERNAL,
                    promoter,
                    12,
                ),
            ],
        )
        document = consulting.consultations.get(kind=DOCUMENT)
        attachment = Attachment(
            proposal=consulting,
            entry=document,
            original_name="大会運営マニュアル（抜粋）.pdf",
            size=len(DEMO_PDF),
            uploaded_by=promoter,
        )
        attachment.file.save("manual.pdf", ContentFile(DEMO_PDF), save=False)
        attachment.save()
        add_scores(
            consulting,
            [
                (
                    promoter,
                    promoter,
                    [(5, ""), (4, "競技団体との連携が鍵"), (4, ""), (4, ""), (4, "")],
                ),
                (
                    coordinator,
                    promoter,
                    [(4, ""), (5, "見直しの趣旨に合う"), (3, ""), (4, ""), (3, "")],
                ),
            ],
        )
    # 合意
    agreed = make_proposal(
        cso=cso_a,
        author=member,
        title="子ども食堂での障害のある若者の就労体験",
        to=welfare,
        fields=proposal_fields(base, zone="D", form="consignment", budget_estimate=1_800_000),
        steps=[
            (S.SUBMITTED, member, "", 80),
            (S.IN_CONSULTATION, promoter, "", 75),
            (S.AGREED, promoter, "役割分担を確認し、合意しました。協定書の準備に進みます。", 30),
        ],
    )
    if agreed:
        add_entries(
            agreed,
            [
                (MEETING, "役割分担の案を双方で確認しました。", SHARED, promoter, 40),
                (MESSAGE, "協定書の案をお待ちしています。", SHARED, member, 28),
            ],
        )
    # 差戻し
    make_proposal(
        cso=cso_a,
        author=member,
        title="週末の就労体験キャンプ",
        theme=employment,
        fields=proposal_fields(base, zone="C", form="cooperation"),
        steps=[
            (S.SUBMITTED, member, "", 15),
            (
                S.RETURNED,
                promoter,
                "安全管理の体制と、宿泊を伴う場合の費用の負担を書き加えてください。",
                10,
            ),
        ],
    )
    # 不採択 (on a theme whose period has ended)
    make_proposal(
        cso=cso_a,
        author=member,
        title="子ども食堂での多言語の防災教室",
        theme=disaster,
        fields=proposal_fields(
            {**base, "purpose": "外国人の親子が防災を学べるようにします。"},
            zone="C",
            form="cooperation",
            project_type="local",
        ),
        steps=[
            (S.SUBMITTED, member, "", 100),
            (
                S.REJECTED,
                coordinator,
                "今回は、県内全域で訓練を行える提案を採択しました。内容は他の事業で参考にさせてください。",
                85,
            ),
        ],
    )
    # 取下げ
    make_proposal(
        cso=cso_a,
        author=member,
        title="空き店舗での親子食堂",
        to=town,
        fields=proposal_fields(base, zone="B", form="sponsorship", project_type="ownership"),
        steps=[
            (S.SUBMITTED, member, "", 50),
            (S.WITHDRAWN, member, "会場の確保が難しくなったため、取り下げます。", 45),
        ],
    )

    if cso_b is not None:
        author = cso_b.user
        home = make_proposal(
            cso=cso_b.cso,
            author=author,
            title="城下町の空き家を活かした多世代の居場所",
            theme=vacant,
            fields=proposal_fields(
                purpose="空き家を改修せずに活かし、高齢者と子育て世代が集まれる場所をつくります。",
                shared_goal="中心市街地に、歩いて行ける居場所を増やすことを県と共有します。",
                content="週 3 日の開所、月 1 回の地域食堂、空き家所有者との相談会。",
                expected_effect="利用者月 300 人、空き家所有者の相談 20 件。",
                zone="B",
                form="subsidy",
                project_type="ownership",
                budget_estimate=900_000,
                cso_role="居場所の運営、所有者との交渉。",
                prefecture_role="市との調整、空き家所有者への周知。",
            ),
            steps=[
                (S.SUBMITTED, author, "", 14),
                (S.IN_CONSULTATION, promoter2, "", 9),
            ],
        )
        if home:
            add_entries(
                home,
                [
                    (MEETING, "現地を一緒に見ました。耐震の確認が必要です。", SHARED, promoter2, 7),
                    (MESSAGE, "建築士の確認を受けて、報告します。", SHARED, author, 5),
                    (MESSAGE, "市の空き家バンクとの連携を打診予定。", INTERNAL, promoter2, 5),
                ],
            )
        make_proposal(
            cso=cso_b.cso,
            author=author,
            title="商店街の歩行者天国の共催",
            to=town,
            fields=proposal_fields(
                purpose="月 1 回の歩行者天国で商店街ににぎわいを取り戻します。",
                shared_goal="商店街を、住民が主役の場所にすることを県と共有します。",
                content="出店の調整、交通規制の申請、当日の運営。",
                expected_effect="来訪者 1 日 2,000 人。",
                zone="C",
                form="co_hosting",
                project_type="ownership",
                cso_role="出店者の募集と当日の運営。",
                prefecture_role="交通規制の調整と広報。",
            ),
            steps=[(S.SUBMITTED, author, "", 3)],
        )
    if cso_c is not None:
        make_proposal(
            cso=cso_c.cso,
            author=cso_c.user,
            title="干潟観察会の運営（地域の見守りと安全管理）",
            theme=tidal,
            fields=proposal_fields(
                purpose="干潟観察会を地域の行事として続けます。",
                shared_goal="有明海の干潟を次の世代に引き継ぐことを県と共有します。",
                content="観察会の受付・安全管理・駐車場の誘導。",
                expected_effect="参加者の安全の確保と、地域の参加。",
                zone="D",
                form="cooperation",
                project_type="local",
                cso_role="当日の運営と安全管理。",
                prefecture_role="講師の手配と広報。",
            ),
            steps=[
                (S.SUBMITTED, cso_c.user, "", 360),
                (S.IN_CONSULTATION, coordinator, "", 350),
                (S.AGREED, coordinator, "役割分担に合意しました。", 330),
            ],
        )

    return []
