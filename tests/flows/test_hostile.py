"""Issue 9, the hostile user: forged ids, anonymous senders, spoofing characters — and a property
test that throws random updates at the production wiring. Each test here failed on the main of
2026-12-01."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import func, select

from db.models import OutboxMessage
from db.models import User as User_
from tests.flows.test_flows import place_order
from tests.support.flowkit import DESK, Harness, harness

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
    "v2c:vord:99999999999999999999",  # past 64 bits: SQLite cannot even bind it
    "v2c:vord:2147483648",  # past PostgreSQL's integer
    "v2c:vord:-5",
    "v2dp:dpick:1:99999999999999999999",
    "v2c:vord:" + "9" * 40,
    "v2cr:ccr:1:2147483648",
    "v1:vord:99999999999999999999:0",  # and the old version's
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


# --- item 9: anonymous admins and channels in the desk ------------------------------------------

ANON_ADMIN = User(id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot")
CHANNEL_BOT = User(id=136817688, is_bot=True, first_name="Channel", username="Channel_Bot")


async def desk_post(h: Harness, sender: User, sender_chat: Chat, text: str,
                    thread_id: int | None = None, **extra: Any) -> None:
    msg = Message(message_id=next(h.ids), date=datetime.now(UTC),
                  chat=Chat(id=DESK, type="supergroup", is_forum=True), from_user=sender,
                  sender_chat=sender_chat, text=text, message_thread_id=thread_id, **extra)
    await h.feed(Update(update_id=next(h.ids), message=msg))


@pytest.mark.parametrize("text", ["/block client 1 spam", "/order 1", "/stats", "/export",
                                  "a note to the client", "/m hello master"])
async def test_an_anonymous_admin_in_the_desk_acts_on_nothing_and_is_told_why(
        h: Harness, text: str) -> None:
    order_id = await place_order(h, h.person(CLIENT, "Anna"))
    topic = next(m.thread_id for m in h.session.to(DESK) if m.thread_id)
    before = len(h.session.to(CLIENT))
    async with h.app.ctx.tx() as s:
        before_rows = await s.scalar(select(func.count()).select_from(OutboxMessage))
    await desk_post(h, ANON_ADMIN, Chat(id=DESK, type="supergroup", title="Desk"), text,
                    thread_id=topic)
    assert generic_errors(h) == []
    assert "Remain anonymous" in h.session.last(DESK).text
    assert len(h.session.to(CLIENT)) == before  # nothing relayed, nobody blocked
    async with h.app.ctx.tx() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == before_rows
        assert not (await s.get(User_, CLIENT)).blocked
    assert order_id


async def test_the_anonymous_notice_is_not_repeated_and_channel_forwards_get_none(
        h: Harness) -> None:
    for _ in range(3):
        await desk_post(h, ANON_ADMIN, Chat(id=DESK, type="supergroup", title="Desk"), "/stats")
    assert sum("Remain anonymous" in m.text for m in h.session.to(DESK)) == 1
    await desk_post(h, CHANNEL_BOT, Chat(id=-1009, type="channel", title="News"), "a post",
                    is_automatic_forward=True)
    await desk_post(h, CHANNEL_BOT, Chat(id=-1009, type="channel", title="News"), "/stats")
    assert sum("Remain anonymous" in m.text for m in h.session.to(DESK)) == 2
    assert generic_errors(h) == []


# --- item 12: bidi and zero-width spoofing ------------------------------------------------------

SPOOF = "\u202e\u2066\u200b\u200d\u200e\u202a\u2069\ufeff"


def shown(h: Harness) -> list[str]:
    """Every text a reader sees: messages, captions, buttons, topic titles."""
    out = [m.text for m in h.session.messages] + h.session.alerts()
    out += [b for m in h.session.messages for b in m.buttons()]
    out += [getattr(c, "name", "") or "" for c in h.session.calls
            if type(c).__name__ in ("CreateForumTopic", "EditForumTopic")]
    return out


async def test_bidi_and_zero_width_controls_never_reach_a_card_button_or_title(
        h: Harness) -> None:
    from tests.flows.test_flows import apply_as_master

    c = h.person(CLIENT, f"Anna{SPOOF}#1000")
    await place_order(h, c, description=f"tap{SPOOF} leaks",
                      address=f"Lenina{SPOOF} 5, Moscow{SPOOF}")
    m = h.person(2002, f"Jan{SPOOF}Kowalski")
    await apply_as_master(h, m, f"Jan{SPOOF}Kowalski")
    await m.click(m.last(), "Send to the desk")
    application = next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text)
    await h.manager(MANAGER).click(application, "Approve")
    card = next(m for m in h.session.to(DESK) if "Order #" in m.text and m.markup)
    await h.manager(MANAGER, thread_id=card.thread_id).click(card, "Assign")
    texts = shown(h)
    assert any("Kowalski" in t for t in texts) and any("Lenina" in t for t in texts)
    spoofed = [t for t in texts if any(ch in t for ch in SPOOF)]
    assert spoofed == []
    async with h.app.ctx.tx() as s:
        assert (await s.get(User_, CLIENT)).first_name == "Anna#1000"
