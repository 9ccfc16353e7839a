"""Reference data: Saga's 20 municipalities and the NPO Act's 20 activity fields.

Sources: the Ministry of Internal Affairs code list as of 2024-01-01 and the Annexed Table of
the NPO Act (特定非営利活動促進法 別表); copies in docs/reference/.
"""

from django.db import migrations

# (code, name, county, kind, kana)
MUNICIPALITIES = [
    ("412015", "佐賀市", "", "市", "サガシ"),
    ("412023", "唐津市", "", "市", "カラツシ"),
    ("412031", "鳥栖市", "", "市", "トスシ"),
    ("412040", "多久市", "", "市", "タクシ"),
    ("412058", "伊万里市", "", "市", "イマリシ"),
    ("412066", "武雄市", "", "市", "タケオシ"),
    ("412074", "鹿島市", "", "市", "カシマシ"),
    ("412082", "小城市", "", "市", "オギシ"),
    ("412091", "嬉野市", "", "市", "ウレシノシ"),
    ("412104", "神埼市", "", "市", "カンザキシ"),
    ("413275", "吉野ヶ里町", "神埼郡", "町", "ヨシノガリチョウ"),
    ("413411", "基山町", "三養基郡", "町", "キヤマチョウ"),
    ("413453", "上峰町", "三養基郡", "町", "カミミネチョウ"),
    ("413461", "みやき町", "三養基郡", "町", "ミヤキチョウ"),
    ("413879", "玄海町", "東松浦郡", "町", "ゲンカイチョウ"),
    ("414018", "有田町", "西松浦郡", "町", "アリタチョウ"),
    ("414239", "大町町", "杵島郡", "町", "オオマチチョウ"),
    ("414247", "江北町", "杵島郡", "町", "コウホクマチ"),
    ("414255", "白石町", "杵島郡", "町", "シロイシチョウ"),
    ("414417", "太良町", "藤津郡", "町", "タラチョウ"),
]

# (number, name), in the order of the Act
ACTIVITY_FIELDS = [
    (1, "保健、医療又は福祉の増進を図る活動"),
    (2, "社会教育の推進を図る活動"),
    (3, "まちづくりの推進を図る活動"),
    (4, "観光の振興を図る活動"),
    (5, "農山漁村又は中山間地域の振興を図る活動"),
    (6, "学術、文化、芸術又はスポーツの振興を図る活動"),
    (7, "環境の保全を図る活動"),
    (8, "災害救援活動"),
    (9, "地域安全活動"),
    (10, "人権の擁護又は平和の推進を図る活動"),
    (11, "国際協力の活動"),
    (12, "男女共同参画社会の形成の促進を図る活動"),
    (13, "子どもの健全育成を図る活動"),
    (14, "情報化社会の発展を図る活動"),
    (15, "科学技術の振興を図る活動"),
    (16, "経済活動の活性化を図る活動"),
    (17, "職業能力の開発又は雇用機会の拡充を支援する活動"),
    (18, "消費者の保護を図る活動"),
    (19, "前各号に掲げる活動を行う団体の運営又は活動に関する連絡、助言又は援助の活動"),
    (20, "前各号に掲げる活動に準ずる活動として都道府県又は指定都市の条例で定める活動"),
]


def load_reference_data(apps, schema_editor):
    Municipality = apps.get_model("cso_registry", "Municipality")
    ActivityField = apps.get_model("cso_registry", "ActivityField")
    for code, name, county, kind, kana in MUNICIPALITIES:
        Municipality.objects.update_or_create(
            code=code, defaults={"name": name, "county": county, "kind": kind, "kana": kana}
        )
    for number, name in ACTIVITY_FIELDS:
        ActivityField.objects.update_or_create(number=number, defaults={"name": name})


def unload_reference_data(apps, schema_editor):
    apps.get_model("cso_registry", "Municipality").objects.filter(
        code__in=[row[0] for row in MUNICIPALITIES]
    ).delete()
    apps.get_model("cso_registry", "ActivityField").objects.filter(
        number__in=[row[0] for row in ACTIVITY_FIELDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cso_registry", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, unload_reference_data)]
