"""Demo events (upcoming, past, one full with a waiting list, one cancelled, a staff
training, a draft), news items and both contact directories.

Dates are counted from the day of the first run and set only when a row is created, so a
second run changes nothing.
"""

import datetime

from django.utils import timezone

from cso_registry.models import Municipality
from kyodo_portal.demo import department
from kyodo_portal.models import Department, User
from outreach.models import Event, MunicipalContact, NewsItem, PromoterContact, Registration

VENUE_AVANCE = ("アバンセ（佐賀県立生涯学習センター）", "佐賀市天神三丁目2-11")
VENUE_PREF = ("佐賀県庁 新館 大会議室", "佐賀市城内一丁目1-59")

# title, kind, status, days from today, start, end (HH:MM), venue, town, capacity, audience, description
EVENTS = [
    (
        "協働推進セミナー「協働のはじめ方 ― 出会いから協定まで」",
        Event.Kind.SEMINAR,
        Event.Status.PUBLISHED,
        21,
        "13:30",
        "16:30",
        VENUE_AVANCE,
        "佐賀市",
        80,
        "CSO の方、県・市町の職員、協働に関心のある方",
        "県民協働指針の考え方と、協働の提案から協定書の取り交わしまでの流れを、"
        "県内の協働事業の事例とともに紹介します。\n後半は、CSO と県職員が同じテーブルで意見交換します。",
    ),
    (
        "CSO基礎講座「NPO法人の会計と労務の基本」",
        Event.Kind.CSO_BASICS,
        Event.Status.PUBLISHED,
        10,
        "18:30",
        "20:30",
        VENUE_PREF,
        "佐賀市",
        5,
        "NPO法人・市民活動団体の役員、事務局の方",
        "NPO法人会計基準に沿った決算書の作り方と、職員を雇うときの労務管理の基本を学びます。"
        "少人数で質問の時間を多く取ります。",
    ),
    (
        "協働コーディネーター養成講座（全3回）第1回",
        Event.Kind.COORDINATOR_TRAINING,
        Event.Status.PUBLISHED,
        35,
        "10:00",
        "16:00",
        ("唐津市民交流プラザ", "唐津市新興町2881-1"),
        "唐津市",
        30,
        "CSO の中核を担う方、県・市町の職員（3回とも参加できる方）",
        "CSO と行政の間に立って協働をつなぐ「協働コーディネーター」を養成します。"
        "第1回は、双方の組織の違いを知り、対話の進め方を学びます。",
    ),
    (
        "職員研修「県民協働指針と協働の進め方」",
        Event.Kind.STAFF_TRAINING,
        Event.Status.PUBLISHED,
        14,
        "14:00",
        "16:00",
        VENUE_PREF,
        "佐賀市",
        60,
        "県職員（県民協働推進員を含む）",
        "県民協働指針の基本原則と、協働の領域・形態の選び方を、ポータルの使い方とあわせて確認します。",
    ),
    (
        "CSOでのインターンシップ（5日間）",
        Event.Kind.INTERNSHIP,
        Event.Status.PUBLISHED,
        45,
        "09:00",
        "17:00",
        ("県内の受入れ団体（申込後にご案内します）", ""),
        None,
        20,
        "県内の大学生・短大生・専門学校生",
        "県内の CSO で5日間、団体の活動を体験します。受入れ団体は申込の後、希望をうかがって調整します。",
    ),
    (
        "協働推進セミナー 唐津会場",
        Event.Kind.SEMINAR,
        Event.Status.CANCELLED,
        28,
        "13:30",
        "15:30",
        ("唐津市民会館", "唐津市西城内1-1"),
        "唐津市",
        40,
        "どなたでも",
        "会場の改修工事のため中止しました。佐賀会場へのご参加をご検討ください。",
    ),
    (
        "協働コーディネーター養成講座（全3回）第2回",
        Event.Kind.COORDINATOR_TRAINING,
        Event.Status.DRAFT,
        63,
        "10:00",
        "16:00",
        VENUE_AVANCE,
        "佐賀市",
        30,
        "第1回の参加者",
        "準備中です。",
    ),
    (
        "協働推進セミナー「子ども食堂と地域の協働」",
        Event.Kind.SEMINAR,
        Event.Status.PUBLISHED,
        -30,
        "13:30",
        "16:00",
        VENUE_AVANCE,
        "佐賀市",
        60,
        "どなたでも",
        "子ども食堂のネットワークと県・市町が取り組んだ協働事業の報告と、パネルディスカッションを行いました。",
    ),
    (
        "CSO基礎講座「団体の広報入門」",
        Event.Kind.CSO_BASICS,
        Event.Status.PUBLISHED,
        -60,
        "18:30",
        "20:30",
        ("鳥栖市民文化会館 小ホール", "鳥栖市宿町807-17"),
        "鳥栖市",
        30,
        "CSO の方",
        "チラシ、ウェブ、SNS を使った団体の広報の基本を学びました。",
    ),
]

