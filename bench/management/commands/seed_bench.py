"""Benchmark data at prefecture or national scale (issue 8), inserted with COPY on PostgreSQL.

Not demo data: seed_demo stays the newcomer's small, idempotent world. seed_bench fills an
empty, migrated database (or one it filled before, with --flush) with as many CSOs, themes,
proposals, agreements and evaluations as one prefecture or the whole country would hold, in
every kind and every state, so that `make bench` can measure pages whose cost must not grow
with the data.

Rows are generated in Python from seeded word lists (the same numbers give the same data) and
streamed to PostgreSQL with COPY; foreign keys are checked by construction (ids are assigned
here) rather than row by row, with session_replication_role=replica while copying. On SQLite it
falls back to executemany in batches (slow, but it works for a small --csos).

Municipalities: the reference data holds Saga's 20; at national scale the CSOs are spread over
those same 20 (no synthetic municipalities), which makes a municipality filter match ~17,500
CSOs: a harder case for the directory than the country's 1,741 municipalities would be.
"""

import io
import random
import time
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

SCALES = {
    # CSOs and proposals from DESIGN.md「Data and scale」; themes and users in proportion.
    "prefecture": {"csos": 3_000, "proposals": 5_000, "themes": 150, "users": 500},
    "national": {"csos": 350_000, "proposals": 1_000_000, "themes": 5_000, "users": 20_000},
}
BENCH_PASSWORD = "kyodo-bench-2026"
BENCH_PROMOTER = "bench-suishin@example.jp"
BENCH_COORDINATOR = "bench-kyodo@example.jp"
BENCH_MEMBER = "bench-member@example.jp"
CHUNK_ROWS = 20_000

BUREAUS = [
    "政策部",
    "総務部",
    "地域交流部",
    "県民環境部",
    "健康福祉部",
    "産業労働部",
    "農林水産部",
    "県土整備部",
]
DIVISIONS = ["企画課", "総務課", "振興課", "推進課", "支援課", "管理課"]

