"""A reader in headless Chromium, for the report's tests: opens a page from a file, acts on it, and keeps the
console's errors and every request the page makes, so a test can say none was an error and none left the page.

Debian's ``chromium`` and ``chromium-driver`` with pip's ``selenium``; ``.ci/run`` installs them.  Without them the
tests are skipped, except in CI (``CI=true``), where a missing browser fails them.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

#: Screenshots and a PDF of the page, for a person to look at (git ignores the folder).
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--lang=en-US", "--window-size=1280,1000", "--force-device-scale-factor=1")
#: What a page may load: itself and what it makes in memory.  Anything else left the page.
LOCAL = ("file:", "data:", "blob:", "about:")


def _tools() -> tuple[str | None, str | None, list[str]]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    missing = [n for n, p in (("chromium", browser), ("chromedriver (Debian: chromium-driver)", driver)) if not p]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    return browser, driver, missing


class Reader:
    """One browser session; :meth:`open` a page, act, then :meth:`assert_clean`."""

    def __init__(self, driver):
        self.driver = driver
        self.errors: list[str] = []
        self.requests: list[str] = []

    # --- what the page did ---------------------------------------------------------------------------------------
    def _drain(self) -> None:
        for entry in self.driver.get_log("browser"):
            if entry["level"] in ("SEVERE", "ERROR"):
                self.errors.append(entry["message"])
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg["method"] == "Network.requestWillBeSent":
                self.requests.append(msg["params"]["request"]["url"])

    def assert_clean(self) -> None:
        """No error in the console, and every request the page made was for itself or for data it holds."""
        self._drain()
        assert not self.errors, f"console errors: {self.errors}"
        outside = [u for u in self.requests if not u.startswith(LOCAL)]
        assert not outside, f"requests that left the page: {outside}"
        assert any(u.startswith("file:") for u in self.requests), "the page's own load was not seen: no log?"

    # --- acting ----------------------------------------------------------------------------------------------------
    def open(self, path: Path, fragment: str = "") -> None:
        self.driver.get("about:blank")
        self.driver.get_log("browser")
        self.driver.get_log("performance")
        self.errors, self.requests = [], []
        self.driver.set_window_size(1280, 1000)
        self.driver.get(path.resolve().as_uri() + fragment)
        ready = self.driver.execute_script("return document.documentElement.dataset.ready")
        assert ready == "true", "the page's script did not finish"

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def find(self, css: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        """Scroll a control to the middle of the window (clear of the sticky date bar), then click it."""
        element = self.find(css)
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def slide_to(self, iso: str) -> None:
        """Move the date slider to a day, as dragging it there does (an input event on the range)."""
        self.js("""const s = document.getElementById('date-slider');
                   const day = (d) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 864e5;
                   s.value = day(arguments[0]) - day(document.getElementById('date-field').min);
                   s.dispatchEvent(new Event('input', {bubbles: true}));""", iso)
        assert self.date() == iso

    def type_date(self, iso: str) -> None:
        """Type a date into the date field, as a reader with a keyboard does (en-US: month, day, year)."""
        field = self.find("#date-field")
        field.send_keys(iso[5:7] + iso[8:10] + iso[:4])
        assert self.date() == iso, self.date()

    def date(self) -> str:
        return self.find("#date-field").get_attribute("value")

    def table(self, table_id: str) -> list[dict[str, str]]:
        """A table's body rows as {column header: cell text}."""
        return self.js("""const t = document.getElementById(arguments[0]);
            const heads = [...t.querySelectorAll('thead th')].map((th) => th.textContent);
            return [...t.querySelectorAll('tbody tr')].map((tr) =>
                Object.fromEntries([...tr.children].map((td, i) => [heads[i], td.textContent.trim()])));""",
                       table_id)

    def mission(self, sending: str, host: str) -> dict[str, str]:
        rows = [r for r in self.table("t-missions") if (r["Sending"], r["Host"]) == (sending, host)]
        assert len(rows) == 1, rows
        return rows[0]

    def screenshot(self, name: str, full: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        if full:
            height = self.js("return document.documentElement.scrollHeight")
            width = self.js("return window.outerWidth")
            self.driver.set_window_size(width, min(height + 120, 12000))
        path = ARTIFACTS / name
        assert self.driver.save_screenshot(str(path))
        return path


@pytest.fixture(scope="module")
def reader():
    browser, driver_path, missing = _tools()
    if missing:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"CI runs the browser tests and needs {', '.join(missing)}: .ci/run installs them")
        pytest.skip(f"no {', '.join(missing)} here: install them to run the browser tests (CI does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="diplosim-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield Reader(driver)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
