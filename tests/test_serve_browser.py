"""Live reload in a real browser (Debian's Chromium through Playwright): with ``kzgraph serve``
running, a page file is edited and the open page shows the new title within seconds, with no
reload by hand; a save with errors shows the error list; the fix brings the page back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, replace_in
from servehelp import Served

CHROMIUM = "/usr/bin/chromium"


def _chromium_or_skip() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")  # pragma: no cover


@pytest.fixture
def browser():
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def test_an_edit_reloads_the_open_page_and_errors_replace_it(tmp_path, browser):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    page_file = content / "sources" / "feminita" / "index.md"
    served = Served(tmp_path / "here", content).wait()
    try:
        page = browser.new_page()
        page.goto(served.url + "sources/sources/feminita/")
        assert "Feminita" in page.title()
        page.evaluate("window.kzgraphMark = 'not reloaded'")
        replace_in(page_file, 'title: "Feminita"', 'title: "Feminita, edited live"')
        # within a few seconds, and the page was reloaded by its script, not by this test
        page.wait_for_function("document.title.includes('Feminita, edited live')",
                               timeout=20_000)
        assert page.evaluate("window.kzgraphMark") is None
        assert page.locator("h1").first.inner_text().strip().startswith("Feminita, edited live")
        # a save with errors: the error list, not the stale page
        replace_in(page_file, "categories:", 'categories: ["no-such-category"]\nx_categories:')
        page.wait_for_selector("#kzgraph-problems", timeout=20_000)
        problems = page.locator("#kzgraph-problems li").all_inner_texts()
        assert any("no-such-category" in p and "feminita/index.md" in p for p in problems)
        assert "Feminita, edited live" not in page.content()
        # fixed: the page comes back by itself
        shutil.copy(CONTENT / "sources" / "feminita" / "index.md", page_file)
        page.wait_for_function("document.title.includes('Feminita') && "
                               "!document.getElementById('kzgraph-problems')", timeout=20_000)
    finally:
        served.stop()
