"""Typed buttons (bot/buttons): an old version's press is outdated, the desk router refuses a
non-member's press before any handler, and each desk press reaches its own handler."""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum

import pytest
from aiogram.filters.callback_data import CallbackData

import bot.buttons
from bot.buttons.desk import DeskAction
from bot.domain.ids import MAX_ID
from db.models import AuditEntry
from tests.flows.test_flows import (
    MANAGER,
    assigned_job,
    card_of,
    count,
    file_report,
    order_row,
    place_order,
)
from tests.support.flowkit import Harness, Person, harness

OUTDATED = "This button is outdated."
DESK_ONLY = "Only desk members can do this."


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_an_old_version_press_is_outdated_and_changes_nothing(h: Harness) -> None:
    c = h.person(701, "Alma")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    audit = await count(h, AuditEntry)
    for old in (f"v1:drr:{order_id}:0", f"v1:dcr:{order_id}:0", f"v1:dauto:{order_id}:0"):
        await mgr.click_data(card, old)  # type: ignore[arg-type]
        assert h.session.alerts()[-1] == OUTDATED
    await c.click_data(c.last(), f"v1:ccan:{order_id}:0")  # and in a private chat
    assert h.session.alerts()[-1] == OUTDATED
    assert (await order_row(h, order_id)).status == "submitted"
    assert await count(h, AuditEntry) == audit


async def test_a_non_members_press_is_refused_by_the_desk_router(h: Harness) -> None:
    c = h.person(702, "Bela")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    stranger = h.manager(777, "Stranger", thread_id=thread)
    before = (card.buttons(), await count(h, AuditEntry))  # type: ignore[attr-defined]
    presses = [b.callback_data for row in card.markup.inline_keyboard  # type: ignore[attr-defined]
               for b in row]
    assert {p.split(":")[1] for p in presses} >= {DeskAction.ASSIGN_MENU, DeskAction.AUTO,
                                                   DeskAction.REJECT_MENU,
                                                   DeskAction.CANCEL_MENU}
    for data in [*presses, f"v2dr:drr:{order_id}:0", f"v2dp:dpick:{order_id}:1",
                 f"v1:drr:{order_id}:0"]:
        await stranger.click_data(card, data)  # type: ignore[arg-type]
        assert h.session.alerts()[-1] == DESK_ONLY, data
    assert (card.buttons(), await count(h, AuditEntry)) == before  # type: ignore[attr-defined]
    assert (await order_row(h, order_id)).status == "submitted"


async def _claimed(h: Harness, c: Person, master_uid: int) -> tuple[int, Person, object]:
    order_id, master, card, _thread = await assigned_job(h, c, master_uid, "Jakub")
    await file_report(master)
    await c.click(c.last(), "Accept the work")
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Report a problem")
    await c.send("Water drips under the sink again")
    await c.photo()
    await c.click(c.last(), "Send the claim")
    assert (await order_row(h, order_id)).status == "disputed"
    return order_id, master, card


async def test_rework_then_rework_done_from_the_card(h: Harness) -> None:
    c = h.person(703, "Cyra")
    order_id, master, card = await _claimed(h, c, 801)
    mgr = h.manager(MANAGER, thread_id=card.thread_id)  # type: ignore[attr-defined]
    rework = next(b for b in card.buttons() if b.startswith("🔧 Rework in"))  # type: ignore[attr-defined]
    await mgr.click(card, rework)  # type: ignore[arg-type]
    assert h.session.alerts()[-1] == "Rework ordered; the client and the master have been told."
    row = await order_row(h, order_id)
    assert (row.status, row.resolution) == ("completed", "rework")
    assert "✅ Rework done" in card.buttons()  # type: ignore[attr-defined]
    await mgr.click(card, "Rework done")  # type: ignore[arg-type]
    assert h.session.alerts()[-1] == "The rework is marked done."
    assert (await order_row(h, order_id)).rework_due is None


async def test_the_claim_is_rejected_with_a_reason_from_the_card(h: Harness) -> None:
    c = h.person(704, "Dora")
    order_id, _master, card = await _claimed(h, c, 802)
    mgr = h.manager(MANAGER, thread_id=card.thread_id)  # type: ignore[attr-defined]
    await mgr.click(card, "Reject the claim")  # type: ignore[arg-type]
    assert card.buttons()[-1] == "⬅️ Back"  # type: ignore[attr-defined]
    await mgr.press(card, DeskAction.REJECT_CLAIM, 0)  # type: ignore[arg-type]
    assert h.session.alerts()[-1] == "The claim is rejected; the client has been told why."
    row = await order_row(h, order_id)
    assert (row.status, row.resolution) == ("completed", "rejected")
    assert "rejected" in c.last().text


@pytest.mark.parametrize(("ask", "pick", "answer"), [
    ("Ask for more time", "Refuse more time", "Done; the master has been told."),
    ("Ask to be released", "Keep the master", "Done; the master has been told."),
])
async def test_the_desk_refuses_a_masters_request(h: Harness, ask: str, pick: str,
                                                  answer: str) -> None:
    c = h.person(705, "Ewa")
    order_id, master, card, thread = await assigned_job(h, c, 803, "Karol")
    await master.click(master.last(), ask)
    await master.press(master.last(), "extr" if "time" in ask else "relr", 0)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, pick)  # type: ignore[arg-type]
    assert h.session.alerts()[-1] == answer
    row = await order_row(h, order_id)
    assert (row.status, row.request) == ("assigned", None)
    assert row.master_id is not None


def _typed() -> list[type[CallbackData]]:
    found = []
    for info in pkgutil.iter_modules(bot.buttons.__path__):
        if info.name == "base":
            continue  # the generic bases (Press, OrderPress, …), no feature's buttons
        module = importlib.import_module(f"bot.buttons.{info.name}")
        found += [c for c in vars(module).values() if isinstance(c, type)
                  and issubclass(c, CallbackData) and c.__module__ == module.__name__]
    return found


def test_every_prefix_is_new_distinct_and_every_press_short() -> None:
    classes = _typed()
    prefixes = [c.__prefix__ for c in classes]
    assert len(classes) > 20 and len(set(prefixes)) == len(prefixes), prefixes
    assert all(p.startswith("v2") for p in prefixes), prefixes  # v1 buttons match none
    for c in classes:
        fields = list(c.model_fields)
        assert fields[0] == "action", c  # tests/support/flowkit.py finds a press by its action
        actions = c.model_fields["action"].annotation
        assert isinstance(actions, type) and issubclass(actions, StrEnum)
        for action in actions:
            values = {f: (True if c.model_fields[f].annotation is bool else MAX_ID)
                      for f in fields[1:]}
            packed = c(action=action, **values).pack()
            assert len(packed.encode()) <= 40, packed  # Telegram allows 64
            assert c.unpack(packed).action == action
