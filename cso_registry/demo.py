"""Demo CSOs of every kind across Saga's municipalities and the NPO Act's fields, in every status,
with members (one join request waiting), survey answers and some change history."""

import datetime

from cso_registry.models import (
    CSO,
    ActivityField,
    CSOHistoryEntry,
    Membership,
    Municipality,
    SurveyAnswer,
)
from cso_registry.normalize import corporate_number_check_digit
from kyodo_portal.demo import demo_user
from kyodo_portal.models import User
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

# More CSOs, same columns, so that the directory has a few dozen across kinds, towns and fields.
CSOS += [
    (
        "NPO法人たくの森づくりの会",
        "タクノモリヅクリノカイ",
        CSO.Kind.NPO_CORPORATION,
        "多久市",
        CSO.Status.PUBLISHED,
        [7, 5],
        ["多久市", "小城市"],
        "放置竹林の整備と、間伐材を使った木工教室を開いています。",
    ),
    (
        "NPO法人伊万里国際交流協会",
        "イマリコクサイコウリュウキョウカイ",
        CSO.Kind.NPO_CORPORATION,
        "伊万里市",
        CSO.Status.PUBLISHED,
        [11, 2],
        ["伊万里市", "有田町"],
        "外国にルーツを持つ住民の日本語学習と、生活相談の通訳ボランティアを行っています。",
    ),
    (
        "NPO法人さが障がい者就労支援ネット",
        "サガショウガイシャシュウロウシエンネット",
        CSO.Kind.NPO_CORPORATION,
        "佐賀市",
        CSO.Status.PUBLISHED,
        [1, 17],
        ["佐賀市", "神埼市", "吉野ヶ里町"],
        "障がいのある人の就労を、企業と福祉事業所をつなぐことで支えています。",
    ),
    (
        "NPO法人鳥栖子育てひろば",
        "トスコソダテヒロバ",
        CSO.Kind.NPO_CORPORATION,
        "鳥栖市",
        CSO.Status.PUBLISHED,
        [13, 1],
        ["鳥栖市", "基山町"],
        "乳幼児と保護者が気軽に集えるひろばの運営と、一時預かりを行っています。",
    ),
    (
        "NPO法人有田焼と暮らす会",
        "アリタヤキトクラスカイ",
        CSO.Kind.NPO_CORPORATION,
        "有田町",
        CSO.Status.PUBLISHED,
        [6, 4],
        ["有田町", "伊万里市"],
        "窯元と協力して、陶磁器の文化を伝える体験講座と町歩きの案内をしています。",
    ),
    (
        "NPO法人さが災害ボランティアネットワーク",
        "サガサイガイボランティアネットワーク",
        CSO.Kind.NPO_CORPORATION,
        "武雄市",
        CSO.Status.PUBLISHED,
        [8, 9],
        ["武雄市", "大町町", "江北町"],
        "豪雨災害の経験をもとに、災害ボランティアセンターの運営支援と防災講座を行っています。",
    ),
    (
        "NPO法人さがIT支援センター",
        "サガアイティーシエンセンター",
        CSO.Kind.NPO_CORPORATION,
        "佐賀市",
        CSO.Status.PENDING,
        [14, 19],
        ["佐賀市"],
        "高齢者と市民活動団体のパソコン・スマートフォン活用を支援しています。",
    ),
    (
        "一般社団法人からつ観光まちづくり",
        "カラツカンコウマチヅクリ",
        CSO.Kind.GENERAL_INCORPORATED,
        "唐津市",
        CSO.Status.PUBLISHED,
        [4, 3, 16],
        ["唐津市"],
        "呼子・唐津の観光資源を生かした体験型観光の企画と、担い手の育成を行っています。",
    ),
    (
        "一般財団法人さが消費生活サポート",
        "サガショウヒセイカツサポート",
        CSO.Kind.GENERAL_INCORPORATED,
        "佐賀市",
        CSO.Status.PUBLISHED,
        [18, 2],
        ["佐賀市", "小城市", "多久市"],
        "悪質商法の被害を防ぐ出前講座と、消費生活相談員の研修を行っています。",
    ),
    (
        "一般社団法人みやき農業塾",
        "ミヤキノウギョウジュク",
        CSO.Kind.GENERAL_INCORPORATED,
        "みやき町",
        CSO.Status.HIDDEN,
        [5, 17],
        ["みやき町", "上峰町"],
        "新しく農業を始める人への研修と、耕作放棄地の活用に取り組んでいます。",
    ),
    (
        "小城市民活動ネットワーク",
        "オギシミンカツドウネットワーク",
        CSO.Kind.CIVIC_GROUP,
        "小城市",
        CSO.Status.PUBLISHED,
        [19, 3],
        ["小城市"],
        "市内の市民活動団体の交流会と、活動の相談窓口を開いています。",
    ),
    (
        "神埼の菱の実を伝える会",
        "カンザキノヒシノミヲツタエルカイ",
        CSO.Kind.CIVIC_GROUP,
        "神埼市",
        CSO.Status.PUBLISHED,
        [6, 7],
        ["神埼市"],
        "クリークの菱の実採りと郷土料理を、子どもたちに伝えています。",
    ),
    (
        "白石れんこん畑の環境を守る会",
        "シロイシレンコンバタケノカンキョウヲマモルカイ",
        CSO.Kind.CIVIC_GROUP,
        "白石町",
        CSO.Status.PENDING,
        [7, 5],
        ["白石町"],
        "農業用水路の清掃と、水辺の生き物調査を続けています。",
    ),
    (
        "さが男女共同参画フォーラム",
        "サガダンジョキョウドウサンカクフォーラム",
        CSO.Kind.CIVIC_GROUP,
        "佐賀市",
        CSO.Status.PUBLISHED,
        [12, 10],
        ["佐賀市", "鳥栖市", "唐津市"],
        "誰もが自分らしく生きられる地域をめざし、講座と相談会を開いています。",
    ),
    (
        "基山町防犯パトロール隊",
        "キヤマチョウボウハンパトロールタイ",
        CSO.Kind.VOLUNTEER_GROUP,
        "基山町",
        CSO.Status.PUBLISHED,
        [9],
        ["基山町"],
        "毎日の夕方、通学路と公園を青色回転灯の車で見回っています。",
    ),
    (
        "嬉野温泉おもてなしボランティア",
        "ウレシノオンセンオモテナシボランティア",
        CSO.Kind.VOLUNTEER_GROUP,
        "嬉野市",
        CSO.Status.PUBLISHED,
        [4],
        ["嬉野市"],
        "温泉街の案内所で、観光客に町の見どころを紹介しています。",
    ),
    (
        "玄海町海岸清掃ボランティア",
        "ゲンカイチョウカイガンセイソウボランティア",
        CSO.Kind.VOLUNTEER_GROUP,
        "玄海町",
        CSO.Status.PUBLISHED,
        [7],
        ["玄海町", "唐津市"],
        "毎月第一日曜日に、漂着ごみを拾い集めています。",
    ),
    (
        "太良町みかん山の手伝い隊",
        "タラチョウミカンヤマノテツダイタイ",
        CSO.Kind.VOLUNTEER_GROUP,
        "太良町",
        CSO.Status.HIDDEN,
        [5],
        ["太良町"],
        "収穫期に、高齢の農家のみかん摘みを手伝っています。",
    ),
    (
        "さが朗読の会",
        "サガロウドクノカイ",
        CSO.Kind.OTHER_THEMATIC,
        "佐賀市",
        CSO.Status.PUBLISHED,
        [1, 6],
        ["佐賀市"],
        "目の不自由な方のために、広報誌や本を朗読して録音しています。",
    ),
    (
        "伊万里市大川内町内会",
        "イマリシオオカワチチョウナイカイ",
        CSO.Kind.NEIGHBOURHOOD_ASSOCIATION,
        "伊万里市",
        CSO.Status.PUBLISHED,
        [3, 9],
        ["伊万里市"],
        "秘窯の里の景観を守る清掃活動と、見守りを兼ねた声かけ運動をしています。",
    ),
    (
        "上峰町坊所区自治会",
        "カミミネチョウボウショクジチカイ",
        CSO.Kind.NEIGHBOURHOOD_ASSOCIATION,
        "上峰町",
        CSO.Status.PENDING,
        [9, 8],
        ["上峰町"],
        "自主防災組織をつくり、避難訓練と防災マップづくりを進めています。",
    ),
    (
        "大町町福母区自治会",
        "オオマチチョウフクモクジチカイ",
        CSO.Kind.NEIGHBOURHOOD_ASSOCIATION,
        "大町町",
        CSO.Status.PUBLISHED,
        [8, 1],
        ["大町町"],
        "浸水被害の経験をふまえ、要支援者の避難を助ける体制をつくっています。",
    ),
    (
        "鳥栖市立田代小学校PTA",
        "トスシリツタシロショウガッコウピーティーエー",
        CSO.Kind.PTA,
        "鳥栖市",
        CSO.Status.PUBLISHED,
        [13, 9],
        ["鳥栖市"],
        "登下校の見守りと、親子で参加する地域の清掃活動をしています。",
    ),
    (
        "唐津市立第一中学校PTA",
        "カラツシリツダイイチチュウガッコウピーティーエー",
        CSO.Kind.PTA,
        "唐津市",
        CSO.Status.PUBLISHED,
        [13, 2],
        ["唐津市"],
        "家庭教育の講演会と、部活動の地域移行について話し合う場をつくっています。",
    ),
    (
        "江北町婦人会",
        "コウホクマチフジンカイ",
        CSO.Kind.WOMENS_ASSOCIATION,
        "江北町",
        CSO.Status.PUBLISHED,
        [12, 1],
        ["江北町"],
        "地域の食文化の継承と、ひとり暮らしの高齢者への声かけをしています。",
    ),
    (
        "吉野ヶ里町女性の会",
        "ヨシノガリチョウジョセイノカイ",
        CSO.Kind.WOMENS_ASSOCIATION,
        "吉野ヶ里町",
        CSO.Status.PUBLISHED,
        [12, 6],
        ["吉野ヶ里町", "神埼市"],
        "古代米を使った料理教室と、子育て世代との交流会を開いています。",
    ),
    (
        "鹿島市老人クラブ連合会",
        "カシマシロウジンクラブレンゴウカイ",
        CSO.Kind.SENIORS_CLUB,
        "鹿島市",
        CSO.Status.PUBLISHED,
        [1, 9],
        ["鹿島市"],
        "健康体操と、通学路の見守り活動を続けています。",
    ),
    (
        "小城市三日月町シニアクラブ",
        "オギシミカツキチョウシニアクラブ",
        CSO.Kind.SENIORS_CLUB,
        "小城市",
        CSO.Status.PUBLISHED,
        [6, 1],
        ["小城市"],
        "グラウンドゴルフ大会と、小学校での昔遊び教室を開いています。",
    ),
    (
        "佐賀市金立町地区まちづくり協議会",
        "サガシキンリュウマチチクマチヅクリキョウギカイ",
        CSO.Kind.OTHER_TERRITORIAL,
        "佐賀市",
        CSO.Status.PUBLISHED,
        [3, 5],
        ["佐賀市"],
        "地区の住民・団体が集まり、公民館を拠点に地域の課題を話し合っています。",
    ),
    (
        "有田町泉山地区公民館活動委員会",
        "アリタチョウイズミヤマチクコウミンカンカツドウイインカイ",
        CSO.Kind.OTHER_TERRITORIAL,
        "有田町",
        CSO.Status.HIDDEN,
        [2, 6],
        ["有田町"],
        "公民館での講座と、地区の伝統行事の準備をしています。",
    ),
]

