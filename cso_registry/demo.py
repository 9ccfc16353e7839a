"""Demo CSOs of several kinds across Saga, and a CSO member who manages one of them."""

import datetime

from cso_registry.models import CSO, ActivityField, Membership, Municipality
from kyodo_portal.demo import demo_user
from kyodo_portal.roles import Role

# name, furigana, kind, municipality, status, activity field numbers, areas, description
CSOS = [
    (
        "NPO法人さがの子ども食堂ネットワーク",
        "サガノコドモショクドウネットワーク",
        CSO.Kind.NPO_CORPORATION,
        "佐賀市",
        CSO.Status.PUBLISHED,
        [1, 13],
        ["佐賀市", "小城市", "神埼市"],
        "県内の子ども食堂をつなぎ、食材の共同調達とボランティアの研修を行っています。",
    ),
    (
        "唐津まちづくり市民の会",
        "カラツマチヅクリシミンノカイ",
        CSO.Kind.CIVIC_GROUP,
        "唐津市",
        CSO.Status.PUBLISHED,
        [3, 4],
        ["唐津市", "玄海町"],
        "城下町の空き家を活かした交流拠点づくりと、商店街のにぎわいづくりに取り組んでいます。",
    ),
    (
        "鳥栖市本町一丁目自治会",
        "トスシホンマチイッチョウメジチカイ",
        CSO.Kind.NEIGHBOURHOOD_ASSOCIATION,
        "鳥栖市",
        CSO.Status.PUBLISHED,
        [9, 3],
        ["鳥栖市"],
        "子どもの登下校の見守りと、年二回の防災訓練を住民みんなで行っています。",
    ),
    (
        "嬉野市婦人会",
        "ウレシノシフジンカイ",
        CSO.Kind.WOMENS_ASSOCIATION,
        "嬉野市",
        CSO.Status.PUBLISHED,
        [12, 1],
        ["嬉野市"],
        "高齢者への配食ボランティアと、地域の伝統料理の継承に取り組んでいます。",
    ),
    (
        "有明海の干潟を守る会",
        "アリアケカイノヒガタヲマモルカイ",
        CSO.Kind.VOLUNTEER_GROUP,
        "鹿島市",
        CSO.Status.PENDING,
        [7],
        ["鹿島市", "太良町"],
        "干潟の清掃と生き物観察会を通じて、有明海の環境を次の世代に引き継ぎます。",
    ),
    (
        "武雄市老人クラブ連合会",
        "タケオシロウジンクラブレンゴウカイ",
        CSO.Kind.SENIORS_CLUB,
        "武雄市",
        CSO.Status.HIDDEN,
        [1, 6],
        ["武雄市"],
        "健康づくりの体操教室と、小学校での昔遊びの伝承を行っています。",
    ),
]


def seed():
    fields = {field.number: field for field in ActivityField.objects.all()}
    municipalities = {m.name: m for m in Municipality.objects.all()}
    csos = []
    for name, furigana, kind, town, status, field_numbers, areas, description in CSOS:
        cso, created = CSO.objects.get_or_create(
            name=name,
            municipality=municipalities[town],
            defaults={
                "furigana": furigana,
                "kind": kind,
                "status": status,
                "description": description,
                "verified_on": (
                    datetime.date(2026, 4, 1) if status == CSO.Status.PUBLISHED else None
                ),
            },
        )
        if created:
            cso.activity_fields.set([fields[number] for number in field_numbers])
            cso.areas.set([municipalities[area] for area in areas])
        csos.append(cso)

    member = demo_user("cso@example.jp", full_name="神埼 由美", role=Role.CSO_MEMBER)
    Membership.objects.get_or_create(
        user=member,
        cso=csos[0],
        defaults={"role": Membership.Role.ADMIN, "status": Membership.Status.ACTIVE},
    )
    return [(Role.CSO_MEMBER, "cso@example.jp")]
