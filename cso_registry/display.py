"""How a CSO is named on staff pages about other records (proposals, agreements): its name,
with its state where 県民協働課 has not verified it."""

from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def cso_names_with_state(csos):
    """The CSOs' names for a list, each not verified by 県民協働課 marked with its state."""
    return format_html_join(
        "、",
        "{}{}",
        (
            (cso.name, "" if cso.can_collaborate else f"（{cso.get_status_display()}）")
            for cso in csos
        ),
    )


def cso_states(csos):
    """Each CSO's state on a proposal's or agreement's page, with a warning for one that
    県民協働課 has not verified (it cannot submit, be a party, or ask for an advisor)."""
    return format_html_join(
        mark_safe("<br>"),
        "{}: {}{}",
        (
            (
                cso.name,
                cso.get_status_display(),
                ""
                if cso.can_collaborate
                else gettext("（県民協働課の確認が済んでいません。提出・締結はできません）"),
            )
            for cso in csos
        ),
    )