# (kanji or kana, katakana reading): parts of realistic CSO names with their furigana.
NPO_THEMES = [
    ("福祉ネット", "フクシネット"),
    ("子ども未来", "コドモミライ"),
    ("子育て応援団", "コソダテオウエンダン"),
    ("まちづくり協議会", "マチヅクリキョウギカイ"),
    ("環境を守る会", "カンキョウヲマモルカイ"),
    ("国際交流協会", "コクサイコウリュウキョウカイ"),
    ("災害救援ボランティア", "サイガイキュウエンボランティア"),
    ("地域福祉サポート", "チイキフクシサポート"),
    ("障がい者就労支援センター", "ショウガイシャシュウロウシエンセンター"),
    ("里山保全の会", "サトヤマホゼンノカイ"),
    ("文化芸術振興会", "ブンカゲイジュツシンコウカイ"),
    ("スポーツクラブ", "スポーツクラブ"),
    ("高齢者見守り隊", "コウレイシャミマモリタイ"),
    ("食育推進ネットワーク", "ショクイクスイシンネットワーク"),
    ("有明海再生プロジェクト", "アリアケカイサイセイプロジェクト"),
    ("男女共同参画フォーラム", "ダンジョキョウドウサンカクフォーラム"),
    ("観光ガイドの会", "カンコウガイドノカイ"),
    ("消費者の会", "ショウヒシャノカイ"),
    ("ＩＴ活用支援", "アイティーカツヨウシエン"),
    ("人権啓発センター", "ジンケンケイハツセンター"),
]
PLACE_WORDS = [
    ("みどり", "ミドリ"),
    ("ひかり", "ヒカリ"),
    ("さくら", "サクラ"),
    ("あおぞら", "アオゾラ"),
    ("ふれあい", "フレアイ"),
    ("たんぽぽ", "タンポポ"),
    ("かがやき", "カガヤキ"),
    ("ささえあい", "ササエアイ"),
    ("ひまわり", "ヒマワリ"),
    ("きずな", "キズナ"),
]
TOWN_WORDS = [
    ("本町", "ホンマチ"),
    ("新町", "シンマチ"),
    ("中央", "チュウオウ"),
    ("東区", "ヒガシク"),
    ("西区", "ニシク"),
    ("南部", "ナンブ"),
    ("北部", "ホクブ"),
    ("大町", "オオマチ"),
    ("城内", "ジョウナイ"),
    ("若葉台", "ワカバダイ"),
    ("松原", "マツバラ"),
    ("川副", "カワソエ"),
]
TERRITORIAL_SUFFIX = {
    "neighbourhood_association": [("自治会", "ジチカイ"), ("町内会", "チョウナイカイ")],
    "pta": [
        ("小学校ＰＴＡ", "ショウガッコウピーティーエー"),
        ("中学校ＰＴＡ", "チュウガッコウピーティーエー"),
    ],
    "womens_association": [("婦人会", "フジンカイ"), ("女性会", "ジョセイカイ")],
    "seniors_club": [("老人クラブ", "ロウジンクラブ"), ("長寿会", "チョウジュカイ")],
    "other_territorial": [
        ("青年団", "セイネンダン"),
        ("消防団後援会", "ショウボウダンコウエンカイ"),
    ],
}
THEMATIC_PREFIX = {
    "npo_corporation": ("特定非営利活動法人", "トクテイヒエイリカツドウホウジン"),
    "general_incorporated": ("一般社団法人", "イッパンシャダンホウジン"),
    "civic_group": ("", ""),
    "volunteer_group": ("", ""),
    "other_thematic": ("", ""),
}
# (kind, weight): national counts are mostly 自治会 and NPO法人 (DESIGN.md).
KIND_WEIGHTS = [
    ("npo_corporation", 14),
    ("general_incorporated", 3),
    ("civic_group", 8),
    ("volunteer_group", 6),
    ("other_thematic", 2),
    ("neighbourhood_association", 50),
    ("pta", 6),
    ("womens_association", 4),
    ("seniors_club", 5),
    ("other_territorial", 2),
]
SENTENCES = [
    "地域の高齢者や障がいのある方が安心して暮らせるよう、福祉の相談会と見守り活動を続けています。",
    "子どもたちが放課後を安心して過ごせる居場所づくりと、学習支援に取り組んでいます。",
    "住民どうしの助け合いを大切にし、清掃活動や防犯パトロール、夏祭りを行っています。",
    "里山や川の環境を守るため、植樹や外来種の駆除、自然観察会を開いています。",
    "外国にルーツを持つ住民のための日本語教室と、生活相談の窓口を運営しています。",
    "災害に備えて、避難訓練や防災マップづくりを住民と一緒に進めています。",
    "地元の伝統芸能や祭りを次の世代に伝えるため、練習会と発表会を開いています。",
    "子育て中の親子が集えるサロンを開き、育児の悩みを気軽に話せる場をつくっています。",
    "地域福祉の担い手を育てる講座を開き、ボランティアの活動先を紹介しています。",
    "農業体験や食育の講座を通じて、食と農の大切さを伝えています。",
    "商店街のにぎわいを取り戻すため、空き店舗を使ったイベントを企画しています。",
    "高齢者の買い物支援と移動支援を、住民ボランティアの協力で続けています。",
    "ひとり親家庭や生活に困っている世帯へ、食品の配付と相談支援を行っています。",
    "障がいのある人の就労と社会参加を支えるため、作業所と交流会を運営しています。",
    "有明海と玄界灘の自然を学ぶ観察会と、海岸清掃を続けています。",
]
PROJECT_WORDS = [
    "地域の見守りネットワークづくり",
    "子どもの居場所づくり",
    "防災ワークショップ",
    "里山保全と環境学習",
    "多文化共生の日本語教室",
    "高齢者の移動支援",
    "障がい者の就労体験",
    "食育と地産地消の推進",
    "商店街のにぎわい再生",
    "福祉ボランティアの育成",
    "子育てサロンの運営",
    "伝統芸能の継承",
]
ZONE_FORMS = {
    "B": ["subsidy", "sponsorship", "cooperation"],
    "C": ["co_hosting", "cooperation"],
    "D": ["consignment", "cooperation"],
}
PROJECT_TYPES = [
    "participation",
    "flexible",
    "local",
    "ownership",
    "expertise",
    "pioneering",
    "public_facility",
]
PROPOSAL_STATUS_WEIGHTS = [
    ("draft", 12),
    ("submitted", 8),
    ("in_consultation", 10),
    ("agreed", 20),
    ("returned", 5),
    ("rejected", 30),
    ("withdrawn", 15),
]
AGREEMENT_STATUS_WEIGHTS = [
    ("draft", 5),
    ("confirmed", 5),
    ("concluded", 10),
    ("in_progress", 30),
    ("completed", 50),
]


def weighted(rng, pairs, count):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=count)


def corporate_number(serial):
    base = f"{4_000_000_000_000 % 10**12 + serial:012d}"[-12:]
    total = sum(
        int(digit) * (1 if position % 2 else 2)
        for position, digit in enumerate(reversed(base), start=1)
    )
    return f"{9 - total % 9}{base}"


