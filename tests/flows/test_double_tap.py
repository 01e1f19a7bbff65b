"""Issue 10: double taps. Telegram refuses an edit that changes nothing ("message is not
modified") and a second answer to one callback query ("query is too old"); every press is
answered exactly once, and *Send a new code* tapped twice sends one code."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)

from tests.flows.test_flows import MANAGER, approved_master, card_of, file_report, place_order
from tests.support.flowkit import DESK, Harness, RecordingSession, harness

CODE = re.compile(r"<b>(\d{6})</b>")


class Picky(RecordingSession):
    """Refuses what Telegram refuses on a double tap."""

    def __init__(self, admins: tuple[int, ...] = ()) -> None:
        super().__init__(admins)
        self.answers: Counter[str] = Counter()
        self.refused: list[str] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        if isinstance(method, AnswerCallbackQuery):
            self.answers[method.callback_query_id] += 1
            if self.answers[method.callback_query_id] > 1:
                self.refused.append("query is too old")
                raise TelegramBadRequest(method=method, message="Bad Request: query is too "
                                         "old and response timeout expired or query ID is "
                                         "invalid")
        if isinstance(method, EditMessageText):
            old = next((m for m in self.messages if m.message_id == method.message_id), None)
            if old is not None and old.text == method.text and old.markup == method.reply_markup:
                raise TelegramBadRequest(method=method, message="Bad Request: message is not "
                                         "modified: specified new message content and reply "
                                         "markup are exactly the same")
        if isinstance(method, EditMessageReplyMarkup):
            old = next((m for m in self.messages if m.message_id == method.message_id), None)
            if old is not None and old.markup == method.reply_markup:
                raise TelegramBadRequest(method=method, message="Bad Request: message is not "
                                         "modified: specified new message content and reply "
                                         "markup are exactly the same")
        return await super().make_request(bot, method, timeout)


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        picky = Picky(h.session.admins)
        picky.middleware = h.session.middleware  # the production request middlewares
        h.bot.session = picky
        h.session = picky
        yield h


async def test_send_a_new_code_tapped_twice_sends_one_code_and_answers_each_tap_once(
        h: Harness) -> None:
    c = h.person(111, "Lena")
    master = await approved_master(h, 201, "Oleg")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Oleg")
    await master.click(master.last(), "Accept")
    await file_report(master, "1000")
    for _ in range(5):
        await master.send("000000" if "000000" not in c.last().text else "111111")
    codes_before = [m for m in h.session.to(c.id) if CODE.search(m.text)]
    data = card.data("Send a new code")  # type: ignore[attr-defined]
    await mgr.click_data(card, data)  # type: ignore[arg-type]
    await mgr.click_data(card, data)  # the double tap
    codes = [m for m in h.session.to(c.id) if CODE.search(m.text)]
    assert len(codes) == len(codes_before) + 1  # one new code, not two
    assert h.session.refused == []  # type: ignore[attr-defined]
    assert set(h.session.answers.values()) == {1}  # type: ignore[attr-defined]
    new_code = CODE.search(codes[-1].text).group(1)  # type: ignore[union-attr]
    await master.click(master.last(), "Enter the client")
    await master.send(new_code)
    assert "completed" in c.last().text.lower() or "accepted" in c.last().text.lower()


async def test_a_redraw_that_changes_nothing_does_not_answer_the_press_twice(
        h: Harness) -> None:
    c = h.person(112, "Maria")
    await approved_master(h, 202, "Ivan")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    back = card.data("Back")  # type: ignore[attr-defined]
    await mgr.click_data(card, back)  # type: ignore[arg-type]
    await mgr.click_data(card, back)  # the same card again: "not modified"
    assert h.session.refused == []  # type: ignore[attr-defined]
    assert set(h.session.answers.values()) == {1}  # type: ignore[attr-defined]
    calls = [c for c in h.session.calls if isinstance(c, AnswerCallbackQuery)]
    assert len(calls) == len({c.callback_query_id for c in calls})
    assert not any("Something went wrong" in t for t in h.session.alerts())
    assert DESK