REPRESENTATIVES = [
    "山口 洋子",
    "中島 健太",
    "松尾 和子",
    "古賀 浩二",
    "田中 美穂",
    "井上 茂",
    "池田 恵",
    "原 大輔",
]
AREA_CODES = {
    "唐津市": "0955",
    "伊万里市": "0955",
    "玄海町": "0955",
    "有田町": "0955",
    "鳥栖市": "0942",
    "基山町": "0942",
    "上峰町": "0952",
    "みやき町": "0942",
    "武雄市": "0954",
    "鹿島市": "0954",
    "嬉野市": "0954",
    "大町町": "0952",
    "江北町": "0952",
    "白石町": "0952",
    "太良町": "0954",
}
POSTAL_CODES = {
    "佐賀市": "840",
    "唐津市": "847",
    "鳥栖市": "841",
    "多久市": "846",
    "伊万里市": "848",
    "武雄市": "843",
    "鹿島市": "849",
    "小城市": "845",
    "嬉野市": "843",
    "神埼市": "842",
    "吉野ヶ里町": "842",
    "基山町": "841",
    "上峰町": "849",
    "みやき町": "849",
    "玄海町": "847",
    "有田町": "844",
    "大町町": "849",
    "江北町": "849",
    "白石町": "849",
    "太良町": "849",
}
BUDGET_BANDS = list(SurveyAnswer.BudgetBand)
CORPORATE_KINDS = (CSO.Kind.NPO_CORPORATION, CSO.Kind.GENERAL_INCORPORATED)
DEMO_TIME = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)


