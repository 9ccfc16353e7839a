from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("テーマ・提案・協定")

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
            # Saving a draft changes nothing public; every later status counts in /stats/.
            when={"Proposal": lambda proposal: proposal.status != proposal.Status.DRAFT},
        )
