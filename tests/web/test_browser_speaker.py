"""The page sends a speaker typed in any case as its code (the API takes codes in capitals and
listed names only): headless Chromium, with test_browser.py's server and browser fixtures."""

from __future__ import annotations

import pytest
from test_browser import _no_console_errors, _result, browser, page, server  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("typed", ["norway", "nor", "no", "Norway (NOR)"])
def test_speaker_typed_in_any_case_is_sent_as_its_code(page, typed):  # noqa: F811
    from selenium.webdriver.common.by import By

    page.find_element(By.ID, "text").send_keys(
        "Norway is not adequately treating victims of trafficking in persons.")
    page.find_element(By.ID, "speaker").send_keys(typed)
    page.find_element(By.ID, "submit").click()
    _result(page)
    assert "verdict-ok" in page.find_element(By.ID, "verdict").get_attribute("class")
    _no_console_errors(page)