def corporate_number(index):
    base = f"3000050{index:05d}"
    return f"{corporate_number_check_digit(base)}{base}"


def profile_details(index, town, kind, status):
    """Contact, founding and verification details that vary with the CSO, deterministically."""
    area_code = AREA_CODES.get(town, "0952")
    has_corporate_number = kind in CORPORATE_KINDS
    verified_on = None
    if status == CSO.Status.PUBLISHED:
        # Most were confirmed in spring 2026; every fifth is overdue (要更新).
        verified_on = datetime.date(2025, 3, 15) if index % 5 == 4 else datetime.date(2026, 4, 1)
    return {
        "corporate_number": corporate_number(index) if has_corporate_number else "",
        "representative_name": REPRESENTATIVES[index % len(REPRESENTATIVES)],
        "postal_code": f"{POSTAL_CODES[town]}-{(index * 37) % 10000:04d}",
        "address": f"{index % 9 + 1}丁目{index % 20 + 1}-{index % 7 + 1}",
        "phone": f"{area_code}-{20 + index % 70:02d}-{1000 + index * 13:04d}",
        "email": f"info{index:02d}@example.jp" if index % 3 else "",
        "website": f"https://example.jp/cso{index:02d}/" if index % 2 == 0 else "",
        "founded_on": datetime.date(1975 + (index * 7) % 48, 1 + index % 12, 1 + index % 28),
        "member_count": 8 + (index * 17) % 190,
        "contact_public": index % 3 != 2,
        "verified_on": verified_on,
    }


