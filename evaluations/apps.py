from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("振り返り・公開")

    def ready(self):
        from kyodo_portal import page_cache

        page_cache.watch_app(
            self,
            internal=["EvaluationPart", "EvaluationTransition"],
            shown={"Evaluation": lambda evaluation: evaluation.is_published},
        )

        from cso_registry.sections import register_detail_section
        from evaluations.sections import cso_track_record

        register_detail_section(cso_track_record)

        # 振り返り in "download my data" and in closing an account (accounts/personal_data.py).
        from evaluations import personal_data

        personal_data.register()
