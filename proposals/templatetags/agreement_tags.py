from django import template

from proposals.models import Agreement

register = template.Library()

STATUS_BADGE = {
    "draft": "text-bg-light border",
    "confirmed": "text-bg-info",
    "concluded": "text-bg-primary",
    "in_progress": "text-bg-success",
    "completed": "text-bg-secondary",
    "superseded": "text-bg-light border",
    "withdrawn": "text-bg-dark",
}


@register.inclusion_tag("proposals/includes/_status_badge.html")
def agreement_badge(obj):
    """The state of an agreement or of one of its versions, as a badge."""
    return {
        "label": obj.get_status_display(),
        "css": STATUS_BADGE.get(obj.status, "text-bg-light"),
    }


@register.inclusion_tag("proposals/agreements/_my_section.html", takes_context=True)
def my_agreements_section(context):
    """The /my/ landing's list of the user's CSOs' agreements (templates/includes/_my_sections.html)."""
    user = context["user"]
    agreements = (
        Agreement.objects.of_cso_member(user).for_listing().order_by("-updated_at", "-pk")[:10]
        if user.is_authenticated
        else []
    )
    return {"agreements": agreements}
