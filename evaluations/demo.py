"""Demo evaluations (振り返り) over several fiscal years: published ones with every continuation
decision (継続 with a follow-up proposal, 見直して継続, 終了), one withdrawn with its reason, one
waiting for the CSO to confirm the prefecture's proposed decision, and an interim one where the
prefecture has submitted and the CSO is still writing (so cso@example.jp sees the hidden part).

Three completed collaborations of past years are laid down here through the proposals app's
models (looked up by proposal title, so a second run changes nothing); the agreements demo's own
completed and running agreements get the rest. States are set directly with their history,
dated in the past, so that no demo email is sent; the follow-up proposal is made by the
service (which sends none).
"""

import datetime

from django.utils import timezone

from cso_registry.models import CSO, Membership
from evaluations import services
from evaluations.models import (
    Decision,
    Evaluation,
    EvaluationPart,
    EvaluationTransition,
    Side,
)
from kyodo_portal.demo import department
from kyodo_portal.models import User
from kyodo_portal.roles import Role
from kyodo_portal.wareki import fiscal_year
from proposals.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    AgreementVersion,
    Proposal,
    ProposalTransition,
    RoleAssignment,
)

A = Evaluation.Status
T = EvaluationTransition.Action


def _moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


PAST = [
    {
        "title": "障害のある人の余暇活動サークル運営",
        "cso": "a",
        "department": ("健康福祉部", "障害福祉課"),
        "form": "cooperation",
        "zone": "C",
        "project_type": "local",
        "concluded": datetime.date(2022, 5, 20),
        "completed": datetime.date(2023, 3, 10),
        "purpose": "障害のある人が週末に地域で過ごせる場を増やします。",
        "shared_goal": "市内3か所で月2回の余暇サークルを開き、参加者を年間のべ300人にします。",
        "content": "公民館を会場に、音楽・創作・軽運動のサークルを開きます。",
    },
    {
        "title": "まちなか花いっぱい清掃活動",
        "cso": "b",
        "department": ("県土整備部", "まちづくり課"),
        "form": "co_hosting",
        "zone": "C",
        "project_type": "local",
        "concluded": datetime.date(2023, 4, 25),
        "completed": datetime.date(2024, 2, 28),
        "purpose": "中心市街地の空き店舗前を、住民の手できれいにします。",
        "shared_goal": "商店街の清掃参加者を年間200人にし、花壇を10か所つくります。",
        "content": "月1回の清掃と、季節ごとの花の植え替えを共催で行います。",
    },
    {
        "title": "自治会の防災備蓄の見直し支援",
        "cso": "c",
        "department": ("健康福祉部", "障害福祉課"),
        "form": "subsidy",
        "zone": "B",
        "project_type": "flexible",
        "concluded": datetime.date(2023, 6, 1),
        "completed": datetime.date(2024, 3, 20),
        "purpose": "要配慮者のいる世帯に合わせて、自治会の備蓄を見直します。",
        "shared_goal": "要配慮者名簿と備蓄品の対応表を作り、年1回の点検を定着させます。",
        "content": "備蓄品の棚卸しと、要配慮者の聞き取りを行います。",
    },
    {
        "title": "外国人住民のための防災ことば講座",
        "cso": "a",
        "department": ("健康福祉部", "障害福祉課"),
        "form": "cooperation",
        "zone": "C",
        "project_type": "flexible",
        "concluded": datetime.date(2024, 5, 15),
        "completed": datetime.date(2025, 3, 5),
        "purpose": "災害時のやさしい日本語を、外国人住民と支援者が一緒に学びます。",
        "shared_goal": "講座を6回開き、修了者60人のうち20人を地域の通訳ボランティアにします。",
        "content": "やさしい日本語の講座と、避難所運営の模擬訓練を行います。",
    },
]

