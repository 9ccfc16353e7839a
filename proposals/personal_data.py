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
    ClosingStep,
    Section,
    register_closing_step,
    register_export_section,
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
    rows = (
        Proposal.objects.filter(created_by=user)
        .select_related("cso", "department__parent", "theme")
        .order_by("created_at", "pk")
    )
    return Section(
        key="proposals",
        title=_("作成した提案"),
        note=_("提案の内容は団体のものです。団体のメンバーのあいだは、マイページで読めます。"),
        columns={
            "created_at": _("作成した日時"),
            "title": _("事業名"),
            "cso": _("提案団体"),
            "department": _("提案先の部署"),
            "theme": _("募集テーマ"),
            "status": _("状態"),
            "submitted_at": _("提出した日時"),
        },
        rows=[
            {
                "created_at": proposal.created_at,
                "title": proposal.title,
                "cso": proposal.cso.name,
                "department": proposal.department.full_name,
                "theme": proposal.theme.title if proposal.theme_id else _("自由提案"),
                "status": proposal.get_status_display(),
                "submitted_at": proposal.submitted_at,
            }
            for proposal in rows
        ],
    )


def proposal_steps(user):
    rows = (
        ProposalTransition.objects.filter(by=user).select_related("proposal").order_by("at", "pk")
    )
    return Section(
        key="proposal_steps",
        title=_("提案の操作（提出・取下げなど）"),
        columns={
            "at": _("日時"),
            "proposal": _("提案"),
            "from_status": _("変更前"),
            "to_status": _("変更後"),
            "comment": _("コメント"),
        },
        rows=[
            {
                "at": step.at,
                "proposal": step.proposal.title,
                "from_status": step.get_from_status_display(),
                "to_status": step.get_to_status_display(),
                "comment": step.comment,
            }
            for step in rows
        ],
    )


def consultation_entries(user):
    rows = (
        ConsultationEntry.objects.filter(author=user)
        .shared()
        .select_related("proposal")
        .order_by("occurred_on", "created_at", "pk")
    )
    return Section(
        key="consultation_entries",
        title=_("協議の記録（あなたの記入）"),
        note=_("あなたが書いた記録だけです。ほかの人の記入は、それぞれの提案のページで読めます。"),
        columns={
            "occurred_on": _("日付"),
            "proposal": _("提案"),
            "kind": _("種類"),
            "text": _("内容"),
            "created_at": _("記入した日時"),
        },
        rows=[
            {
                "occurred_on": entry.occurred_on,
                "proposal": entry.proposal.title,
                "kind": entry.get_kind_display(),
                "text": entry.text,
                "created_at": entry.created_at,
            }
            for entry in rows
        ],
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
    rows = (
        AgreementParty.objects.filter(confirmed_by=user)
        .select_related("version", "cso")
        .order_by("confirmed_at", "pk")
    )
    return Section(
        key="agreement_confirmations",
        title=_("協定書の確認"),
        columns={
            "confirmed_at": _("確認した日時"),
            "title": _("事業名"),
            "version": _("版"),
            "cso": _("団体"),
        },
        rows=[
            {
                "confirmed_at": party.confirmed_at,
                "title": party.version.title,
                "version": party.version.number,
                "cso": party.cso.name,
            }
            for party in rows
        ],
    )


def agreement_steps(user):
    rows = (
        AgreementTransition.objects.filter(by=user)
        .select_related("agreement__current_version", "agreement__proposal", "version")
        .order_by("at", "pk")
    )
    return Section(
        key="agreement_steps",
        title=_("協定の操作（確認・修正の依頼など）"),
        columns={
            "at": _("日時"),
            "agreement": _("協定"),
            "version": _("版"),
            "action": _("操作"),
            "comment": _("コメント"),
        },
        rows=[
            {
                "at": step.at,
                "agreement": step.agreement.title,
                "version": step.version.number if step.version_id else None,
                "action": step.get_action_display(),
                "comment": step.comment,
            }
            for step in rows
        ],
    )


def progress_reports(user):
    rows = (
        ProgressReport.objects.filter(author=user)
        .select_related("agreement__current_version", "agreement__proposal")
        .order_by("reported_on", "created_at", "pk")
    )
    return Section(
        key="progress_reports",
        title=_("進捗報告"),
        columns={
            "reported_on": _("報告日"),
            "agreement": _("協定"),
            "percent_complete": _("進捗率（%）"),
            "text": _("報告の内容"),
            "next_steps": _("次の予定"),
            "visibility": _("公開範囲"),
            "public_summary": _("公開用の要約"),
        },
        rows=[
            {
                "reported_on": report.reported_on,
                "agreement": report.agreement.title,
                "percent_complete": report.percent_complete,
                "text": report.text,
                "next_steps": report.next_steps,
                "visibility": report.get_visibility_display(),
                "public_summary": report.public_summary,
            }
            for report in rows
        ],
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
