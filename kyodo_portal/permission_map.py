"""The permission map: for every URL pattern of the portal, who may use it and how anyone else
is answered. One table, checked by tests/security/test_permission_map.py:

- every pattern of the whole URLconf (``get_resolver()``, walked recursively) must have an
  entry here, or the test fails: an app that adds a URL adds its line here in the same commit;
- a matrix runs every pattern for every actor (anonymous, a member of CSO A, a member of CSO B,
  a 県民協働推進員 of department X and of department Y, 県民協働課, a deactivated user, a
  メンバー who is not 管理者, a member of a CSO dropped from an agreement by amendment, a member
  of a CSO not yet verified, a member of staff without the second factor) with GET and POST,
  on objects owned by CSO A / department X, and checks the answer is what the entry says; and
  an entitled person's POST with real data must succeed (tests/security/test_entitled_posts.py).

Pure data: this module imports no app, so any app may be listed (dependency direction).

How a request is answered (in this order, as the views' decorators do it):

1. Signed out (or deactivated: the session no longer counts) and the entry is not public →
   302 to the login page (``/admin/login/`` for the admin).
2. A method the entry does not list → 405.
3. Signed in but not entitled → ``refusal``: 404 where the object's existence is private
   (another CSO's records, drafts), 403 where the page itself explains why (e.g. advisor
   dispatch is only for NPO法人), 302 for the admin (Django's admin sends non-staff to its login).
4. Entitled → one of ``ok[method]``.
"""

from dataclasses import dataclass, field


class Access:
    """Who is entitled. ``CSO_*`` mean: of the CSO that owns the object in the URL."""

    PUBLIC = "public"  # anyone, signed in or not
    TOKEN = "token"  # anyone holding the signed link that was emailed to them
    SIGNED_IN = "signed_in"  # any signed-in, active user (lists show only their own things)
    OWN = "own"  # the signed-in person the record belongs to (e.g. their own event booking)
    CSO_MEMBER = "cso_member"  # active 管理者 or メンバー of the owning CSO
    CSO_ADMIN = "cso_admin"  # active 管理者 of the owning CSO
    CSO_MEMBER_OR_STAFF = "cso_member_or_staff"  # ... or any member of staff (read only)
    CSO_ADMIN_OR_STAFF = "cso_admin_or_staff"
    NPO_ADMIN = "npo_admin"  # 管理者 of an NPO法人 (専門アドバイザー派遣)
    CSO_MEMBER_OR_DEPARTMENT = (
        "cso_member_or_department"  # ... or 推進員 of the department / 県民協働課
    )
    STAFF = "staff"  # verified staff (second factor passed where required); the admin scopes
    # by department itself. Staff who did not pass it are an ordinary signed-in person.

    LOGIN_REQUIRED = frozenset(
        {
            SIGNED_IN,
            OWN,
            CSO_MEMBER,
            CSO_ADMIN,
            CSO_MEMBER_OR_STAFF,
            CSO_ADMIN_OR_STAFF,
            NPO_ADMIN,
            CSO_MEMBER_OR_DEPARTMENT,
            STAFF,
        }
    )


GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")

# What an entitled request with an empty form may answer: a page (200), the form with errors
# (200/400), or the redirect after an action (302).
DEFAULT_OK = {"GET": frozenset({200}), "POST": frozenset({200, 302, 400})}


@dataclass(frozen=True)
class Rule:
    access: str
    methods: tuple = GET
    refusal: int = 404
    ok: dict = field(default_factory=dict)
    note: str = ""

    @property
    def login_required(self):
        return self.access in Access.LOGIN_REQUIRED

    def ok_for(self, method):
        return frozenset(self.ok.get(method, DEFAULT_OK[method]))


# Django's syndication Feed answers every method with the same read-only document.
FEED = "フィード（読むだけ。POST にも同じ内容を返します）"


def public(methods=GET, **kwargs):
    return Rule(Access.PUBLIC, methods, **kwargs)