GUESTS = [
    ("川副 明美", "NPO法人さが環境ネット"),
    ("伊万里 大輔", "伊万里まちづくり協議会"),
    ("小城 さくら", ""),
    ("多久 隆", "多久市ボランティア連絡会"),
    ("基山 玲奈", "NPO法人きやま子育て広場"),
    ("白石 和夫", "白石町老人クラブ連合会"),
    ("有田 真理子", "有田焼ボランティアガイドの会"),
]

NEWS = [
    (
        -2,
        NewsItem.Category.NOTICE,
        "協働推進セミナーの参加者を募集しています",
        "協働の提案から協定書の取り交わしまでを事例で学ぶセミナーです。",
        "協働推進セミナー「協働のはじめ方」の参加者を募集しています。\n"
        "CSO の方も県・市町の職員も、同じテーブルで話し合います。催し・講座のページからお申し込みください。",
    ),
    (
        -9,
        NewsItem.Category.NOTICE,
        "今年度の募集テーマを公開しました",
        "県の各部署が CSO との協働を望むテーマを公開しました。",
        "県の各部署から、CSO との協働を望むテーマが寄せられました。募集テーマのページでご覧いただけます。\n"
        "テーマにない自由な提案も受け付けています。",
    ),
    (
        -20,
        NewsItem.Category.PUBLICITY,
        "広報誌「さが協働だより」第12号を発行しました",
        "特集は、自治会と NPO が一緒に取り組む見守り活動です。",
        "広報誌「さが協働だより」第12号を発行しました。特集は、自治会と NPO が一緒に取り組む登下校の見守り活動です。\n"
        "県庁県民ホールと各市町の窓口で配布しています。",
    ),
    (
        -40,
        NewsItem.Category.NOTICE,
        "NPO法人への専門アドバイザー派遣を受け付けています",
        "労務管理や会計処理について、専門家が団体を訪問して助言します。",
        "NPO法人の運営について、社会保険労務士や税理士などの専門家が訪問して助言します。費用はかかりません。\n"
        "団体の管理者の方は、ログイン後の「専門アドバイザー派遣」のページからお申し込みください。",
    ),
    (
        -75,
        NewsItem.Category.PUBLICITY,
        "協働事業の振り返りを公開しました",
        "昨年度に実施した協働事業の振り返り（評価）の結果を公開しました。",
        "昨年度に CSO と県が実施した協働事業について、双方の立場からの振り返りの結果を公開しました。",
    ),
    (
        7,
        NewsItem.Category.NOTICE,
        "協働コーディネーター養成講座 第2回の案内（予約公開）",
        "",
        "公開日時の前は表示されません。",
    ),
    (
        None,
        NewsItem.Category.PUBLICITY,
        "さが協働だより 第13号（下書き）",
        "",
        "下書きです。",
    ),
]

MUNICIPAL_SECTIONS = {
    "佐賀市": "市民生活部 協働推進課",
    "唐津市": "市民部 地域づくり課",
    "鳥栖市": "市民協働推進課",
    "多久市": "総合政策課",
    "伊万里市": "政策経営部 市民協働推進課",
    "武雄市": "つながり部 市民協働課",
    "鹿島市": "企画財政課",
    "小城市": "市民協働推進課",
    "嬉野市": "企画政策課",
    "神埼市": "総務企画部 総合政策課",
}


def _at(day, hhmm):
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _seed_events(today):
    coordinator_office = department("県民環境部", "県民協働課")
    municipalities = {m.name: m for m in Municipality.objects.all()}
    events = {}
    for (
        title,
        kind,
        status,
        days,
        start,
        end,
        (venue, address),
        town,
        capacity,
        audience,
        description,
    ) in EVENTS:
        day = today + datetime.timedelta(days=days)
        last_day = day + datetime.timedelta(days=4) if kind == Event.Kind.INTERNSHIP else day
        event, _ = Event.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "status": status,
                "starts_at": _at(day, start),
                "ends_at": _at(last_day, end),
                "venue": venue,
                "venue_address": address,
                "municipality": municipalities.get(town),
                "capacity": capacity,
                "audience": audience,
                "description": description,
                "organiser": coordinator_office,
                "contact": "佐賀県 県民環境部 県民協働課 0952-25-7374",
            },
        )
        events[title] = event
    return events