def add_history(cso, index, *, admin, coordinator, promoter):
    """Registration, publication (or refusal) and, for some, a later update."""
    assisted = not cso.is_thematic and admin is None
    registered_at = DEMO_TIME - datetime.timedelta(days=400 - index)
    CSOHistoryEntry.objects.create(
        cso=cso,
        by=promoter if assisted else admin,
        action=CSOHistoryEntry.Action.REGISTERED,
        changes=[{"field": "name", "label": "団体名", "old": "", "new": cso.name}],
        assisted=assisted,
        at=registered_at,
    )
    if cso.status == CSO.Status.PUBLISHED:
        CSOHistoryEntry.objects.create(
            cso=cso,
            by=coordinator,
            action=CSOHistoryEntry.Action.PUBLISHED,
            changes=[{"field": "status", "label": "公開状態", "old": "申請中", "new": "公開"}],
            comment="活動の実態を確認しました。",
            at=registered_at + datetime.timedelta(days=10),
        )
    elif cso.status == CSO.Status.HIDDEN:
        CSOHistoryEntry.objects.create(
            cso=cso,
            by=coordinator,
            action=CSOHistoryEntry.Action.HIDDEN,
            changes=[{"field": "status", "label": "公開状態", "old": "公開", "new": "非公開"}],
            comment="活動を休止しているとの連絡がありました。",
            at=registered_at + datetime.timedelta(days=200),
        )
    if index % 4 == 0:
        CSOHistoryEntry.objects.create(
            cso=cso,
            by=admin or promoter,
            action=CSOHistoryEntry.Action.UPDATED,
            changes=[
                {
                    "field": "member_count",
                    "label": "会員数",
                    "old": str(cso.member_count - 5),
                    "new": str(cso.member_count),
                },
                {
                    "field": "representative_name",
                    "label": "代表者名",
                    "old": "前任 代表",
                    "new": cso.representative_name,
                },
            ],
            assisted=admin is None,
            at=registered_at + datetime.timedelta(days=300),
        )