# Keyed by URL name ("namespace:name"). Keep it in URLconf order, grouped by app.
PERMISSION_MAP = {
    # kyodo_portal
    "home": public(),
    "healthz": public(note="監視用。データベースの応答だけを返します"),
    "readyz": public(
        note="監視用。データベース・キャッシュ・ファイルの置き場・マイグレーションの状態（ok か error）だけを返します"
    ),
    "login": public(GET_POST),
    "logout": public(POST, ok={"POST": {200, 302}}),
    "two_factor:verify": Rule(
        Access.SIGNED_IN,
        GET_POST,
        ok={"GET": {200, 302}},
        note="二段階認証（職員は必須、ほかの人は登録した人）。未登録なら登録の画面へ",
    ),
    "two_factor:setup": Rule(
        Access.SIGNED_IN,
        GET_POST,
        ok={"GET": {200, 302}},
        note="認証アプリの登録（だれでも。登録済みなら確認の画面へ）",
    ),
    # accounts: confirming an address, recovering a password, one's own account (/my/account/)
    "accounts:resend_confirmation": public(GET_POST, note="答えはアドレスの有無にかかわらず同じ"),
    "accounts:confirm_email": Rule(Access.TOKEN, GET_POST, note="POST だけが確認する"),
    "accounts:password_reset": public(GET_POST, note="答えはアドレスの有無にかかわらず同じ"),
    "accounts:password_reset_done": public(),
    "accounts:password_reset_confirm": Rule(
        Access.TOKEN, GET_POST, ok={"GET": {200, 302}}, note="Django の再設定（一度だけ）"
    ),
    "accounts:settings": Rule(Access.SIGNED_IN),
    "accounts:change_name": Rule(Access.SIGNED_IN, POST),
    "accounts:change_email": Rule(Access.SIGNED_IN, POST),
    "accounts:change_password": Rule(Access.SIGNED_IN, POST),
    "accounts:end_session": Rule(
        Access.SIGNED_IN, POST, note="自分のログインだけ。ほかの人の番号では何も終わりません"
    ),
    "accounts:data": Rule(
        Access.SIGNED_IN, note="自分のデータだけ（ほかの人の個人情報は載せない）"
    ),
    "accounts:data_json": Rule(Access.SIGNED_IN, note="同じ内容の JSON（attachment）"),
    "accounts:close": Rule(
        Access.SIGNED_IN,
        GET_POST,
        note="団体の最後の管理者と職員は閉じられない（理由を表示し、POST は何も変えずに戻す）",
    ),
    # cso_registry: public directory and open data (published CSOs only)
    "cso_registry:list": public(),
    "cso_registry:detail": public(note="公開中の団体だけ。非公開・申請中は 404"),
    "cso_registry:export_csv": public(),
    "cso_registry:export_json": public(),
    "cso_registry:export_columns": public(),
    # cso_registry: /my/ (a CSO's own records; another CSO's answer 404)
    "account:signup": public(GET_POST, ok={"GET": {200, 302}}, note="ログイン中は /my/ へ"),
    "account:home": Rule(Access.SIGNED_IN),
    "account:cso_register": Rule(Access.SIGNED_IN, GET_POST),
    "account:cso_join": Rule(Access.SIGNED_IN),
    "account:cso": Rule(Access.CSO_MEMBER),
    "account:cso_edit": Rule(Access.CSO_MEMBER, GET_POST),
    "account:cso_survey": Rule(Access.CSO_MEMBER, GET_POST),
    "account:cso_members": Rule(Access.CSO_MEMBER),
    "account:member_action": Rule(Access.CSO_ADMIN, POST),
    "account:cso_leave": Rule(Access.CSO_MEMBER, POST),
    "account:cso_confirm": Rule(Access.CSO_ADMIN, POST),
    "account:cso_history": Rule(Access.CSO_ADMIN_OR_STAFF),
    "account:cso_sheet": Rule(Access.CSO_MEMBER_OR_STAFF),
    "account:cso_join_request": Rule(
        Access.SIGNED_IN, POST, note="公開中の団体への参加申込。非公開の団体は 404"
    ),
    # proposals: themes (public), a CSO's own proposals (/my/proposals/)
    "proposals:theme_list": public(),
    "proposals:theme_feed": public(GET_POST, note=FEED),
    "proposals:theme_detail": public(note="準備中のテーマは 404"),
    "proposals:my_list": Rule(Access.SIGNED_IN),
    "proposals:my_create": Rule(
        Access.SIGNED_IN, GET_POST, ok={"GET": {200, 302}}, note="所属団体のない人は /my/ へ"
    ),
    "proposals:my_detail": Rule(Access.CSO_MEMBER),
    "proposals:my_edit": Rule(Access.CSO_MEMBER, GET_POST, note="下書き・差戻しのときだけ編集"),
    "proposals:my_submit": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_resubmit": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_withdraw": Rule(Access.CSO_MEMBER, GET_POST),
    "proposals:my_pre_consultation": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_consult": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_attach": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_attachment_remove": Rule(Access.CSO_MEMBER, POST),
    "proposals:attachment_download": Rule(
        Access.CSO_MEMBER_OR_DEPARTMENT, note="県内部の添付は団体に 404"
    ),
    # proposals: agreements (協定書) and collaborations (協働事業)
    "proposals:project_list": public(),
    "proposals:project_detail": public(note="締結以後の協定だけ。下書き・確認中は 404"),
    "proposals:my_agreement_list": Rule(Access.SIGNED_IN),
    "proposals:my_agreement_detail": Rule(Access.CSO_MEMBER),
    "proposals:my_agreement_confirm": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_agreement_request_changes": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_agreement_report": Rule(Access.CSO_MEMBER, POST),
    "proposals:my_agreement_document": Rule(Access.CSO_MEMBER),
    "proposals:progress_attachment_download": Rule(
        Access.CSO_MEMBER_OR_DEPARTMENT, note="進捗報告の添付は当事者だけ（公開の報告でも）"
    ),
    # evaluations: public reflections, open data, statistics, /my/
    "evaluations:list": public(),
    "evaluations:feed": public(GET_POST, note=FEED),
    "evaluations:export_columns": public(),
    "evaluations:export_csv": public(),
    "evaluations:export_json": public(),
    "evaluations:detail": public(note="公開された振り返りだけ。ほかは 404"),
    "evaluations:project_feed": public(GET_POST, note=FEED),
    "evaluations:department": public(note="廃止された部署は 404"),
    "evaluations:stats": public(),
    "evaluations:my_list": Rule(Access.SIGNED_IN),
    "evaluations:my_start": Rule(Access.CSO_MEMBER, POST, note="協定書の団体のメンバーだけ"),
    "evaluations:my_detail": Rule(Access.CSO_MEMBER, note="相手側の記入は両者の提出まで隠す"),
    "evaluations:my_part": Rule(Access.CSO_MEMBER, POST),
    "evaluations:my_decision": Rule(Access.CSO_MEMBER, POST),
    "evaluations:my_decision_confirm": Rule(Access.CSO_MEMBER, POST),
    "evaluations:my_follow_up": Rule(Access.CSO_MEMBER, POST),
    # outreach
    "outreach:event_list": public(),
    "outreach:event_calendar": public(),
    "outreach:event_detail": public(note="職員研修は県職員だけ。下書きは 404"),
    "outreach:event_register": public(POST, note="ログインしない人はメールの確認リンクで確定"),
    "outreach:event_cancel_mine": Rule(Access.OWN, POST, note="自分の申込だけ。ほかは 404"),
    "outreach:event_ics": public(),
    "outreach:registration_confirm": Rule(Access.TOKEN, GET_POST),
    "outreach:registration_cancel": Rule(Access.TOKEN, GET_POST),
    "outreach:news_list": public(),
    "outreach:news_feed": public(GET_POST, note=FEED),
    "outreach:news_detail": public(note="公開日時の前は 404"),
    "outreach:contacts": public(),
    "outreach:guideline": public(),
    "outreach:privacy": public(),
    "outreach:terms": public(),
    # advisors (/my/advisor-requests/)
    "advisors:list": Rule(Access.SIGNED_IN),
    "advisors:create": Rule(
        Access.NPO_ADMIN, GET_POST, refusal=403, note="NPO法人の管理者でない人には理由を表示"
    ),
    "advisors:detail": Rule(Access.CSO_MEMBER),
    "advisors:withdraw": Rule(
        Access.CSO_MEMBER, POST, note="取下げは管理者だけ（メンバーには通知）"
    ),
}

# Whole subtrees with one rule: the admin checks staff itself and then each model's permission
# and department (tested in each app's admin tests); a non-staff user is sent to its login.
PREFIX_RULES = {
    "admin/": Rule(Access.STAFF, GET_POST, refusal=302, ok={"GET": {200}}),
}
# Patterns that exist only with DEBUG on (development server); never in production.
DEBUG_ONLY_PREFIXES = ("media/",)


def rule_for(name, route):
    """The rule of a pattern: by its URL name, else by the prefix its route starts with."""
    if name in PERMISSION_MAP:
        return PERMISSION_MAP[name]
    for prefix, rule in PREFIX_RULES.items():
        if route.startswith(prefix):
            return rule
    return None


def url_patterns(resolver=None, prefix="", namespace=None):
    """Every pattern of the URLconf as (route, name, pattern), the admin as its own entries."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from url_patterns(pattern, route, space)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield route, name, pattern
