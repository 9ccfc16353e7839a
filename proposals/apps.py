from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("テーマ・提案・協定")
    # seed_demo runs these in order: agreements are made from the demo's agreed proposals.
    demo_modules = ["proposals.demo", "proposals.agreements.demo"]

    def ready(self):
        from kyodo_portal import page_cache

        page_cache.watch_app(
            self,
            internal=[
                "ProposalTransition",
                "ConsultationEntry",
                "Attachment",
                "ReviewCriterion",
                "ReviewAssignment",
                "ReviewScore",
                "AgreementTransition",
                "ProgressAttachment",
            ],
            # Public pages show proposals only once decided (合意 in its agreement, 合意 and
            # 不採択 in /stats/), and a decision is final: drafts, submissions and
            # consultation change nothing public. Agreements from 締結 on, with the version in
            # force (and those it replaced); never a draft or an open amendment.
            shown={
                "Theme": lambda theme: theme.status in theme.PUBLIC_STATUSES,
                "Proposal": lambda proposal: proposal.status in proposal.DECIDED_STATUSES,
                "Agreement": lambda agreement: agreement.is_public,
                "AgreementVersion": lambda version: version.is_public,
                "AgreementParty": lambda party: party.version.is_public,
                "RoleAssignment": lambda role: role.version.is_public,
                "ProgressReport": lambda report: report.is_public and report.agreement.is_public,
            },
        )

        # What a person wrote or did here, in "download my data" and on the closing page.
        from proposals import personal_data

        personal_data.register()
