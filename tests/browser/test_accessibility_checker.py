"""The checker itself: a deliberately broken page must fail it, a clean one must pass."""

from tests.browser.accessibility import axe_violations, has_horizontal_scroll

BROKEN_PAGE = """<!doctype html><html lang="ja"><head><title>壊れたページ</title></head>
<body><main><h1>壊れたページ</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="name"></form>
</main></body></html>"""

CLEAN_PAGE = """<!doctype html><html lang="ja"><head><title>正しいページ</title></head>
<body><main><h1>正しいページ</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="協働ポータルのロゴ">
<form><label for="name">団体名</label><input id="name" type="text" name="name"></form>
</main></body></html>"""


def test_an_image_without_alt_and_an_input_without_label_fail_the_check(page):
    page.set_content(BROKEN_PAGE)

    rules = {violation["id"] for violation in axe_violations(page)}

    assert {"image-alt", "label"} <= rules


def test_a_page_with_alt_text_and_labels_passes_the_check(page):
    page.set_content(CLEAN_PAGE)

    assert axe_violations(page) == []


def test_a_page_wider_than_the_phone_is_detected(page):
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content('<html lang="ja"><body><div style="width: 900px">横に長い</div></body></html>')

    assert has_horizontal_scroll(page)
