"""Issue 9, the hostile user: forged ids, anonymous senders, spoofing characters — and a property
test that throws random updates at the production wiring. Each test here failed on the main of
2026-12-01."""

from __future__ import annotations

import pytest

from tests.flowkit import DESK, Harness, harness

MANAGER = 7
CLIENT = 1001
GENERIC = "Something went wrong"


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def generic_errors(h: Harness) -> list[str]:
    sent = [m.text for m in h.session.messages] + h.session.alerts()
    return [t for t in sent if GENERIC in t]


# --- item 8: ids of any size -----------------------------------------------------------------

@pytest.mark.parametrize("data", [
    "v1:vord:99999999999999999999:0",  # past 64 bits: SQLite cannot even bind it
    "v1:vord:2147483648:0",  # past PostgreSQL's integer
    "v1:vord:-5:0",
    "v1:dasg:1:99999999999999999999",
    "v1:vord:" + "9" * 40 + ":0",
])
async def test_a_forged_button_with_a_huge_id_is_outdated(h: Harness, data: str) -> None:
    c = h.person(CLIENT, "Anna")
    await c.send("/start")
    await c.click_data(c.last(), data)
    assert h.session.alerts()[-1] == "This button is outdated."
    assert generic_errors(h) == []


@pytest.mark.parametrize(("command", "answer"), [
    ("/order 99999999999999999999", "This order was not found."),
    ("/order 2147483648", "This order was not found."),
    ("/order #0", "This order was not found."),
    ("/order ²", "Use: /order 12"),
    ("/order ١٢", "Use: /order 12"),  # Arabic-Indic digits are digits to isdigit(), not to us
    ("/review 99999999999999999999 better text", "This order was not found."),
    ("/block 99999999999999999999 fraud", "This master was not found."),
    ("/unblock 99999999999999999999", "This master was not found."),
    ("/block client 99999999999999999999 fraud", "This order was not found."),
])
async def test_a_desk_command_with_an_impossible_number_says_not_found(
        h: Harness, command: str, answer: str) -> None:
    m = h.manager(MANAGER)
    await m.send(command)
    assert answer in h.session.last(DESK).text
    assert generic_errors(h) == []
