"""axe-core checks for WCAG 2.0/2.1 A and AA (the automated part of JIS X 8341-3:2016 AA)."""

from axe_playwright_python.sync_playwright import Axe

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def axe_violations(page):
    """Run axe-core on the page as it is now; return its violations (empty when clean)."""
    result = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    return result.response["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)


def has_horizontal_scroll(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
