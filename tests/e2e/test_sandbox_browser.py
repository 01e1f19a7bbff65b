"""The sandbox in a real headless browser (Debian's Chromium through Playwright): a client
places an order by clicking and typing on the page, the desk phone shows the new topic and its
card, the manager assigns, the master accepts, and fast-forward makes a deadline fire.
Screenshots of each step are kept in tests/artifacts/sandbox/ (ignored by git)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from tests.support.sandbox import running_sandbox

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "sandbox"
WAIT = 60_000  # ms: the bot answers in well under a second, but the machine may be loaded

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Chromium is not installed (apt-get install -y chromium; .ci/run installs it)")


def phone(page: Page, name: str) -> Locator:
    return page.get_by_test_id(f"phone-{name}")


def press(where: Locator, label: str) -> None:
    """Press the newest button whose label contains `label`, once it is there."""
    button = where.locator("button", has_text=label).last
    expect(button).to_be_visible(timeout=WAIT)
    button.click()


def type_in(where: Locator, text: str) -> None:
    where.get_by_test_id("input").fill(text)
    where.get_by_test_id("send").click()


def shows(where: Locator, text: str) -> None:
    expect(where.get_by_test_id("chat")).to_contain_text(text, timeout=WAIT)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def place_order(page: Page) -> None:
    client = phone(page, "client")
    type_in(client, "/start")
    press(client, "New order")
    press(client, "Plumbing")
    shows(client, "Describe the problem")
    type_in(client, "The bathroom tap leaks")
    shows(client, "Added")
    client.get_by_test_id("send-photo").click()  # the sample photo
    shows(client, "Photo 1 of 10")
    client.get_by_test_id("send-photo").click()  # and a second one
    shows(client, "Photo 2 of 10")
    expect(client.locator("img").last).to_be_visible(timeout=WAIT)
    press(client, "Continue")
    shows(client, "Where should the master come?")
    type_in(client, "Vinohradská 3, flat 2, Praha")
    press(client, "Urgent")
    shows(client, "Share your phone number")
    shot(page, "1-share-contact")
    client.get_by_test_id("reply-keyboard").locator("button").first.click()  # share contact
    press(client, "Cash after completion")
    shows(client, "Please check your order")
    press(client, "Confirm")
    shows(client, "is placed")
    shot(page, "2-order-placed")


def test_an_order_from_the_page_to_a_fired_deadline(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_sandbox(tmp_path, "--fresh", "--demo") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        place_order(page)

        desk = phone(page, "desk")  # --demo placed orders #1-#3: this one is #4
        topic = desk.get_by_test_id("topic").filter(has_text="#4 Plumbing")
        expect(topic).to_be_visible(timeout=WAIT)
        topic.click()
        shows(desk, "Order #4")
        shows(desk, "The bathroom tap leaks")
        album = desk.get_by_test_id("photos").last  # the desk's album: one bubble, two photos
        expect(album.locator("img")).to_have_count(2, timeout=WAIT)
        shot(page, "3-desk-topic-and-card")
        press(desk, "Assign")
        press(desk, "Piotr")
        shows(desk, "Offered to Piotr")

        master = phone(page, "master")
        master.get_by_test_id("holder").select_option(label="Piotr (Master)")
        shows(master, "New job offer: order #4")
        press(master, "Accept")
        shows(master, "Vinohradská 3")  # accepting reveals the address
        shows(desk, "Piotr Demo accepted the order")
        shot(page, "4-master-accepted")

        page.get_by_test_id("ff24").click()
        expect(page.get_by_test_id("clock")).to_contain_text("+24", timeout=WAIT)
        shows(master, "Please call the client of order #4")
        shot(page, "5-deadline-fired")
        assert errors == []
        browser.close()