PARTS = {
    "good": {
        "outcomes": "目標の数値をおおむね達成しました。参加者の声から次の課題も見えました。",
        "equality_comment": "打合せの議題を交互に出し、決めごとは両者の合意で進めました。",
        "understanding_comment": "月1回の定例会で、互いの決裁や会計の事情を共有しました。",
        "shared_goal_comment": "目標の数値を協定書に書いたので、途中の確認がしやすかったです。",
        "disclosure_comment": "参加者の個人情報の扱いを最初に取り決め、広報は事前に確認しました。",
        "went_well": "地域の関係団体とのつながりが広がりました。",
        "problems": "年度途中の担当者の異動で、引継ぎに時間がかかりました。",
        "lessons": "引継ぎ用の記録を最初から共有フォルダーに残します。",
    },
    "mixed": {
        "outcomes": "参加者は目標に届きませんでしたが、協力してくれる店舗が増えました。",
        "equality_comment": "県の都合で日程が決まることがあり、団体の負担が大きい場面がありました。",
        "understanding_comment": "役割の分担は理解し合えましたが、費用の負担では認識の差がありました。",
        "shared_goal_comment": "目標が数値だけで、活動の質をどう見るかを決めていませんでした。",
        "disclosure_comment": "活動報告の公開は予定どおりでした。",
        "went_well": "商店街の若い世代が運営に加わりました。",
        "problems": "共催の費用分担の取り決めがあいまいでした。",
        "lessons": "費用と責任の分担は、協定書に具体的な例で書きます。",
    },
}
# What the prefecture writes differently from the CSO, on the same items.
PREFECTURE_TEXTS = {
    "good": {
        "outcomes": "協定書の目標に届きました。県の施策だけでは届かない人に参加してもらえました。",
        "went_well": "団体の呼びかけで、行政が接点を持てなかった人たちが参加しました。",
        "problems": "県の予算の時期と団体の活動計画がずれ、準備期間が短くなりました。",
        "lessons": "翌年度の計画は前年の秋から一緒に話し合い始めます。",
    },
    "mixed": {
        "outcomes": "花壇は予定どおりつくれましたが、清掃の参加者は目標の6割でした。",
        "went_well": "商店街と団体、県の三者で話す場ができました。",
        "problems": "県の内部手続きに時間がかかり、団体を待たせました。",
        "lessons": "決裁に要る日数を最初に団体へ伝え、日程を一緒に組みます。",
    },
}
RATINGS = {
    # (CSO side, prefecture side): ratings of the four principles in order
    "good": ((5, 4, 5, 4), (4, 4, 5, 5)),
    "mixed": ((2, 3, 3, 4), (3, 3, 2, 4)),
    "fair": ((4, 3, 4, 3), (4, 4, 3, 3)),
}
PRINCIPLE_KEYS = ("equality", "understanding", "shared_goal", "disclosure")


