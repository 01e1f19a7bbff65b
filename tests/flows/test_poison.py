"""Issue 10: a row the sender cannot compose (an unknown kind, a missing payload key) is
settled as failed, the desk is told once per kind, and the chat's next message still goes
(on main the pass aborted and the chat was held for ever)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.events import To
from db.models import OutboxMessage
from tests.conftest import stored_row
from tests.flows.test_flows import MANAGER, card_of, place_order
from tests.support.flowkit import DESK, Harness, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def poison(h: Harness, chat_id: int, order_id: int, kind: str, **payload: object) -> int:
    async with h.app.ctx.tx() as s:
        stored_row(s, h.app.ctx.clock(), kind, payload, To(chat_id, order_id))
        await s.flush()
        return int(await s.scalar(select(func.max(OutboxMessage.id))) or 0)


async def test_a_row_that_cannot_be_composed_does_not_hold_its_chat(h: Harness) -> None:
    c = h.person(100, "Anna")
    order_id = await place_order(h, c)
    bad_kind = await poison(h, c.id, order_id, "no_such_kind")
    missing_key = await poison(h, c.id, order_id, "desk_note")  # no "note" in the payload
    thread, card = card_of(h, order_id)
    await h.manager(MANAGER, thread_id=thread).click(card, "Reject")
    await h.manager(MANAGER, thread_id=thread).click(card, "No masters")  # then flushed
    assert "was rejected" in c.last().text  # the chat's next message went
    async with h.app.ctx.tx() as s:
        rows = {r.id: r for r in (await s.scalars(select(OutboxMessage))).all()}
    assert rows[bad_kind].status == "failed" and rows[missing_key].status == "failed"
    assert rows[bad_kind].last_error and rows[missing_key].last_error
    told = [m.text for m in h.session.to(DESK) if "could not be prepared" in m.text]
    assert len(told) == 2 and "no_such_kind" in told[0] and "desk_note" in told[1]

    await poison(h, c.id, order_id, "no_such_kind")  # the same kind again: not told again
    await h.flush()
    assert len([m for m in h.session.to(DESK) if "could not be prepared" in m.text]) == 2
