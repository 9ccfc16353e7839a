"""Demo advisors and one advisor request in each state, from the demo NPO法人."""

import datetime

from django.utils import timezone

from advisors.models import Advisor, AdvisorRequest, AdvisorRequestTransition, Topic
from cso_registry.models import CSO, Membership
from kyodo_portal.models import User

ADVISORS = [
    (
        "武雄 修",
        "社会保険労務士",
        Topic.LABOUR,
        "武雄労務管理事務所",
        "就業規則、社会保険・労働保険の手続き",
    ),
    (
        "鹿島 恵子",
        "税理士",
        Topic.ACCOUNTING,
        "かしま会計事務所",
        "NPO法人会計基準、決算書、消費税",
    ),
    ("神埼 浩二", "中小企業診断士", Topic.OTHER, "", "事業計画、資金調達、組織づくり"),
]

Status = AdvisorRequest.Status

# status, topic, details, days of the first preferred date from today, advisor index, visit offset (days)
REQUESTS = [
    (
        Status.SUBMITTED,
        Topic.ACCOUNTING,
        "来年度から NPO法人会計基準に沿った決算書に切り替えたいので、科目の整理のしかたを教えてください。",
        20,
        None,
        None,
    ),
    (
        Status.SCHEDULED,
        Topic.LABOUR,
        "調理スタッフを初めてパートで雇います。雇用契約書と就業規則、社会保険の手続きを相談したいです。",
        8,
        0,
        9,
    ),
    (
        Status.COMPLETED,
        Topic.ACCOUNTING,
        "寄付金と補助金の会計処理の違いと、活動計算書への書き方を知りたいです。",
        -40,
        1,
        -35,
    ),
    (
        Status.DECLINED,
        Topic.OTHER,
        "子ども食堂の新しい拠点の建物の改修費用について、設計の相談をしたいです。",
        -20,
        None,
        None,
    ),
    (
        Status.WITHDRAWN,
        Topic.OTHER,
        "ボランティアの保険の選び方を相談したいです。",
        -10,
        None,
        None,
    ),
]


def _visit(today, days):
    return timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(14, 0))
    )


def seed():
    advisors = []
    for name, qualification, topic, organisation, expertise in ADVISORS:
        advisor, _ = Advisor.objects.get_or_create(
            name=name,
            defaults={
                "qualification": qualification,
                "main_topic": topic,
                "organisation": organisation,
                "expertise": expertise,
            },
        )
        advisors.append(advisor)

    membership = (
        Membership.objects.filter(
            user__email="cso@example.jp",
            role=Membership.Role.ADMIN,
            status=Membership.Status.ACTIVE,
            cso__kind=CSO.Kind.NPO_CORPORATION,
        )
        .select_related("cso", "user")
        .first()
    )
    coordinator = User.objects.filter(email="kyodo@example.jp").first()
    if membership is None or coordinator is None:
        return []
    cso, requester = membership.cso, membership.user
    today = timezone.localdate()
    for status, topic, details, first_day, advisor_index, visit_days in REQUESTS:
        if AdvisorRequest.objects.filter(cso=cso, details=details).exists():
            continue
        advisor = advisors[advisor_index] if advisor_index is not None else None
        visit_at = _visit(today, visit_days) if visit_days is not None else None
        advisor_request = AdvisorRequest.objects.create(
            cso=cso,
            requested_by=requester,
            topic=topic,
            details=details,
            preferred_date_1=today + datetime.timedelta(days=first_day),
            preferred_date_2=today + datetime.timedelta(days=first_day + 3),
            preferred_time="平日の午後",
            place="団体の事務所（佐賀市）",
            status=status,
            advisor=advisor,
            visit_at=visit_at,
            visit_place="団体の事務所（佐賀市）" if advisor else "",
            message_to_cso="当日は直近の決算書と会計帳簿をご用意ください。" if advisor else "",
            decline_reason=(
                "建物の設計は専門アドバイザー派遣の対象外です。県の建築相談窓口をご案内します。"
                if status == Status.DECLINED
                else ""
            ),
            report=(
                "寄付金・補助金の区分と、活動計算書での表示を説明しました。"
                "次年度の予算書から新しい科目で作ることになりました。"
                if status == Status.COMPLETED
                else ""
            ),
        )
        steps = [("", Status.SUBMITTED, requester, "")]
        if status in (Status.SCHEDULED, Status.COMPLETED):
            steps.append(
                (Status.SUBMITTED, Status.SCHEDULED, coordinator, advisor_request.message_to_cso)
            )
        if status == Status.COMPLETED:
            steps.append((Status.SCHEDULED, Status.COMPLETED, coordinator, ""))
        if status == Status.DECLINED:
            steps.append(
                (Status.SUBMITTED, Status.DECLINED, coordinator, advisor_request.decline_reason)
            )
        if status == Status.WITHDRAWN:
            steps.append(
                (Status.SUBMITTED, Status.WITHDRAWN, requester, "団体の中で解決しました。")
            )
        for from_status, to_status, by, comment in steps:
            AdvisorRequestTransition.objects.create(
                request=advisor_request,
                from_status=from_status,
                to_status=to_status,
                by=by,
                comment=comment,
            )
    return []
