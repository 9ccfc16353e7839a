"""Atom feeds: published evaluations, and newly concluded agreements (締結 or later)."""

import datetime

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation
from kyodo_portal.site import SiteFeed
from kyodo_portal.wareki import wareki_date
from proposals.models import Agreement

FEED_SIZE = 50


def _at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class PublishedEvaluationsFeed(SiteFeed):
    feed_type = Atom1Feed
    title = _("協働ポータル 公開された振り返り")
    subtitle = _("CSO と県が協働事業を一緒に振り返った結果です。")
    link = reverse_lazy("evaluations:list")

    def items(self):
        return (
            Evaluation.objects.published()
            .select_related("agreement__current_version", "agreement__department__parent")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.agreement.title}（{item.label}）"

    def item_description(self, item):
        decision = item.get_decision_display() if item.decision else _("協議中")
        return _("%(department)s・今後の方針: %(decision)s") % {
            "department": item.agreement.department.full_name,
            "decision": decision,
        }

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class ConcludedAgreementsFeed(SiteFeed):
    """Collaborations newly concluded (締結, 実施中 or 完了), newest 締結 first."""

    feed_type = Atom1Feed
    title = _("協働ポータル 新しく締結された協働事業")
    subtitle = _("県と CSO が協定を結んだ協働事業です。")
    link = "/projects/"  # stable public URL (DESIGN.md), served by the proposals app

    def items(self):
        return (
            Agreement.objects.public()
            .select_related("current_version", "department__parent")
            .order_by("-concluded_on", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return _("%(department)s・%(form)s・%(day)s 締結") % {
            "department": item.department.full_name,
            "form": item.get_form_display(),
            "day": wareki_date(item.concluded_on),
        }

    def item_pubdate(self, item):
        return _at_noon(item.concluded_on)

    def item_updateddate(self, item):
        return _at_noon(item.concluded_on)
