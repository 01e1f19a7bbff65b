"""The desk board in a real headless browser (Debian's Chromium through Playwright), opened
the way Telegram opens a Mini App: the page's address carries `#tgWebAppData=…` (the signed
initData) and `tgWebAppThemeParams`. With orders placed the way clients place them: the board
signs in and shows them, the filters work, a new order appears without a reload, an order's
timeline shows its deadlines, the charts are drawn, and a non-member is refused.
Screenshots are kept in tests/artifacts/board/ (ignored by git)."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, Route, async_playwright, expect

from bot.board.server import mount
from tests.flows.test_flows import MANAGER, approved_master, place_order
from tests.support.board import init_data, serve_files
from tests.support.flowkit import TOKEN, Harness, harness

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "board"
WAIT = 20_000  # ms: the list is polled every 3 s; the machine may be loaded
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499",
        "link_color": "#6ab3f3", "button_color": "#5288c1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c"}

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Chromium is not installed (apt-get install -y chromium; .ci/run installs it)")


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'board.sqlite3'}"
    async with harness(url, admin_ids=[MANAGER], board_url="http://127.0.0.1/board") as h:
        serve_files(h.session)
        yield h


@pytest.fixture
async def base(h: Harness) -> AsyncIterator[str]:
    web_app = web.Application()
    mount(web_app, h.app, h.bot)
    async with TestServer(web_app, host="127.0.0.1") as server:
        yield str(server.make_url("/board/")).rstrip("/")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        await b.close()


def mini_app(base: str, user_id: int) -> str:
    """The address as Telegram opens the Mini App: initData and the theme in the fragment."""
    return (f"{base}/#tgWebAppData={quote(init_data(TOKEN, user_id))}"
            f"&tgWebAppThemeParams={quote(json.dumps(DARK))}&tgWebAppVersion=8.0")


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_the_board_in_a_browser(h: Harness, base: str, browser: Browser) -> None:
    await approved_master(h, 700, "Ivan Petrov")
    anna = await place_order(h, h.person(100, "Anna"))
    boris = await place_order(h, h.person(101, "Boris"), address="Tverskaya 1, Moscow")
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(mini_app(base, MANAGER))
    await expect(page.get_by_test_id(f"order-{anna}")).to_be_visible(timeout=WAIT)
    await expect(page.get_by_test_id(f"order-{boris}")).to_be_visible()
    # Telegram's theme: the page takes its colours from themeParams
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") \
        == "rgb(23, 33, 43)"
    await shot(page, "1-now")

    await page.get_by_test_id("search").fill("Tverskaya")
    await page.get_by_test_id("search").press("Enter")
    await expect(page.get_by_test_id(f"order-{anna}")).to_have_count(0, timeout=WAIT)
    await expect(page.get_by_test_id(f"order-{boris}")).to_be_visible()
    await page.get_by_test_id("search").fill("")
    await page.get_by_test_id("filter-state").select_option("scheduled")  # submits itself
    await expect(page.get_by_test_id(f"order-{boris}")).to_have_count(0, timeout=WAIT)
    await page.get_by_test_id("filter-state").select_option("submitted")
    await expect(page.get_by_test_id(f"order-{anna}")).to_be_visible(timeout=WAIT)
    await shot(page, "2-filtered")

    newer = await place_order(h, h.person(102, "Chen"))  # while the page is open
    await expect(page.get_by_test_id(f"order-{newer}")).to_be_visible(timeout=WAIT)
    await shot(page, "3-new-order-appeared")

    await page.context.clear_cookies()  # the session ends while the page is open
    async with page.expect_response(lambda r: r.url.endswith("/board/auth"),
                                    timeout=WAIT) as again:
        pass  # the poll is refused, the page signs in again with the tab's initData
    assert (await again.value).status == 200
    await expect(page.get_by_test_id(f"order-{newer}")).to_be_visible(timeout=WAIT)

    await page.get_by_test_id(f"order-{anna}").get_by_role("link", name=f"#{anna}").click()
    photo = page.locator(".photos img").first  # fetched through getFile
    await expect(photo).to_be_visible(timeout=WAIT)
    assert await photo.evaluate("img => img.naturalWidth") == 1
    timeline = page.get_by_test_id("timeline")
    await expect(timeline).to_contain_text("deadline planned", timeout=WAIT)
    await expect(page.get_by_test_id("deadline-triage")).to_contain_text("pending")
    await shot(page, "4-order-timeline")

    await page.get_by_test_id("nav-figures").click()
    await expect(page.locator(".charts .card")).to_have_count(4, timeout=WAIT)
    per_day = page.locator('svg[data-chart="Orders per day by state"]')
    assert await per_day.locator("rect").count() > 0  # today's orders, as bars
    await expect(page.locator('svg[data-chart="SLA breaches"]')).to_be_visible()
    await shot(page, "5-figures")

    await page.get_by_test_id("nav-masters").click()
    await expect(page.locator("main")).to_contain_text("Ivan Petrov", timeout=WAIT)
    await shot(page, "6-masters")
    await page.set_viewport_size({"width": 390, "height": 800})  # a phone, as in Telegram
    await page.get_by_test_id("nav-now").click()
    await expect(page.get_by_test_id(f"order-{anna}")).to_be_visible(timeout=WAIT)
    await shot(page, "8-now-on-a-phone")
    assert errors == []


async def test_a_non_member_gets_403(h: Harness, base: str, browser: Browser) -> None:
    page = await browser.new_page()
    async with page.expect_response(lambda r: r.url.endswith("/board/auth")) as answer:
        await page.goto(mini_app(base, 555))
    assert (await answer.value).status == 403
    await expect(page.get_by_test_id("refused")).to_be_visible(timeout=WAIT)
    await shot(page, "7-refused")
    assert (await page.request.get(f"{base}/rows")).status == 401  # and no session was given


async def test_a_browser_that_drops_the_cookie_is_told_so(h: Harness, base: str,
                                                          browser: Browser) -> None:
    page = await browser.new_page()

    async def without_cookie(route: Route) -> None:  # as a frame with third-party cookies off
        await route.fulfill(status=200, body="ok")  # signed in, but no cookie kept

    await page.route("**/board/auth", without_cookie)
    await page.goto(mini_app(base, MANAGER))
    await expect(page.get_by_test_id("blocked")).to_be_visible(timeout=WAIT)
    await shot(page, "9-cookie-blocked")
