"""Issue 10: one chat's wait never delays another chat. The Throttle takes a slot under its
lock and sleeps outside it; the Limiter hands out future slots (reservations)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import EditMessageText, SendMediaGroup, SendMessage, TelegramMethod
from aiogram.types import InputMediaPhoto

from bot.notify.limiter import Limiter
from bot.notify.throttle import ANSWERING, Throttle
from tests.support.flowkit import DESK, TOKEN

CLIENT = 100


def test_a_reserved_desk_slot_leaves_the_other_chats_free() -> None:
    lim = Limiter(clock=lambda: 0.0)
    for _ in range(20):
        lim.reserve(DESK, 0.0)
    assert lim.reserve(DESK, 0.0) == pytest.approx(66.0)  # the 21st holds a slot a minute on
    # ...and a client's answer still goes now, not after the desk's slot
    assert lim.reserve(CLIENT, 0.0) < 1.0
    assert lim.reserve(CLIENT + 1, 0.0) < 1.0
    # the overall spacing keeps its gaps around the reserved slot too
    assert lim.ready_at(CLIENT + 2, 66.0) == pytest.approx(66.0 + 1 / 29)


def test_reservations_to_one_group_never_exceed_its_budget() -> None:
    lim = Limiter(clock=lambda: 0.0)
    slots = sorted(lim.reserve(DESK, 0.0) for _ in range(100))
    for i, t in enumerate(slots):  # any 66 s window holds at most 20
        assert sum(1 for u in slots[i:] if u < t + 66.0 - 1e-9) <= 20


async def test_a_wait_for_the_desk_budget_does_not_hold_a_client_answer() -> None:
    """After the desk's budget is spent, a client's /start is answered at once (on main it
    waited for the desk's slot: 58 s in the reported case)."""
    lim = Limiter(group_per_minute=1, group_window=2.0)
    throttle = Throttle(lim)
    bot = Bot(TOKEN)
    start = time.monotonic()
    sent: dict[str, float] = {}

    async def make_request(bot: Bot, method: TelegramMethod[Any]) -> Any:
        sent[str(getattr(method, "text", ""))] = time.monotonic() - start
        return True

    async def send(chat: int, text: str) -> None:
        await throttle(make_request, bot, SendMessage(chat_id=chat, text=text))

    await send(DESK, "desk 1")
    desk_two = asyncio.create_task(send(DESK, "desk 2"))  # waits ~2 s for the desk's budget
    await asyncio.sleep(0.05)
    await asyncio.wait_for(send(CLIENT, "client"), 1.0)
    await throttle(make_request, bot, EditMessageText(chat_id=DESK, message_id=1, text="edit"))
    await desk_two
    await bot.session.close()
    assert sent["client"] < 0.5 and sent["edit"] < 0.5  # neither waited for the desk
    assert sent["desk 2"] >= 1.9  # the desk still kept its budget


def test_an_album_takes_as_many_of_the_desks_slots_as_it_has_photos() -> None:
    """Issue 11: an album of ten into a topic is ten of the group's twenty messages a minute
    (one request, but each photo is a message in the group)."""
    lim = Limiter(clock=lambda: 0.0)
    for i in range(15):
        lim.reserve(DESK, float(i))
    assert lim.ready_at(DESK, 15.0, weight=5) == pytest.approx(15.0)  # 5 fit in the minute
    # ten wait until five of the fifteen have left the window (the fifth sent at 4 s)
    assert lim.ready_at(DESK, 15.0, weight=10) == pytest.approx(4.0 + 66.0)
    assert lim.reserve(DESK, 15.0, weight=5) == pytest.approx(15.0)
    assert lim.ready_at(DESK, 15.0) == pytest.approx(66.0)  # the budget is spent
    assert lim.ready_at(CLIENT, 15.0, weight=10) < 16.0  # a private chat: one request


async def test_the_throttle_counts_an_albums_photos_in_the_group() -> None:
    lim = Limiter(clock=lambda: 0.0)
    throttle = Throttle(lim)
    bot = Bot(TOKEN)

    async def make_request(bot: Bot, method: TelegramMethod[Any]) -> Any:
        return True

    photos = [InputMediaPhoto(media=f"ph{i}") for i in range(10)]
    await throttle(make_request, bot, SendMediaGroup(chat_id=DESK, media=photos))
    await bot.session.close()
    assert lim.ready_at(DESK, 0.0, weight=11) == pytest.approx(66.0)  # 10 + 11 > 20
    assert lim.ready_at(DESK, 0.0, weight=10) == pytest.approx(0.0, abs=0.1)


def test_answers_in_the_chat_being_handled_leave_the_overall_budget_alone() -> None:
    """Issue 16: the overall 30 a second is Telegram's limit on notifications; answers to the
    people writing counted against it capped the bot near 18 updates a second."""
    lim = Limiter(clock=lambda: 0.0)
    for chat in range(1, 61):  # sixty people answered in the same instant
        assert lim.reserve(CLIENT + chat, 0.0, overall=False) == 0.0
    assert lim.ready_at(DESK - 1, 0.0) == 0.0  # a notification still goes at once
    # one chat's own limit still holds: a burst of three, then one every 1.1 s
    assert [lim.reserve(CLIENT, 0.0, overall=False) for _ in range(4)] == pytest.approx(
        [0.0, 0.0, 0.0, 1.1])
    for chat in range(29):  # notifications keep their overall spacing (29 a second)
        lim.reserve(CLIENT + 1000 + chat, 0.0)
    assert lim.ready_at(CLIENT + 2000, 0.0) == pytest.approx(1.0)
    assert lim.ready_at(CLIENT + 2000, 0.0, overall=False) == 0.0  # answers do not wait


async def test_the_throttle_paces_an_answer_by_its_chat_and_a_notification_overall() -> None:
    lim = Limiter(per_second=2.0, private_interval=0.0)
    throttle = Throttle(lim)
    bot = Bot(TOKEN)
    sent: dict[str, float] = {}
    start = time.monotonic()

    async def make_request(bot: Bot, method: TelegramMethod[Any]) -> Any:
        sent[str(getattr(method, "text", ""))] = time.monotonic() - start
        return True

    async def answer(chat: int, method: TelegramMethod[Any]) -> None:
        token = ANSWERING.set(chat)
        try:
            await throttle(make_request, bot, method)
        finally:
            ANSWERING.reset(token)

    for chat in range(4):  # four answers to four people: two a second would take 1.5 s
        await answer(CLIENT + chat, SendMessage(chat_id=CLIENT + chat, text=f"answer {chat}"))
    await answer(CLIENT, EditMessageText(chat_id=CLIENT, message_id=1, text="edit"))
    await throttle(make_request, bot, SendMessage(chat_id=CLIENT + 9, text="notice 1"))
    await throttle(make_request, bot, SendMessage(chat_id=CLIENT + 8, text="notice 2"))
    await bot.session.close()
    assert max(sent[f"answer {chat}"] for chat in range(4)) < 0.3 and sent["edit"] < 0.3
    assert sent["notice 2"] - sent["notice 1"] >= 0.45  # notifications keep two a second
