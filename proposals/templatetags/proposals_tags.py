from django import template

register = template.Library()

STATUS_BADGE = {
    "draft": "text-bg-light border",
    "submitted": "text-bg-primary",
    "in_consultation": "text-bg-info",
    "agreed": "text-bg-success",
    "returned": "text-bg-warning",
    "rejected": "text-bg-secondary",
    "withdrawn": "text-bg-dark",
}


@register.inclusion_tag("proposals/includes/_status_badge.html")
def status_badge(proposal):
    return {
        "label": proposal.get_status_display(),
        "css": STATUS_BADGE.get(proposal.status, "text-bg-light"),
    }
