from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from kyodo_portal.site import SiteFeed
from proposals.models import Theme


class OpenThemesFeed(SiteFeed):
    """Themes open for proposals now, newest first (Atom)."""

    feed_type = Atom1Feed
    title = _("協働ポータル 募集中のテーマ")
    subtitle = _("県の各部署が CSO からの提案を募集しているテーマです。")
    link = reverse_lazy("proposals:theme_list")

    def items(self):
        return Theme.objects.open_on().select_related("department__parent")[:50]

    def item_title(self, item):
        return f"{item.title}（{item.department.full_name}）"

    def item_description(self, item):
        return item.wanted

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at
