"""Fixtures for the console: a seeded store, the app served by uvicorn on a free port, a browser.

The browser is Debian's Chromium driven by Playwright (no browser download); tests that
need it skip with the reason when /usr/bin/chromium or the playwright package is absent.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy.engine import make_url

from api.config import Settings
from api.main import create_app
from api.serving import free_port
from assign.db import make_engine
from tests.conftest import BACKENDS, PG_URL, copy_sqlite_template, fresh_pg_schema, settle_sqlite
from tests.console.seed import SeededStore, seed_store

CHROMIUM = Path(os.environ.get("ASSIGN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass(frozen=True)
class LiveConsole:
    base_url: str
    store: SeededStore


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SeededStore:
    """The seeded store on SQLite, seeded once per session (a night with the real solver: seconds) and never
    written to after: each module gets a copy (`copy_seeded`)."""
    store = seed_store(tmp_path_factory.mktemp("console-template"))
    settle_sqlite(store.engine)
    return store


def copy_seeded(template: SeededStore, directory: Path) -> SeededStore:
    """A copy of the seeded SQLite store `template` in `directory`: the same keys and night, its own file."""
    url = copy_sqlite_template(Path(make_url(template.url).database or ""), directory / "console.sqlite")
    return dataclasses.replace(template, engine=make_engine(url), url=url)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_template: SeededStore) -> SeededStore:
    """The seeded store on SQLite (the browser tests run once, on this one)."""
    return copy_seeded(seeded_sqlite_template, tmp_path_factory.mktemp("console"))


@pytest.fixture(scope="module", params=BACKENDS)
def seeded_any(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededStore]:
    """The seeded store on each backend: SQLite, and PostgreSQL when ASSIGN_TEST_PG_URL is set."""
    directory = tmp_path_factory.mktemp("console")
    if request.param == "sqlite":
        yield copy_seeded(request.getfixturevalue("seeded_sqlite_template"), directory)
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set ASSIGN_TEST_PG_URL; .ci/run does)")
    with fresh_pg_schema(PG_URL) as url:
        store = seed_store(directory, url)
        try:
            yield store
        finally:
            store.engine.dispose()


@pytest.fixture(scope="module")
def live_console(seeded: SeededStore) -> Iterator[LiveConsole]:
    app = create_app(Settings(database_url=seeded.url, log_level="WARNING"), engine=seeded.engine)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="console-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveConsole(base_url=f"http://127.0.0.1:{port}", store=seeded)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium fonts-noto-cjk; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig is absent: Chinese text would not render")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page whose test fails if the console breaks its Content-Security-Policy (api/headers.py):
    Chromium reports every blocked script, style or connection on the console."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    violations: list[str] = []
    pg.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    pg.on("pageerror", lambda e: violations.append(f"page error: {e}"))
    try:
        yield pg
    finally:
        context.close()
    assert violations == [], violations


def sign_in(page: Any, console: LiveConsole, key: str) -> None:
    """Sign in on the login page with `key`; returns once the queue (the first page) is shown."""
    page.goto(f"{console.base_url}/console/login")
    page.fill("#api-key", key)
    page.click("#login-submit")
    page.wait_for_url("**/console/queue**")


def open_view(page: Any, console: LiveConsole, key: str, view: str, rows: str) -> None:
    """Sign in, follow the navigation link to `view` and wait until its first row (`rows`, a selector) is drawn."""
    sign_in(page, console, key)
    page.click(f"a[data-nav={view}]")
    page.wait_for_url(f"**/console/{view}**")
    page.locator(rows).first.wait_for()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