def _past_agreement(spec, cso, author, staff):
    """A completed collaboration of a past year with its agreed proposal and concluded 協定書."""
    proposal = Proposal.objects.filter(cso=cso, title=spec["title"]).first()
    if proposal is None:
        agreed_at = _moment(spec["concluded"] - datetime.timedelta(days=20))
        proposal = Proposal.objects.create(
            cso=cso,
            department=department(*spec["department"]),
            title=spec["title"],
            purpose=spec["purpose"],
            shared_goal=spec["shared_goal"],
            content=spec["content"],
            expected_effect="地域の担い手が増え、県の施策にも住民の声が届きます。",
            zone=spec["zone"],
            form=spec["form"],
            project_type=spec["project_type"],
            cso_role="参加者の募集と当日の運営。",
            prefecture_role="市町との調整と広報。",
            status=Proposal.Status.AGREED,
            fiscal_year=fiscal_year(spec["concluded"]),
            submitted_at=agreed_at - datetime.timedelta(days=30),
            agreed_at=agreed_at,
            created_by=author,
        )
        ProposalTransition.objects.create(
            proposal=proposal,
            from_status="",
            to_status=Proposal.Status.DRAFT,
            by=author,
            at=agreed_at - datetime.timedelta(days=40),
        )
        ProposalTransition.objects.create(
            proposal=proposal,
            from_status=Proposal.Status.DRAFT,
            to_status=Proposal.Status.AGREED,
            by=staff,
            by_prefecture=True,
            comment="協議のうえ合意しました。",
            at=agreed_at,
        )
    agreement = Agreement.objects.filter(proposal=proposal).first()
    if agreement is not None:
        return agreement
    agreement = Agreement.objects.create(
        proposal=proposal,
        department=proposal.department,
        status=Agreement.Status.COMPLETED,
        concluded_on=spec["concluded"],
        fiscal_year=fiscal_year(spec["concluded"]),
        started_on=spec["concluded"],
        completed_on=spec["completed"],
        created_by=staff,
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        status=AgreementVersion.Status.CONCLUDED,
        zone=proposal.zone,
        form=proposal.form,
        title=proposal.title,
        purpose=proposal.purpose,
        shared_goal=proposal.shared_goal,
        starts_on=spec["concluded"],
        ends_on=spec["completed"],
        concluded_on=spec["concluded"],
        concluded_by=staff,
        prefecture_contact_name=staff.full_name,
        prefecture_contact_title="県民協働推進員",
        # Form items the 協定書 of each form must carry.
        subsidy_amount=300000 if proposal.form == "subsidy" else None,
        reporting_duty="事業終了後30日以内に実績報告書を出します。"
        if proposal.form == "subsidy"
        else "",
        shared_costs="会場費は県、消耗品は団体が負担します。"
        if proposal.form == "co_hosting"
        else "",
        shared_responsibilities="当日の事故対応は両者で行い、保険は団体が加入します。"
        if proposal.form == "co_hosting"
        else "",
        created_by=staff,
    )
    version.activity_fields.set(cso.activity_fields.all()[:2])
    admin = cso.admins().order_by("pk").first()
    AgreementParty.objects.create(
        version=version,
        cso=cso,
        is_lead=True,
        contact_name=admin.full_name if admin else "担当者",
        confirmed_at=_moment(spec["concluded"] - datetime.timedelta(days=3)),
        confirmed_by=admin,
    )
    RoleAssignment.objects.create(
        version=version, order=1, task="参加者の募集と運営", carried_by="cso"
    )
    RoleAssignment.objects.create(
        version=version, order=2, task="会場の確保と広報", carried_by="prefecture"
    )
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])
    for action, from_status, to_status, day in (
        (AgreementTransition.Action.CONCLUDED, "confirmed", "concluded", spec["concluded"]),
        (AgreementTransition.Action.COMPLETED, "in_progress", "completed", spec["completed"]),
    ):
        AgreementTransition.objects.create(
            agreement=agreement,
            version=version,
            action=action,
            from_status=from_status,
            to_status=to_status,
            by=staff,
            by_prefecture=True,
            at=_moment(day),
        )
    return agreement


def _staff_for(agreement, coordinator):
    return _staff_for_department(agreement.department, coordinator)