def tsv(value):
    """One COPY text-format field; generated text never holds tabs, newlines or backslashes."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Writer:
    """Buffers rows for one table and sends each full buffer as one COPY on PostgreSQL (one
    connection runs one COPY at a time, so several tables fill in turn), executemany elsewhere."""

    def __init__(self, cursor, table, columns):
        self.cursor = cursor
        self.table = table
        self.count = 0
        # Columns a later migration added with a constant default (e.g. a version counter)
        # get that default, so the generator keeps working as the models grow.
        self.extra = []
        model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
        for field in model._meta.concrete_fields if model else []:
            if field.column not in columns and field.has_default() and not callable(field.default):
                columns = [*columns, field.column]
                self.extra.append(field.get_default())
        self.columns = columns
        self.postgres = connection.vendor == "postgresql"
        column_list = ", ".join(f'"{column}"' for column in self.columns)
        if self.postgres:
            self.sql = f'COPY "{table}" ({column_list}) FROM STDIN'
            self.buffer = io.StringIO()
        else:
            placeholders = ", ".join(["%s"] * len(self.columns))
            self.sql = f'INSERT INTO "{table}" ({column_list}) VALUES ({placeholders})'
            self.buffer = []
        self.pending = 0

    def __enter__(self):
        return self

    def row(self, *values):
        values = (*values, *self.extra) if self.extra else values
        self.count += 1
        self.pending += 1
        if self.postgres:
            self.buffer.write("\t".join(map(tsv, values)))
            self.buffer.write("\n")
        else:
            self.buffer.append(values)
        if self.pending >= CHUNK_ROWS:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        if self.postgres:
            with self.cursor.cursor.copy(self.sql) as copy:
                copy.write(self.buffer.getvalue())
            self.buffer = io.StringIO()
        else:
            self.cursor.executemany(self.sql, self.buffer)
            self.buffer = []
        self.pending = 0

    def __exit__(self, *exc):
        if exc[0] is None:
            self.flush()
        return False


def table(app_label, model_name):
    return apps.get_model(app_label, model_name)._meta.db_table


def m2m_table(app_label, model_name, field):
    return apps.get_model(app_label, model_name)._meta.get_field(field).m2m_db_table()


def ensure_bench_member():
    """The benchmark's signed-in CSO member: 管理者 of the published CSO that leads the most
    collaborations with a published evaluation (its /my/ pages then show proposals,
    agreements and evaluations in every state). Idempotent; the CSO is the same for the same
    data."""
    user_model = apps.get_model("kyodo_portal", "User")
    cso_model = apps.get_model("cso_registry", "CSO")
    membership_model = apps.get_model("cso_registry", "Membership")
    party_model = apps.get_model("proposals", "AgreementParty")
    lead = (
        party_model.objects.filter(
            is_lead=True,
            cso__status="published",
            version__agreement__evaluations__status="published",
        )
        .values("cso")
        .annotate(count=Count("pk"))
        .order_by("-count", "cso")
        .values_list("cso", flat=True)
        .first()
    )
    cso = cso_model.objects.get(pk=lead) if lead else cso_model.objects.order_by("pk").first()
    user, _ = user_model.objects.get_or_create(
        email=BENCH_MEMBER,
        defaults={
            "full_name": "ベンチ 会員",
            "password": make_password(BENCH_PASSWORD),
            "email_verified_at": datetime.now(UTC),
        },
    )
    membership_model.objects.exclude(cso=cso).filter(user=user).delete()
    membership_model.objects.update_or_create(
        user=user,
        cso=cso,
        defaults={"role": "admin", "status": "active", "decided_at": datetime.now(UTC)},
    )
    return cso


class Command(BaseCommand):
    help = (
        "ベンチマーク用の大量データ（県規模または全国規模）を投入します。"
        "PostgreSQL では COPY で投入します。デモデータ (seed_demo) とは別物です。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="prefecture")
        parser.add_argument("--csos", type=int, help="CSO の数（--scale の値を上書き）")
        parser.add_argument("--proposals", type=int, help="提案の数（--scale の値を上書き）")
        parser.add_argument("--themes", type=int)
        parser.add_argument("--users", type=int)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--flush",
            action="store_true",
            help="前回のベンチマーク用データ（CSO・提案・協定・振り返りなど）を消してから投入します。",
        )
        parser.add_argument(
            "--member-only",
            action="store_true",
            help=f"{BENCH_MEMBER} を協働事業の多い公開 CSO の管理者にするだけで、ほかは投入しません。",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="今あるデータに追加します（テストが二つの規模を作るときに使います）。",
        )

    def handle(self, *args, **options):
        counts = dict(SCALES[options["scale"]])
        for key in counts:
            if options.get(key) is not None:
                counts[key] = options[key]
        self.rng = random.Random(options["seed"])
        self.now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
        cso_model = apps.get_model("cso_registry", "CSO")
        if options["member_only"]:
            cso = ensure_bench_member()
            self.stdout.write(f"CSO メンバー {BENCH_MEMBER}: {cso}（id {cso.pk}）の管理者")
            return
        if options["flush"]:
            self.flush()
        elif cso_model.objects.exists() and not options["append"]:
            raise CommandError(
                "すでに CSO があります。ベンチマーク用のデータベースで --flush を付けて実行してください。"
            )
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Ids are assigned here, so every reference exists by construction; skipping the
                # per-row foreign-key triggers while copying is what makes COPY fast.
                cursor.execute("SET LOCAL session_replication_role = replica")
            self.cursor = cursor
            self.step("部署と利用者", self.seed_departments_and_users, counts["users"])
            self.step("CSO", self.seed_csos, counts["csos"])
            self.step("募集テーマ", self.seed_themes, counts["themes"])
            self.step("提案・協定・振り返り", self.seed_proposals, counts["proposals"])
            if connection.vendor == "postgresql":
                self.reset_sequences()
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        ensure_bench_member()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            step = time.monotonic()
            with connection.cursor() as cursor:
                # VACUUM too: the visibility map lets counts skip the heap, as in a live database.
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"  VACUUM ANALYZE {time.monotonic() - step:.1f} 秒")
        self.stdout.write(
            self.style.SUCCESS(
                f"ベンチマーク用データを投入しました（{time.monotonic() - started:.1f} 秒）: "
                f"CSO {counts['csos']:,}、提案 {counts['proposals']:,}。"
                f" 推進員 {BENCH_PROMOTER} / 県民協働課 {BENCH_COORDINATOR}"
                f" / CSO メンバー {BENCH_MEMBER}"
                f"（パスワード {BENCH_PASSWORD}）"
            )
        )

    def step(self, label, function, count):
        started = time.monotonic()
        rows = function(count)
        self.stdout.write(f"  {label}: {rows:,} 行 {time.monotonic() - started:.1f} 秒")

    def flush(self):
        tables = [
            table("evaluations", "EvaluationTransition"),
            table("evaluations", "EvaluationPart"),
            table("evaluations", "Evaluation"),
            table("proposals", "Agreement"),
            table("proposals", "Proposal"),
            table("proposals", "Theme"),
            table("cso_registry", "CSO"),
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " CASCADE")
            else:
                raise CommandError("--flush は PostgreSQL だけで使えます。")
            user_table = table("kyodo_portal", "User")
            groups_table = m2m_table("kyodo_portal", "User", "groups")
            cursor.execute(
                f'DELETE FROM "{groups_table}" WHERE user_id IN '
                f'(SELECT id FROM "{user_table}" WHERE email LIKE %s)',
                ["%@bench.example.jp"],
            )
            cursor.execute(
                f'DELETE FROM "{user_table}" WHERE email LIKE %s', ["%@bench.example.jp"]
            )

    def next_id(self, table_name):
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table_name}"')
        return self.cursor.fetchone()[0]

    def reset_sequences(self):
        for model in apps.get_models():
            if model._meta.app_label not in {"cso_registry", "proposals", "evaluations"}:
                continue
            for db_table in [model._meta.db_table] + [
                field.m2m_db_table() for field in model._meta.local_many_to_many
            ]:
                self.cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{db_table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{db_table}"), 0) + 1, false)'
                )

    # --- departments, staff and CSO members ---------------------------------------------------

    def seed_departments_and_users(self, user_count):
        department_model = apps.get_model("kyodo_portal", "Department")
        user_model = apps.get_model("kyodo_portal", "User")
        divisions = []
        for order, bureau_name in enumerate(BUREAUS, start=1):
            bureau, _ = department_model.objects.get_or_create(
                name=bureau_name, parent=None, defaults={"kind": "bureau", "sort_order": order * 10}
            )
            for unit_order, division_name in enumerate(DIVISIONS, start=1):
                division, _ = department_model.objects.get_or_create(
                    name=bureau_name.removesuffix("部") + division_name,
                    parent=bureau,
                    defaults={"kind": "division", "sort_order": unit_order},
                )
                divisions.append(division.pk)
        self.division_ids = divisions
        password = make_password(BENCH_PASSWORD)
        promoter_group = Group.objects.get(name="県民協働推進員")
        coordinator_group = Group.objects.get(name="県民協働課")
        promoter, _ = user_model.objects.get_or_create(
            email=BENCH_PROMOTER,
            defaults={
                "full_name": "ベンチ 推進員",
                "department_id": divisions[0],
                "is_staff": True,
                "password": password,
                "email_verified_at": self.now,
            },
        )
        promoter.groups.add(promoter_group)
        coordinator, _ = user_model.objects.get_or_create(
            email=BENCH_COORDINATOR,
            defaults={
                "full_name": "ベンチ 協働課",
                "is_staff": True,
                "password": password,
                "email_verified_at": self.now,
            },
        )
        coordinator.groups.add(coordinator_group)
        self.staff_id = coordinator.pk
        self.promoter_department = divisions[0]

        first = self.next_id(table("kyodo_portal", "User"))
        columns = ["id", "password", "email", "full_name", "is_superuser", "is_staff"]
        columns += ["is_active", "date_joined", "email_verified_at"]
        with Writer(self.cursor, table("kyodo_portal", "User"), columns) as users:
            for offset in range(user_count):
                users.row(
                    first + offset,
                    password,
                    f"member{first + offset}@bench.example.jp",
                    f"会員 {first + offset}",
                    False,
                    False,
                    True,
                    self.now.isoformat(),
                    self.now.isoformat(),
                )
        self.member_ids = list(range(first, first + user_count))
        if connection.vendor == "postgresql":
            self.cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [table("kyodo_portal", "User"), first + user_count],
            )
        return user_count + 2

    # --- CSOs ---------------------------------------------------------------------------------

    def seed_csos(self, count):
        rng = self.rng
        municipality_model = apps.get_model("cso_registry", "Municipality")
        municipalities = list(municipality_model.objects.values_list("id", "name", "kana"))
        field_model = apps.get_model("cso_registry", "ActivityField")
        self.field_ids = list(field_model.objects.order_by("number").values_list("id", flat=True))
        first = self.next_id(table("cso_registry", "CSO"))
        self.cso_ids = range(first, first + count)
        self.published_cso_ids = []
        kinds = weighted(rng, KIND_WEIGHTS, count)
        cso_columns = [
            "id",
            "name",
            "furigana",
            "kind",
            "corporate_number",
            "representative_name",
            "postal_code",
            "municipality_id",
            "address",
            "phone",
            "email",
            "website",
            "founded_on",
            "member_count",
            "description",
            "contact_public",
            "status",
            "verified_on",
            "verification_reminded_on",
            "created_at",
            "updated_at",
            "version",
        ]
        field_table = m2m_table("cso_registry", "CSO", "activity_fields")
        area_table = m2m_table("cso_registry", "CSO", "areas")
        survey_columns = ["cso_id", "fiscal_year", "budget_band", "paid_staff", "volunteers"]
        survey_columns += ["answered_on", "created_at", "updated_at"]
        bands = ["none", "under_100k", "under_1m", "under_5m", "under_10m", "under_50m"]
        rows = 0
        with (
            Writer(self.cursor, table("cso_registry", "CSO"), cso_columns) as csos,
            Writer(self.cursor, field_table, ["cso_id", "activityfield_id"]) as fields,
            Writer(self.cursor, area_table, ["cso_id", "municipality_id"]) as areas,
            Writer(self.cursor, table("cso_registry", "SurveyAnswer"), survey_columns) as surveys,
        ):
            for offset, kind in enumerate(kinds):
                cso_id = first + offset
                municipality_id, town, town_kana = rng.choice(municipalities)
                town_katakana = town_kana.translate(
                    {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}
                )
                if kind in TERRITORIAL_SUFFIX:
                    part, part_kana = rng.choice(TOWN_WORDS)
                    suffix, suffix_kana = rng.choice(TERRITORIAL_SUFFIX[kind])
                    name = f"{town.removesuffix('市').removesuffix('町')}{part}{offset % 97 + 1}区{suffix}"
                    name = name if kind == "neighbourhood_association" else f"{town}{part}{suffix}"
                    furigana = f"{town_katakana}{part_kana}{suffix_kana}"
                    field_pool = [self.field_ids[2], self.field_ids[6], self.field_ids[0]]
                else:
                    prefix = THEMATIC_PREFIX[kind][0]  # 法人格 is left out of the furigana
                    word, word_kana = rng.choice(PLACE_WORDS)
                    theme, theme_kana = rng.choice(NPO_THEMES)
                    name = f"{prefix}{town}{word}{theme}"
                    furigana = f"{town_katakana}{word_kana}{theme_kana}"
                    field_pool = self.field_ids
                status = rng.choices(["published", "pending", "hidden"], [85, 10, 5])[0]
                if status == "published":
                    self.published_cso_ids.append(cso_id)
                founded = date(1960, 1, 1) + timedelta(days=rng.randrange(23_000))
                verified = (
                    self.now.date() - timedelta(days=rng.randrange(900))
                    if status == "published"
                    else None
                )
                contact_public = rng.random() < 0.3
                description = "".join(rng.sample(SENTENCES, rng.randint(1, 3)))
                csos.row(
                    cso_id,
                    name[:100],
                    furigana[:200],
                    kind,
                    corporate_number(cso_id)
                    if kind in THEMATIC_PREFIX and THEMATIC_PREFIX[kind][0]
                    else "",
                    f"代表 {offset}",
                    f"84{offset % 10}-{offset % 10000:04d}",
                    municipality_id,
                    f"{rng.randint(1, 30)}丁目{rng.randint(1, 40)}番地",
                    f"0952-{offset % 90 + 10}-{offset % 10000:04d}" if contact_public else "",
                    f"info{offset}@bench.example.jp" if contact_public else "",
                    f"https://cso{offset}.bench.example.jp/" if rng.random() < 0.4 else "",
                    founded.isoformat(),
                    rng.randint(5, 800),
                    description,
                    contact_public,
                    status,
                    verified.isoformat() if verified else None,
                    None,
                    self.now.isoformat(),
                    self.now.isoformat(),
                    1,
                )
                for field_id in rng.sample(field_pool, rng.randint(1, min(3, len(field_pool)))):
                    fields.row(cso_id, field_id)
                area_ids = {municipality_id}
                if rng.random() < 0.3:
                    area_ids.add(rng.choice(municipalities)[0])
                for area_id in area_ids:
                    areas.row(cso_id, area_id)
                if rng.random() < 0.3:
                    surveys.row(
                        cso_id,
                        2025,
                        rng.choice(bands),
                        rng.randint(0, 20),
                        rng.randint(0, 300),
                        "2025-08-01",
                        self.now.isoformat(),
                        self.now.isoformat(),
                    )
                rows += 1
        return rows + fields.count + areas.count + surveys.count

    # --- themes -------------------------------------------------------------------------------

    def seed_themes(self, count):
        rng = self.rng
        first = self.next_id(table("proposals", "Theme"))
        self.theme_departments = {}
        columns = ["id", "department_id", "kind", "title", "background", "wanted"]
        columns += ["offered_forms", "opens_on", "closes_on", "budget_note", "status"]
        columns += ["created_by_id", "created_at", "updated_at"]
        field_table = m2m_table("proposals", "Theme", "activity_fields")
        with (
            Writer(self.cursor, table("proposals", "Theme"), columns) as themes,
            Writer(self.cursor, field_table, ["theme_id", "activityfield_id"]) as fields,
        ):
            for offset in range(count):
                theme_id = first + offset
                department_id = rng.choice(self.division_ids)
                self.theme_departments[theme_id] = department_id
                opens = self.now.date() - timedelta(days=rng.randrange(1_500))
                closes = opens + timedelta(days=rng.randint(30, 120))
                status = rng.choices(["draft", "published", "archived"], [10, 60, 30])[0]
                forms = rng.sample(["consignment", "co_hosting", "subsidy", "cooperation"], 2)
                themes.row(
                    theme_id,
                    department_id,
                    rng.choice(["call", "program_review"]),
                    f"{rng.choice(PROJECT_WORDS)}の協働提案の募集（{offset + 1}）",
                    "".join(rng.sample(SENTENCES, 2)),
                    "地域の実情をよく知る団体からの、具体的で実現できる提案を求めます。",
                    '["' + '", "'.join(forms) + '"]',
                    opens.isoformat(),
                    closes.isoformat(),
                    "",
                    status,
                    self.staff_id,
                    self.now.isoformat(),
                    self.now.isoformat(),
                )
                fields.row(theme_id, rng.choice(self.field_ids))
        self.theme_ids = list(range(first, first + count))
        return count + fields.count

    # --- proposals, agreements, evaluations ---------------------------------------------------

    def seed_proposals(self, count):
        rng = self.rng
        first = self.next_id(table("proposals", "Proposal"))
        agreement_id = self.next_id(table("proposals", "Agreement"))
        version_id = self.next_id(table("proposals", "AgreementVersion"))
        evaluation_id = self.next_id(table("evaluations", "Evaluation"))
        statuses = weighted(rng, PROPOSAL_STATUS_WEIGHTS, count)
        proposal_columns = [
            "id",
            "cso_id",
            "theme_id",
            "department_id",
            "title",
            "purpose",
            "shared_goal",
            "content",
            "expected_effect",
            "zone",
            "form",
            "project_type",
            "starts_on",
            "ends_on",
            "budget_estimate",
            "budget_note",
            "cso_role",
            "prefecture_role",
            "status",
            "fiscal_year",
            "pre_consultation_opened_at",
            "submitted_at",
            "agreed_at",
            "created_by_id",
            "created_at",
            "updated_at",
        ]
        agreement_columns = ["id", "proposal_id", "department_id", "status"]
        agreement_columns += ["fiscal_year", "concluded_on", "started_on", "completed_on"]
        agreement_columns += ["current_version_id", "internal_note", "created_by_id"]
        agreement_columns += ["created_at", "updated_at"]
        version_columns = ["id", "agreement_id", "number", "status", "amendment_reason", "title"]
        version_columns += ["zone", "form"]
        version_columns += ["purpose", "shared_goal", "starts_on", "ends_on", "budget_amount"]
        version_columns += ["budget_request_needed", "budget_note", "confidentiality_clause"]
        version_columns += ["other_clauses", "deliverables", "payment_note", "subsidy_amount"]
        version_columns += ["reporting_duty", "event_description", "name_use_conditions"]
        version_columns += ["shared_costs", "shared_responsibilities"]
        version_columns += ["prefecture_contact_name", "prefecture_contact_title"]
        version_columns += ["prefecture_contact_phone", "prefecture_contact_email", "revision"]
        version_columns += ["confirmation_requested_at", "concluded_on", "concluded_by_id"]
        version_columns += ["created_by_id", "created_at", "updated_at"]
        party_columns = ["version_id", "cso_id", "is_lead", "contact_name", "contact_phone"]
        party_columns += ["contact_email", "confirmed_at", "confirmed_by_id"]
        role_columns = ["version_id", "order", "task", "carried_by", "cso_id"]
        role_columns += ["responsibility", "due_on"]
        evaluation_columns = ["id", "agreement_id", "kind", "fiscal_year", "status", "decision"]
        evaluation_columns += ["change_content", "change_partner", "change_form"]
        evaluation_columns += ["decision_proposed_by_side", "decision_proposed_by_id"]
        evaluation_columns += ["decision_proposed_at", "decision_confirmed_by_id"]
        evaluation_columns += ["decision_confirmed_at", "published_at", "created_by_id"]
        evaluation_columns += ["created_at", "updated_at"]
        part_columns = ["evaluation_id", "side", "outcomes"]
        for principle in ("equality", "understanding", "shared_goal", "disclosure"):
            part_columns += [f"{principle}_rating", f"{principle}_comment"]
        part_columns += ["went_well", "problems", "lessons", "submitted_at", "submitted_by_id"]
        part_columns += ["updated_at"]
        clause = str(
            apps.get_model("proposals", "AgreementVersion")
            ._meta.get_field("confidentiality_clause")
            .get_default()
        )
        version_field_table = m2m_table("proposals", "AgreementVersion", "activity_fields")
        cso_ids = self.published_cso_ids or list(self.cso_ids)
        member_ids = self.member_ids
        stamp = self.now.isoformat()
        with (
            Writer(self.cursor, table("proposals", "Proposal"), proposal_columns) as proposals,
            Writer(self.cursor, table("proposals", "Agreement"), agreement_columns) as agreements,
            Writer(
                self.cursor, table("proposals", "AgreementVersion"), version_columns
            ) as versions,
            Writer(self.cursor, table("proposals", "AgreementParty"), party_columns) as parties,
            Writer(self.cursor, table("proposals", "RoleAssignment"), role_columns) as roles,
            Writer(
                self.cursor, version_field_table, ["agreementversion_id", "activityfield_id"]
            ) as vfs,
            Writer(
                self.cursor, table("evaluations", "Evaluation"), evaluation_columns
            ) as evaluations,
            Writer(self.cursor, table("evaluations", "EvaluationPart"), part_columns) as parts,
        ):
            for offset, status in enumerate(statuses):
                proposal_id = first + offset
                cso_id = rng.choice(cso_ids)
                theme_id = rng.choice(self.theme_ids) if rng.random() < 0.7 else None
                department_id = (
                    self.theme_departments[theme_id] if theme_id else rng.choice(self.division_ids)
                )
                zone = rng.choice("BCD")
                form = rng.choice(ZONE_FORMS[zone])
                fiscal_year = rng.randint(2019, 2026)
                starts = date(fiscal_year, 4, 1) + timedelta(days=rng.randrange(120))
                ends = starts + timedelta(days=rng.randint(90, 330))
                created = datetime(fiscal_year, 4, 1, tzinfo=UTC)
                submitted = None if status == "draft" else created + timedelta(days=20)
                agreed = created + timedelta(days=60) if status == "agreed" else None
                title = f"{rng.choice(PROJECT_WORDS)}（{fiscal_year}年度・{offset + 1}）"
                purpose = rng.choice(SENTENCES)
                goal = "参加者の満足度8割以上と、活動の担い手を10人増やすことを目指します。"
                created_by = rng.choice(member_ids)
                proposals.row(
                    proposal_id,
                    cso_id,
                    theme_id,
                    department_id,
                    title,
                    purpose,
                    goal,
                    rng.choice(SENTENCES),
                    "地域の課題に住民自身が取り組む力が高まります。",
                    zone,
                    form,
                    rng.choice(PROJECT_TYPES),
                    starts.isoformat(),
                    ends.isoformat(),
                    rng.randrange(0, 3_000_000, 10_000),
                    "",
                    "企画と参加者への呼びかけ、当日の運営を担います。",
                    "会場の確保と広報、関係機関との調整を担います。",
                    status,
                    fiscal_year,
                    None,
                    submitted.isoformat() if submitted else None,
                    agreed.isoformat() if agreed else None,
                    created_by,
                    created.isoformat(),
                    stamp,
                )
                if status != "agreed":
                    continue
                agreement_status = weighted(rng, AGREEMENT_STATUS_WEIGHTS, 1)[0]
                concluded = agreement_status not in ("draft", "confirmed")
                concluded_on = (agreed + timedelta(days=14)).date() if concluded else None
                version_status = {"draft": "draft", "confirmed": "confirmed"}.get(
                    agreement_status, "concluded"
                )
                agreements.row(
                    agreement_id,
                    proposal_id,
                    department_id,
                    agreement_status,
                    fiscal_year if concluded else None,
                    concluded_on.isoformat() if concluded else None,
                    starts.isoformat()
                    if agreement_status in ("in_progress", "completed")
                    else None,
                    ends.isoformat() if agreement_status == "completed" else None,
                    version_id,
                    "",
                    self.staff_id,
                    stamp,
                    stamp,
                )
                versions.row(
                    version_id,
                    agreement_id,
                    1,
                    version_status,
                    "",
                    title,
                    zone,
                    form,
                    purpose,
                    goal,
                    starts.isoformat(),
                    ends.isoformat(),
                    None,
                    False,
                    "",
                    clause,
                    "",
                    "報告書" if form == "consignment" else "",
                    "完了後に一括して支払います。" if form == "consignment" else "",
                    500_000 if form == "subsidy" else None,
                    "事業の完了後30日以内に実績を報告します。" if form == "subsidy" else "",
                    "地域の催し" if form == "sponsorship" else "",
                    "催しの案内に県の名義を記します。" if form == "sponsorship" else "",
                    "会場費は県、広報費は団体が負担します。" if form == "co_hosting" else "",
                    "当日の運営は団体、会場の安全管理は県が担います。"
                    if form == "co_hosting"
                    else "",
                    "佐賀 花子",
                    "主査",
                    "0952-25-7000",
                    "kyodo@bench.example.jp",
                    1,
                    stamp if version_status != "draft" else None,
                    concluded_on.isoformat() if concluded else None,
                    self.staff_id if concluded else None,
                    self.staff_id,
                    stamp,
                    stamp,
                )
                parties.row(
                    version_id,
                    cso_id,
                    True,
                    "団体 担当者",
                    "0952-00-0000",
                    "",
                    stamp if version_status != "draft" else None,
                    created_by if version_status != "draft" else None,
                )
                roles.row(version_id, 0, "参加者の募集と当日の運営", "cso", cso_id, "", None)
                roles.row(version_id, 1, "会場の確保と広報", "prefecture", None, "", None)
                vfs.row(version_id, rng.choice(self.field_ids))
                if agreement_status == "completed":
                    published = rng.random() < 0.6
                    evaluations.row(
                        evaluation_id,
                        agreement_id,
                        "final",
                        fiscal_year,
                        "published" if published else "draft",
                        rng.choice(["continue", "revise", "end"]) if published else "",
                        "",
                        "",
                        "",
                        "prefecture" if published else "",
                        self.staff_id if published else None,
                        stamp if published else None,
                        created_by if published else None,
                        stamp if published else None,
                        stamp if published else None,
                        self.staff_id,
                        stamp,
                        stamp,
                    )
                    for side, by in (("cso", created_by), ("prefecture", self.staff_id)):
                        submitted_part = published or rng.random() < 0.5
                        ratings = [rng.randint(2, 5) for _ in range(4)]
                        parts.row(
                            evaluation_id,
                            side,
                            "目標の参加者数を達成し、新しい担い手が加わりました。",
                            ratings[0],
                            "互いの意見を尊重して進めました。",
                            ratings[1],
                            "定例の打合せで状況を共有しました。",
                            ratings[2],
                            "目的を最初に文書で確かめました。",
                            ratings[3],
                            "進捗を公開ページで知らせました。",
                            "住民の参加が広がりました。",
                            "打合せの日程調整に時間がかかりました。",
                            "早い段階で役割分担を決めることが大切です。",
                            stamp if submitted_part else None,
                            by if submitted_part else None,
                            stamp,
                        )
                    evaluation_id += 1
                agreement_id += 1
                version_id += 1
        return (
            proposals.count
            + agreements.count
            + versions.count
            + parties.count
            + roles.count
            + vfs.count
            + evaluations.count
            + parts.count
        )
