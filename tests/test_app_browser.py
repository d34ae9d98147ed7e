"""The interactive app in a real browser: `routesim app` served on 127.0.0.1, driven by headless Chromium.

The browser is Debian's `chromium` package (`.ci/run` installs it), driven by Playwright with its
executable path: no browser is downloaded. Skipped, with the reason, where the optional extra `app`,
Playwright or a Chromium executable is missing. Set ROUTESIM_APP_SCREENSHOT=path to save a
screenshot of the page after the ten steps (how docs/app.png is made).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "tests" / "fixtures" / "scenario_small" / "scenario.yaml"
TIMEOUT_MS = 120_000  # the 2-core CI machine is slow while the rest of the suite runs beside it


def _chromium() -> str | None:
    for name in (os.environ.get("ROUTESIM_CHROMIUM"), "chromium", "chromium-browser"):
        if name and (path := shutil.which(name)):
            return path
    return None


def _skip_reason() -> str | None:
    import importlib.util

    if importlib.util.find_spec("solara") is None:
        return "the optional extra 'app' (solara) is not installed: pip install -e '.[app]'"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (dev extra)"
    if _chromium() is None:
        return "no Chromium executable (install Debian's chromium package: apt-get install chromium)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout_s: float = 240.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"routesim app exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1.0)
    raise AssertionError(f"routesim app did not answer at {url} within {timeout_s:.0f} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim", "app", str(SCENARIO), "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the CLI and the solara server it started
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _date_is(page, d: date) -> None:
    page.get_by_text(f"Date: {d.isoformat()}", exact=True).wait_for(timeout=TIMEOUT_MS)


def test_step_change_a_control_and_reset(app_url):
    from playwright.sync_api import expect, sync_playwright

    sc = load_scenario(SCENARIO)
    first = date.fromisoformat(str(sc.start)) - timedelta(days=sc.burn_in_days)
    fence = "fence: Edirne->Orestiada from 2012-08-01"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1100})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(app_url)
            _date_is(page, first)
            status = page.locator("pre").first  # describe(model) and what the model runs with
            expect(status).to_contain_text("\nseed: 7\n")
            expect(status).to_contain_text("events in force: 2 of 2")

            step = page.get_by_role("button", name="Step")
            for i in range(1, 11):
                step.click()
                _date_is(page, first + timedelta(days=i))
            # the charts follow the model: the detections chart sums the ten simulated days
            expect(page.get_by_text("simulated detections over the last 10 days", exact=False)).to_be_visible()
            assert page.locator("img").count() >= 3  # map, detections, reputation
            expect(status).to_contain_text("next: burn-in day 11 of 60")
            if shot := os.environ.get("ROUTESIM_APP_SCREENSHOT"):
                page.screenshot(path=shot)

            # change controls: a new seed and the fence switched off; then Reset
            seed = page.get_by_label("Seed")
            seed.fill("11")
            seed.press("Enter")
            page.get_by_text(fence, exact=True).click()  # the label (vuetify hides the input itself)
            expect(page.get_by_label(fence)).not_to_be_checked()
            page.get_by_role("button", name="Reset").click()
            _date_is(page, first)
            # the controls still show the new values ...
            expect(page.get_by_label("Seed")).to_have_value("11")
            expect(page.get_by_label(fence)).not_to_be_checked()
            # ... and the model runs with them
            expect(status).to_contain_text("\nseed: 11\n")
            expect(status).to_contain_text("events in force: 1 of 2 (off: " + fence + ")")
            expect(status).to_contain_text("(seed 11, 20 persons per agent)")
            step.click()
            _date_is(page, first + timedelta(days=1))
            expect(status).to_contain_text("(seed 11, 20 persons per agent)")
            expect(status).to_contain_text("events in force: 1 of 2")
        finally:
            browser.close()