def seed():
    fields = {field.number: field for field in ActivityField.objects.all()}
    municipalities = {m.name: m for m in Municipality.objects.all()}
    coordinator = User.objects.filter(email="kyodo@example.jp").first()
    promoter = User.objects.filter(email="suishin@example.jp").first()

    member = demo_user("cso@example.jp", full_name="神埼 由美", role=Role.CSO_MEMBER)
    second = demo_user("cso2@example.jp", full_name="小城 正人", role=Role.CSO_MEMBER)
    applicant = demo_user("cso3@example.jp", full_name="伊万里 さくら", role=Role.CSO_MEMBER)
    # 管理者 of the CSO at that index (the first is the demo login of README).
    admins = {
        0: member,
        1: second,
        2: demo_user("jichikai@example.jp", full_name="鳥栖 勝", role=Role.CSO_MEMBER),
    }

    csos = []
    for index, (name, furigana, kind, town, status, field_numbers, areas, description) in enumerate(
        CSOS
    ):
        cso, created = CSO.objects.get_or_create(
            name=name,
            municipality=municipalities[town],
            defaults={
                "furigana": furigana,
                "kind": kind,
                "status": status,
                "description": description,
                **profile_details(index, town, kind, status),
            },
        )
        csos.append(cso)
        if not created:
            continue
        cso.activity_fields.set([fields[number] for number in field_numbers])
        cso.areas.set([municipalities[area] for area in areas])
        admin = admins.get(index)
        if admin is not None:
            Membership.objects.create(
                user=admin,
                cso=cso,
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
                decided_at=DEMO_TIME,
            )
        # Survey answers: most answered this year, some only last year, some never.
        if index % 6 != 5:
            for year in (2025, 2026) if index % 3 else (2025,):
                SurveyAnswer.objects.create(
                    cso=cso,
                    fiscal_year=year,
                    budget_band=BUDGET_BANDS[(index + year) % len(BUDGET_BANDS)],
                    paid_staff=(index * 3) % 7 if kind in CORPORATE_KINDS else 0,
                    volunteers=5 + (index * 11) % 120,
                    answered_on=datetime.date(year, 7, 1 + index % 28),
                )
        add_history(cso, index, admin=admin, coordinator=coordinator, promoter=promoter)

    Membership.objects.get_or_create(
        user=second,
        cso=csos[0],
        defaults={"role": Membership.Role.MEMBER, "status": Membership.Status.ACTIVE},
    )
    Membership.objects.get_or_create(
        user=applicant,
        cso=csos[0],
        defaults={"role": Membership.Role.MEMBER, "status": Membership.Status.REQUESTED},
    )
    return [
        (Role.CSO_MEMBER, "cso@example.jp"),
        (Role.CSO_MEMBER, "cso2@example.jp"),
        (Role.CSO_MEMBER, "cso3@example.jp"),
    ]
