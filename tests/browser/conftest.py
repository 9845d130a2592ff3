"""Headless Chromium (Debian's chromium + chromium-driver) driven by Selenium."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    "--lang=zh-CN",
]


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or os.environ.get("PORTAL_CHROMIUM")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        require_service("Chromium", "chromium / chromium-driver not installed (scripts/test.sh)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def axe_script() -> str:
    if not AXE.exists():
        require_service("axe-core", f"{AXE} missing (npm ci, run by scripts/test.sh)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def live_site(portal, live_server) -> str:
    """The live server's address, answered by the national portal (the default site).

    Wagtail's migrations leave a `localhost` site; Wagtail matches a request's hostname before
    falling back to the default, so that site would answer http://localhost:<port>/.
    """
    from wagtail.models import Site

    Site.objects.filter(hostname="localhost").exclude(pk=portal.national.pk).delete()
    return live_server.url
