"""No portal page is wider than a 360 px phone screen, in English or Swahili (real chromium)."""

import pytest

from .every_page import visit_every_portal_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROWEST_PHONE = 360


@pytest.mark.parametrize("language", ["en", "sw"])
def test_no_portal_page_scrolls_sideways_on_a_360_px_phone(browser, live_server, language):
    context = browser.new_context(viewport={"width": NARROWEST_PHONE, "height": 740}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    widths = {}

    def measure(page, name):
        assert page.evaluate("document.documentElement.lang") == language
        widths[name] = page.evaluate("document.documentElement.scrollWidth")

    visit_every_portal_page(page, live_server.url, measure)
    context.close()

    assert len(widths) == 12
    assert {name: width for name, width in widths.items() if width > NARROWEST_PHONE} == {}
