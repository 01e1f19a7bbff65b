"""The desk sees who and what (issue 11): the card names the master holding the offer and
until when, the topic notes every offer (Auto's first one too) and names the master who let
one expire, the card shows the client's and the master's language, and the desk's command
menu lists every desk command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import select, update

from bot.commands import set_commands
from db.models import Deadline
from tests.flows.test_flows import MANAGER, approved_master, card_of, place_order
from tests.support.flowkit import DESK, Harness, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def notes(h: Harness, thread: int) -> list[str]:
    return [m.text for m in h.session.to(DESK, thread)]


async def test_the_card_names_the_offered_master_and_when_the_offer_expires(
        h: Harness) -> None:
    ivan = await approved_master(h, 700, "Ivan Petrov")
    order_id = await place_order(h, h.person(701, "Anna"))
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan Petrov")
    async with h.app.ctx.tx() as s:
        due = await s.scalar(select(Deadline.due_at).where(Deadline.kind == "offer",
                                                           Deadline.state == "pending"))
    until = due.astimezone(h.app.renderer.tz).strftime("%H:%M")  # CLDR "Hm": "Tue, Mar 2, 14:15"
    assert "Offered to: Ivan Petrov, until " in card.text and until in card.text
    note = notes(h, thread)[-1]
    assert note.startswith("👷 Offered to Ivan Petrov; the offer expires at ") and until in note
    await ivan.click(ivan.last(), "Accept")
    assert "Offered to:" not in card.text and "Master: Ivan Petrov" in card.text


async def test_the_topic_notes_autos_first_offer_and_the_expiry_names_the_master(
        h: Harness) -> None:
    await approved_master(h, 702, "Ivan Petrov")
    order_id = await place_order(h, h.person(703, "Boris"))
    thread, card = card_of(h, order_id)
    await h.manager(MANAGER, thread_id=thread).click(card, "Auto")
    assert any(n.startswith("🤖 Auto: offered to Ivan Petrov; the offer expires at ")
               for n in notes(h, thread))
    assert "Offered to: Ivan Petrov, until" in card.text
    async with h.app.ctx.tx() as s:
        await s.execute(update(Deadline).where(Deadline.kind == "offer")
                        .values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert await h.app.clock.run() >= 1
    await h.flush()
    assert any(n.startswith("⌛ Ivan Petrov did not answer the offer in time.")
               for n in notes(h, thread))
    assert "Offered to:" not in card.text


async def test_the_card_shows_the_clients_and_the_masters_language(h: Harness) -> None:
    ivan = await approved_master(h, 704, "Ivan Petrov")
    client = h.person(705, "Clara")
    order_id = await place_order(h, client)
    thread, card = card_of(h, order_id)
    assert "Language of the client: English" in card.text  # named in the desk's language
    ivan.language = "pl"  # his Telegram is in Polish
    await ivan.send("/start")
    await client.send("/language")
    await client.click(client.last(), "Русский")  # she chose Russian
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan Petrov")
    assert "Languages: client Russian · master Polish" in card.text


async def test_the_desk_command_menu_lists_every_desk_command(h: Harness) -> None:
    await set_commands(h.bot, h.app.i18n, h.app.settings)
    desk = [c for c in h.session.calls if isinstance(c, SetMyCommands)
            and isinstance(c.scope, BotCommandScopeChat) and c.scope.chat_id == DESK]
    assert len(desk) == 1
    names = {c.command for c in desk[0].commands}
    assert {"order", "find", "sla", "stats", "masters", "export", "block", "unblock", "review",
            "m"} <= names
