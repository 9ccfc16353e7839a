"""What a person wrote or did in proposals and agreements, in "download my data", and what
closing their account keeps of it (accounts/personal_data.py; registered in
ProposalsConfig.ready()).

Closing changes nothing here: proposals, the consultation, agreements and progress reports are
the record of a collaboration, and each names who did what by the person's name (the account
keeps it; its address is gone). Only the person's own entries are exported: of a consultation
thread, the entries they wrote and that are shared with the CSO (a 県内部 entry of staff never).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import (
    ACTION,
    STATUS_CHANGE,
    ClosingStep,
    Section,
    history_section,
    register_closing_step,
    register_export_section,
    shown,
)
from proposals.models import (
    AgreementParty,
    AgreementTransition,
    Attachment,
    ConsultationEntry,
    ProgressAttachment,
    ProgressReport,
    Proposal,
    ProposalTransition,
)

KEPT = ClosingStep(
    key="proposals.records",
    keeps=(
        (
            gettext_lazy("提案"),
            gettext_lazy(
                "団体の提案として残ります。だれが作成し、提出・取下げなどをしたかとして、"
                "氏名を表示します。"
            ),
        ),
        (
            gettext_lazy("協議の記録と添付ファイル"),
            gettext_lazy(
                "あなたが書いた記録と登録したファイルは協議の経過として残り、氏名を表示します。"
            ),
        ),
        (
            gettext_lazy("協定書の確認と進捗報告"),
            gettext_lazy(
                "だれが協定書を確認し、進捗を報告したかは、氏名とともに残ります。協定書に書かれた"
                "団体の担当者の氏名・連絡先は、両者が確認した文書の一部なので変えません。"
            ),
        ),
    ),
)


def proposals(user):
    return Section.of(
        key="proposals",
        title=_("作成した提案"),
        note=_("提案の内容は団体のものです。団体のメンバーのあいだは、マイページで読めます。"),
        objects=Proposal.objects.filter(created_by=user)
        .select_related("cso", "department__parent", "theme")
        .order_by("created_at", "pk"),
        columns={
            "created_at": (_("作成した日時"), "created_at"),
            "title": (_("事業名"), "title"),
            "cso": (_("提案団体"), "cso.name"),
            "department": (_("提案先の部署"), "department.full_name"),
            "theme": (_("募集テーマ"), lambda p: p.theme.title if p.theme_id else _("自由提案")),
            "status": (_("状態"), shown("status")),
            "submitted_at": (_("提出した日時"), "submitted_at"),
        },
    )


def proposal_steps(user):
    return history_section(
        ProposalTransition.objects.filter(by=user).select_related("proposal"),
        key="proposal_steps",
        title=_("提案の操作（提出・取下げなど）"),
        columns={"proposal": (_("提案"), "proposal.title"), **STATUS_CHANGE},
    )


def consultation_entries(user):
    return Section.of(
        key="consultation_entries",
        title=_("協議の記録（あなたの記入）"),
        note=_("あなたが書いた記録だけです。ほかの人の記入は、それぞれの提案のページで読めます。"),
        objects=ConsultationEntry.objects.filter(author=user)
        .shared()
        .select_related("proposal")
        .order_by("occurred_on", "created_at", "pk"),
        columns={
            "occurred_on": (_("日付"), "occurred_on"),
            "proposal": (_("提案"), "proposal.title"),
            "kind": (_("種類"), shown("kind")),
            "text": (_("内容"), "text"),
            "created_at": (_("記入した日時"), "created_at"),
        },
    )


def files(user):
    """Files the person uploaded: of proposals and shared consultation entries, and of
    progress reports (never a file of a 県内部 entry)."""
    proposal_files = (
        Attachment.objects.filter(uploaded_by=user)
        .exclude(entry__visibility=ConsultationEntry.Visibility.INTERNAL)
        .select_related("proposal")
        .order_by("uploaded_at", "pk")
    )
    report_files = (
        ProgressAttachment.objects.filter(uploaded_by=user)
        .select_related("report__agreement__current_version", "report__agreement__proposal")
        .order_by("uploaded_at", "pk")
    )
    rows = [
        {
            "uploaded_at": file.uploaded_at,
            "where": _("提案「%(title)s」") % {"title": file.proposal.title},
            "original_name": file.original_name,
            "size": file.size,
            "removed": file.is_removed,
        }
        for file in proposal_files
    ] + [
        {
            "uploaded_at": file.uploaded_at,
            "where": _("進捗報告（%(title)s）") % {"title": file.report.agreement.title},
            "original_name": file.original_name,
            "size": file.size,
            "removed": False,
        }
        for file in report_files
    ]
    return Section(
        key="files",
        title=_("登録したファイル"),
        note=_("ファイルそのものは、それぞれのページから開けます。"),
        columns={
            "uploaded_at": _("登録した日時"),
            "where": _("どこに"),
            "original_name": _("ファイル名"),
            "size": _("サイズ（バイト）"),
            "removed": _("取り消し済み"),
        },
        rows=rows,
    )


def agreement_confirmations(user):
    return Section.of(
        key="agreement_confirmations",
        title=_("協定書の確認"),
        objects=AgreementParty.objects.filter(confirmed_by=user)
        .select_related("version", "cso")
        .order_by("confirmed_at", "pk"),
        columns={
            "confirmed_at": (_("確認した日時"), "confirmed_at"),
            "title": (_("事業名"), "version.title"),
            "version": (_("版"), "version.number"),
            "cso": (_("団体"), "cso.name"),
        },
    )


def agreement_steps(user):
    return history_section(
        AgreementTransition.objects.filter(by=user).select_related(
            "agreement__current_version", "agreement__proposal", "version"
        ),
        key="agreement_steps",
        title=_("協定の操作（確認・修正の依頼など）"),
        columns={
            "agreement": (_("協定"), "agreement.title"),
            "version": (_("版"), lambda step: step.version.number if step.version_id else None),
            **ACTION,
        },
    )


def progress_reports(user):
    return Section.of(
        key="progress_reports",
        title=_("進捗報告"),
        objects=ProgressReport.objects.filter(author=user)
        .select_related("agreement__current_version", "agreement__proposal")
        .order_by("reported_on", "created_at", "pk"),
        columns={
            "reported_on": (_("報告日"), "reported_on"),
            "agreement": (_("協定"), "agreement.title"),
            "percent_complete": (_("進捗率（%）"), "percent_complete"),
            "text": (_("報告の内容"), "text"),
            "next_steps": (_("次の予定"), "next_steps"),
            "visibility": (_("公開範囲"), shown("visibility")),
            "public_summary": (_("公開用の要約"), "public_summary"),
        },
    )


def register():
    register_closing_step(KEPT)
    for section in (
        proposals,
        proposal_steps,
        consultation_entries,
        files,
        agreement_confirmations,
        agreement_steps,
        progress_reports,
    ):
        register_export_section(section)
