"""axe-core checks for WCAG 2.0/2.1 A and AA (the automated part of JIS X 8341-3:2016 AA)."""

import json

from axe_playwright_python.sync_playwright import Axe

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()
AXE_SCRIPT = _axe.axe_script  # axe-core as bundled by axe-playwright-python


def install_axe(context):
    """Load axe-core into every page the context opens (once, instead of per check)."""
    context.add_init_script(script=AXE_SCRIPT)


def axe_violations(page):
    """Run axe-core on the page as it is now; return its violations (empty when clean)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(
        f"() => axe.run(document, {json.dumps(OPTIONS)}).then(results => results.violations)"
    )


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
