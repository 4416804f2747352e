"""The page in a real browser: headless Chromium (Debian's chromium + chromium-driver) via selenium.

The real app runs in a thread on 127.0.0.1 (werkzeug's make_server, a free port); the browser
only ever connects there. `make browser` installs Chromium for CI.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from cdcheck.web import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 60  # seconds; the first check in a session may still be loading models


@pytest.fixture(scope="module")
def server(checker):
    """The real app served on 127.0.0.1 at a free port, for this module's tests."""
    from werkzeug.serving import make_server

    app = create_app({"CHECKER": checker})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, nothing fetched from the network, a fresh profile."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        message = "Debian's chromium and chromium-driver are not installed (see `make browser`)"
        if os.environ.get("CI"):  # CI installs them (make test): missing there is a failure
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cdcheck-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run",
                 f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, server):
    """The page, freshly loaded."""
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    browser.get_log("browser")  # start each test with an empty console
    return browser


def _wait(driver, condition, timeout=WAIT):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _result(driver):
    """Wait until the result is shown; the results element."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return _wait(driver, ec.visibility_of_element_located((By.ID, "results")))


def _no_console_errors(driver):
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe  # script errors, CSP violations, failed loads


def test_paste_the_guides_example_and_see_the_violation(page, guide_examples):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    text = (guide_examples / "1-not-allowed.txt").read_text(encoding="utf-8")
    page.find_element(By.ID, "text").send_keys(text)
    # Submit from the keyboard: Tab to the button is long, Enter on it is what a user does.
    button = page.find_element(By.ID, "submit")
    page.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)

    _result(page)
    verdict = page.find_element(By.ID, "verdict")
    assert "verdict-violation" in verdict.get_attribute("class")
    assert page.find_element(By.ID, "verdict-title").text == "Violation"
    marks = page.find_elements(By.CSS_SELECTOR, "#statement mark.sev-error")
    assert marks and all("country x" in m.text.lower() for m in marks)
    # The statement is shown whole, marks included, as plain text.
    statement = page.find_element(By.ID, "statement").text
    assert "non-punishment of Victims of Trafficking" in statement
    # The words that decided the blame are underlined in the statement, outside the marks.
    evidence = page.find_elements(By.CSS_SELECTOR, "#statement .evidence")
    assert evidence and all(e.is_displayed() for e in evidence)
    assert all(e.text.strip() and e.text in text for e in evidence)
    assert not page.find_elements(By.CSS_SELECTOR, "#statement mark .evidence, #statement .evidence mark")
    # Focus moved to the result; the live region says the verdict.
    assert page.switch_to.active_element.get_attribute("id") == "results-heading"
    _wait(page, lambda d: "Violation" in d.find_element(By.ID, "status").get_attribute("textContent"))
    # Each blamed mention has its reason, a rewrite and a button to copy it.
    first = page.find_element(By.CSS_SELECTOR, "#findings li.sev-error")
    assert "Why:" in first.text and "Suggested rewrite:" in first.text
    assert first.find_element(By.CSS_SELECTOR, ".decided").text.startswith("Decided by: ")
    rewrite = first.find_element(By.CSS_SELECTOR, ".rewrite").text
    assert rewrite and "country x" not in rewrite.lower()
    copy = first.find_element(By.CSS_SELECTOR, "button")
    copy.click()
    _wait(page, lambda d: copy.text in ("Copied", "Copy failed: select the text"))
    # The mention links to its finding, and focus follows.
    marks[0].find_element(By.TAG_NAME, "a").click()
    assert page.switch_to.active_element.get_attribute("id") == "finding-1"
    _no_console_errors(page)


def test_upload_a_text_file(page, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "statement.txt"
    path.write_text("Our organization has trained judges in Ghana since 2019.", encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(path))
    assert page.find_element(By.ID, "clear-file").is_displayed()
    page.find_element(By.ID, "submit").click()
    _result(page)
    assert page.find_element(By.ID, "results-heading").text == "Result for statement.txt"
    assert "Ghana" in page.find_element(By.ID, "statement").text
    assert page.find_elements(By.CSS_SELECTOR, "#statement mark")
    _no_console_errors(page)


def test_upload_a_docx(page, tmp_path, guide_examples):
    import docx
    from selenium.webdriver.common.by import By

    document = docx.Document()
    document.add_heading("Statement on trafficking in persons", level=1)
    document.add_paragraph((guide_examples / "1-not-allowed.txt").read_text(encoding="utf-8"))
    path = tmp_path / "statement.docx"
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())

    page.find_element(By.ID, "file").send_keys(str(path))
    page.find_element(By.ID, "submit").click()
    _result(page)
    assert page.find_element(By.ID, "results-heading").text == "Result for statement.docx"
    assert "verdict-violation" in page.find_element(By.ID, "verdict").get_attribute("class")
    assert page.find_elements(By.CSS_SELECTOR, "#statement mark.sev-error")
    _no_console_errors(page)


def test_errors_are_shown_next_to_the_field(page):
    from selenium.webdriver.common.by import By

    page.find_element(By.ID, "submit").click()  # nothing pasted
    error = page.find_element(By.ID, "form-error")
    assert error.is_displayed() and "Paste a statement" in error.text
    text = page.find_element(By.ID, "text")
    assert text.get_attribute("aria-invalid") == "true"
    assert page.switch_to.active_element == text

    text.send_keys("Country X has failed its victims.")
    page.find_element(By.ID, "speaker").send_keys("Atlantis")
    page.find_element(By.ID, "submit").click()
    _wait(page, lambda d: "Atlantis" in d.find_element(By.ID, "form-error").text)
    assert page.switch_to.active_element.get_attribute("id") == "speaker"
    assert not page.find_element(By.ID, "results").is_displayed()


def test_speaker_from_the_country_list(page):
    from selenium.webdriver.common.by import By

    options = page.find_elements(By.CSS_SELECTOR, "#countries option")
    assert any(o.get_attribute("value") == "Norway (NOR)" for o in options)
    page.find_element(By.ID, "text").send_keys(
        "Norway is not adequately treating victims of trafficking in persons.")
    page.find_element(By.ID, "speaker").send_keys("Norway (NOR)")
    page.find_element(By.ID, "submit").click()
    _result(page)
    assert "verdict-ok" in page.find_element(By.ID, "verdict").get_attribute("class")


def test_readable_on_a_phone(page, guide_examples):
    from selenium.webdriver.common.by import By

    page.set_window_size(390, 844)
    page.find_element(By.ID, "text").send_keys(
        (guide_examples / "1-not-allowed.txt").read_text(encoding="utf-8"))
    page.find_element(By.ID, "submit").click()
    _result(page)
    width = page.execute_script("return window.innerWidth")
    assert page.execute_script("return document.documentElement.scrollWidth") <= width
    button = page.find_element(By.ID, "submit")
    assert button.size["height"] >= 44  # a touch target