def _member_for(agreement):
    party = agreement.current_version.parties.order_by("-is_lead", "pk").first()
    membership = (
        Membership.objects.filter(cso=party.cso, status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


def _write(part, tone, side_index, *, submitted_at=None, by=None, partial=False):
    key = "good" if tone == "good" else "mixed"
    texts = dict(PARTS[key])
    if side_index == 1:
        texts.update(PREFECTURE_TEXTS[key])
    ratings = RATINGS[tone][side_index]
    for name, value in texts.items():
        setattr(part, name, value)
    for key, value in zip(PRINCIPLE_KEYS, ratings, strict=True):
        setattr(part, f"{key}_rating", value)
    if partial:
        part.went_well = part.problems = part.lessons = ""
        part.disclosure_rating = None
    part.submitted_at = submitted_at
    part.submitted_by = by if submitted_at else None
    part.save()


def _evaluation(agreement, *, kind, year, cso_user, staff, tone, steps, state):
    """Create the evaluation once. ``state`` holds: cso/prefecture ("submitted", "draft",
    "empty"), decision, proposed_by, agreed, status, published_on, changes."""
    existing = Evaluation.objects.filter(agreement=agreement, kind=kind, fiscal_year=year).first()
    if existing is not None:
        return existing
    day = steps[0]
    evaluation = Evaluation.objects.create(
        agreement=agreement,
        kind=kind,
        fiscal_year=year,
        created_by=staff,
        status=state.get("status", A.DRAFT),
        published_at=_moment(state["published_on"]) if state.get("published_on") else None,
        decision=state.get("decision", ""),
        decision_proposed_by_side=state.get("proposed_by", ""),
        decision_proposed_by=(staff if state.get("proposed_by") == Side.PREFECTURE else cso_user)
        if state.get("decision")
        else None,
        decision_proposed_at=_moment(steps[2]) if state.get("decision") else None,
        decision_confirmed_by=(cso_user if state.get("proposed_by") == Side.PREFECTURE else staff)
        if state.get("agreed")
        else None,
        decision_confirmed_at=_moment(steps[2], 15) if state.get("agreed") else None,
        **state.get("changes", {}),
    )
    log = [(T.CREATED, Side.PREFECTURE, staff, "", "draft", "", day)]
    for side, user, index in ((Side.CSO, cso_user, 0), (Side.PREFECTURE, staff, 1)):
        part = EvaluationPart.objects.create(evaluation=evaluation, side=side)
        how = state[side]
        if how == "submitted":
            _write(part, tone, index, submitted_at=_moment(steps[1]), by=user)
            log.append((T.PART_SUBMITTED, side, user, "", "", "", steps[1]))
        elif how == "draft":
            _write(part, tone, index, partial=True)
    if state.get("decision"):
        proposer = state["proposed_by"]
        label = evaluation.get_decision_display()
        log.append(
            (
                T.DECISION_PROPOSED,
                proposer,
                staff if proposer == Side.PREFECTURE else cso_user,
                label,
                "",
                "",
                steps[2],
            )
        )
        if state.get("agreed"):
            other = Side.CSO if proposer == Side.PREFECTURE else Side.PREFECTURE
            log.append(
                (
                    T.DECISION_CONFIRMED,
                    other,
                    cso_user if other == Side.CSO else staff,
                    label,
                    "",
                    "",
                    steps[2],
                )
            )
    for entry in state.get("publication", []):
        log.append(entry)
    for action, side, by, comment, to_status, from_status, when in log:
        EvaluationTransition.objects.create(
            evaluation=evaluation,
            action=action,
            side=side,
            by=by,
            comment=comment,
            from_status=from_status,
            to_status=to_status,
            at=_moment(when),
        )
    return evaluation


def seed():
    coordinator = User.objects.filter(email="kyodo@example.jp").first()
    member = User.objects.filter(email="cso@example.jp").first()
    if coordinator is None or member is None:
        return []
    cso_a = Membership.objects.get(user=member, role=Membership.Role.ADMIN).cso
    csos = {
        "a": cso_a,
        "b": CSO.objects.filter(name="唐津まちづくり市民の会").first() or cso_a,
        "c": CSO.objects.filter(name="鳥栖市本町一丁目自治会").first() or cso_a,
    }
    past = []
    for spec in PAST:
        cso = csos[spec["cso"]]
        author = cso.admins().order_by("pk").first() or member
        staff = _staff_for_department(department(*spec["department"]), coordinator)
        past.append(_past_agreement(spec, cso, author, staff))

    def published(on, *extra):
        return [(T.PUBLISHED, Side.PREFECTURE, coordinator, "", "published", "draft", on), *extra]

    plans = [
        # 令和4年度: 継続, published; the CSO then started the follow-up proposal.
        (
            past[0],
            "good",
            (datetime.date(2023, 3, 20), datetime.date(2023, 4, 10), datetime.date(2023, 4, 20)),
            {
                "cso": "submitted",
                "prefecture": "submitted",
                "decision": Decision.CONTINUE,
                "proposed_by": Side.CSO,
                "agreed": True,
                "status": A.PUBLISHED,
                "published_on": datetime.date(2023, 5, 1),
                "publication": published(datetime.date(2023, 5, 1)),
            },
        ),
        # 令和5年度: 見直して継続 (partner and form), published.
        (
            past[1],
            "mixed",
            (datetime.date(2024, 3, 5), datetime.date(2024, 3, 25), datetime.date(2024, 4, 8)),
            {
                "cso": "submitted",
                "prefecture": "submitted",
                "decision": Decision.REVISE,
                "proposed_by": Side.PREFECTURE,
                "agreed": True,
                "status": A.PUBLISHED,
                "published_on": datetime.date(2024, 4, 22),
                "publication": published(datetime.date(2024, 4, 22)),
                "changes": {
                    "change_partner": "商店街振興組合にも当事者として加わってもらいます。",
                    "change_form": "費用の分担をはっきりさせるため、共催から事業協力に改めます。",
                },
            },
        ),
        # 令和5年度: 終了, published (the CSO carries it on by itself).
        (
            past[2],
            "fair",
            (datetime.date(2024, 3, 25), datetime.date(2024, 4, 15), datetime.date(2024, 4, 25)),
            {
                "cso": "submitted",
                "prefecture": "submitted",
                "decision": Decision.END,
                "proposed_by": Side.CSO,
                "agreed": True,
                "status": A.PUBLISHED,
                "published_on": datetime.date(2024, 5, 10),
                "publication": published(datetime.date(2024, 5, 10)),
                "changes": {"change_content": "備蓄の点検は自治会が自主的に続けます。"},
            },
        ),
        # 令和6年度: agreed 継続, published then withdrawn with a reason (unpublished now).
        (
            past[3],
            "good",
            (datetime.date(2025, 3, 15), datetime.date(2025, 4, 2), datetime.date(2025, 4, 10)),
            {
                "cso": "submitted",
                "prefecture": "submitted",
                "decision": Decision.CONTINUE,
                "proposed_by": Side.PREFECTURE,
                "agreed": True,
                "status": A.DRAFT,
                "publication": published(
                    datetime.date(2025, 4, 20),
                    (
                        T.WITHDRAWN,
                        Side.PREFECTURE,
                        coordinator,
                        "講座の参加者の顔が分かる写真の掲載許可を確認するため、いったん取り下げます。",
                        "draft",
                        "published",
                        datetime.date(2025, 4, 24),
                    ),
                ),
            },
        ),
    ]
    created = []
    for agreement, tone, steps, state in plans:
        evaluation = _evaluation(
            agreement,
            kind=Evaluation.Kind.FINAL,
            year=fiscal_year(agreement.completed_on),
            cso_user=_member_for(agreement) or member,
            staff=_staff_for(agreement, coordinator),
            tone=tone,
            steps=steps,
            state=state,
        )
        created.append(evaluation)

    # The follow-up proposal of the 継続 of 令和4年度, made by the service (no email).
    first = created[0]
    if first.follow_up_proposal_id is None:
        services.follow_up_create(evaluation=first, by=_member_for(first.agreement) or member)

    today = timezone.localdate()
    # The agreements demo's completed collaboration: both parts in, the prefecture proposed
    # 見直して継続 and waits for the CSO to confirm (unpublished).
    theirs = (
        Agreement.objects.completed()
        .exclude(pk__in=[agreement.pk for agreement in past])
        .order_by("pk")
        .first()
    )
    if theirs is not None and theirs.current_version_id:
        _evaluation(
            theirs,
            kind=Evaluation.Kind.FINAL,
            year=fiscal_year(theirs.completed_on or today),
            cso_user=_member_for(theirs) or member,
            staff=_staff_for(theirs, coordinator),
            tone="fair",
            steps=(
                today - datetime.timedelta(days=30),
                today - datetime.timedelta(days=12),
                today - datetime.timedelta(days=5),
            ),
            state={
                "cso": "submitted",
                "prefecture": "submitted",
                "decision": Decision.REVISE,
                "proposed_by": Side.PREFECTURE,
                "agreed": False,
                "changes": {"change_content": "観察会の回数を減らし、安全講習を加えます。"},
            },
        )
    # A running collaboration of cso@example.jp's CSO: the interim evaluation of this fiscal
    # year, the prefecture submitted, the CSO still writing (it cannot read the other part).
    running = (
        Agreement.objects.in_progress().of_cso(cso_a).order_by("pk").first()
        or Agreement.objects.in_progress().order_by("pk").first()
    )
    if running is not None and running.current_version_id:
        _evaluation(
            running,
            kind=Evaluation.Kind.INTERIM,
            year=fiscal_year(today),
            cso_user=_member_for(running) or member,
            staff=_staff_for(running, coordinator),
            tone="good",
            steps=(today - datetime.timedelta(days=20), today - datetime.timedelta(days=6), today),
            state={"cso": "draft", "prefecture": "submitted"},
        )
    return []


def _staff_for_department(dept, coordinator):
    promoter = (
        User.objects.filter(
            is_active=True, is_staff=True, department=dept, groups__name=Role.PROMOTER
        )
        .order_by("pk")
        .first()
    )
    return promoter or coordinator