def _register(event, email, name, organisation, status, *, user=None, when=None):
    when = when or timezone.now()
    Registration.objects.get_or_create(
        event=event,
        email=email,
        defaults={
            "user": user,
            "name": name,
            "organisation": organisation,
            "status": status,
            "confirmed_at": when if status == Registration.Status.CONFIRMED else None,
            "waitlisted_at": when if status == Registration.Status.WAITLISTED else None,
        },
    )


def _seed_registrations(events):
    seminar, full_course, _coordinator, training, internship, *_rest = events.values()
    past_seminar = events["協働推進セミナー「子ども食堂と地域の協働」"]
    now = timezone.now()
    # The 基礎講座 is full (5 seats) with two people waiting, in order.
    for number, (name, organisation) in enumerate(GUESTS):
        status = Registration.Status.CONFIRMED if number < 5 else Registration.Status.WAITLISTED
        _register(
            full_course,
            f"guest{number + 1}@example.jp",
            name,
            organisation,
            status,
            when=now - datetime.timedelta(hours=len(GUESTS) - number),
        )
    for number, (name, organisation) in enumerate(GUESTS[:4]):
        _register(
            seminar,
            f"guest{number + 1}@example.jp",
            name,
            organisation,
            Registration.Status.CONFIRMED,
        )
        _register(
            past_seminar,
            f"guest{number + 1}@example.jp",
            name,
            organisation,
            Registration.Status.CONFIRMED,
        )
    _register(
        internship,
        "student1@example.jp",
        "佐賀 大地",
        "佐賀大学 経済学部",
        Registration.Status.CONFIRMED,
    )
    _register(seminar, "guest9@example.jp", "未確認 さん", "", Registration.Status.PENDING)
    member = User.objects.filter(email="cso@example.jp").first()
    if member is not None:
        _register(
            seminar,
            member.email,
            member.get_full_name(),
            "NPO法人さがの子ども食堂ネットワーク",
            Registration.Status.CONFIRMED,
            user=member,
        )
    for email in ("suishin@example.jp", "suishin2@example.jp"):
        staff = User.objects.filter(email=email).first()
        if staff is not None:
            _register(
                training,
                staff.email,
                staff.get_full_name(),
                staff.department.full_name if staff.department else "",
                Registration.Status.CONFIRMED,
                user=staff,
            )


def _seed_news(today):
    author = User.objects.filter(email="kyodo@example.jp").first()
    for days, category, title, summary, body in NEWS:
        NewsItem.objects.get_or_create(
            title=title,
            defaults={
                "category": category,
                "summary": summary,
                "body": body,
                "published_at": (
                    None if days is None else _at(today + datetime.timedelta(days=days), "09:00")
                ),
                "created_by": author,
            },
        )


def _seed_contacts():
    for order, unit in enumerate(
        Department.objects.units()
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order"),
        start=1,
    ):
        PromoterContact.objects.get_or_create(
            department=unit,
            defaults={
                "public_name": "佐賀 花子" if unit.name == "障害福祉課" else "",
                "phone": f"0952-00-{2000 + order}",
                "email": f"suishin-{order:02d}@example.jp",
                "note": "協働の相談は、まずお電話ください。" if unit.name == "県民協働課" else "",
            },
        )
    for order, municipality in enumerate(Municipality.objects.order_by("code"), start=1):
        section = MUNICIPAL_SECTIONS.get(
            municipality.name,
            "まちづくり課" if municipality.kind == Municipality.Kind.TOWN else "市民協働課",
        )
        MunicipalContact.objects.get_or_create(
            municipality=municipality,
            defaults={
                "section": section,
                "phone": f"0952-00-{1000 + order}",
                "email": f"kyodo-{municipality.code}@example.jp",
                "website": f"https://www.example.jp/{municipality.code}/kyodo/",
            },
        )


def seed():
    today = timezone.localdate()
    events = _seed_events(today)
    _seed_registrations(events)
    _seed_news(today)
    _seed_contacts()
    return []
