"""Limits per person (issue 9, item 6): a client's open orders and orders a day are capped, so
one person cannot flood the desk; refusals are clear, store nothing and keep the draft."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.errors import NotAllowed, TooFast
from bot.domain.limits import Pace
from bot.domain.rules import Actor
from bot.services.base import Context
from bot.services.orders import cancel_order, submit_order
from bot.services.relay import write_to_desk
from db.engine import make_engine, make_sessionmaker
from db.models import Order, OutboxMessage
from tests.flows.test_flows import (
    MANAGER,
    assigned_job,
    card_of,
    place_order,
    place_order_until_summary,
)
from tests.support.flowkit import DESK, Harness, Person, harness

try:
    from conftest import FixedClock, complete_draft, make_client, make_order, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import FixedClock, complete_draft, make_client, make_order, outbox

CLIENT = 3001
# 23:00 local in Warsaw (UTC+1 in March): the local day ends an hour later
LATE = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with harness(db_url, admin_ids=[MANAGER], max_open_orders=2, max_orders_per_day=3,
                       timezone="Europe/Warsaw") as h:
        h.app.ctx.clock = FixedClock(LATE)
        yield h


def clock_of(h: Harness) -> FixedClock:
    assert isinstance(h.app.ctx.clock, FixedClock)
    return h.app.ctx.clock


async def orders_of(h: Harness, uid: int = CLIENT) -> int:
    async with h.app.ctx.tx() as s:
        return int(await s.scalar(select(func.count()).select_from(Order)
                                  .where(Order.client_id == uid)) or 0)


async def outbox_rows(h: Harness) -> int:
    async with h.app.ctx.tx() as s:
        return int(await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_open_orders_are_capped_up_front_and_at_confirm_and_the_draft_is_kept(
        h: Harness) -> None:
    anna = h.person(CLIENT, "Anna")
    first = await place_order(h, anna)
    # a draft begun while under the cap...
    await place_order_until_summary(h, anna)
    summary = anna.last()
    # ...while a second order is placed elsewhere (another device, a second process)
    await make_order(h.app.ctx, CLIENT)
    rows = await outbox_rows(h)

    await anna.click(summary, "Confirm")
    assert "maximum number of open orders (2)" in h.session.alerts()[-1]
    assert await orders_of(h) == 2 and await outbox_rows(h) == rows  # nothing stored

    # a New order is refused before he types anything (and the draft is not replaced)
    await anna.send("/new")
    assert "maximum number of open orders (2)" in anna.last().text
    menu = [m for m in h.session.to(CLIENT) if "New order" in " ".join(m.buttons())][-1]
    refused = anna.last()
    await anna.click(menu, "New order")
    assert "maximum number of open orders (2)" in h.session.alerts()[-1]
    assert anna.last() is refused  # no "Which service?"

    # once one is cancelled, the kept draft is confirmed as it was typed
    await cancel_order(h.app.ctx, Actor(CLIENT), first, "changed_mind")
    await anna.click(summary, "Confirm")
    assert "is placed" in anna.last().text
    async with h.app.ctx.tx() as s:
        newest = await s.scalar(select(Order).order_by(Order.id.desc()).limit(1))
        assert newest is not None and newest.description == "Assemble a wardrobe"


async def test_orders_a_day_are_capped_until_the_local_day_ends(h: Harness) -> None:
    anna = h.person(CLIENT, "Anna")
    for _ in range(3):
        order_id = await place_order(h, anna)
        await cancel_order(h.app.ctx, Actor(CLIENT), order_id, "changed_mind")
    await anna.send("/new")  # nothing open, but three today
    assert "daily limit of new orders (3)" in anna.last().text
    assert await orders_of(h) == 3

    clock_of(h).advance(minutes=59)  # 23:59 in Warsaw: still today
    await anna.send("/new")
    assert "daily limit of new orders (3)" in anna.last().text
    clock_of(h).advance(minutes=1)  # midnight: a new day
    await place_order(h, anna)
    assert await orders_of(h) == 4

    # another client is not held by Anna's orders
    boris = h.person(CLIENT + 1, "Boris")
    await place_order(h, boris)
    assert await orders_of(h, CLIENT + 1) == 1


async def test_a_second_confirm_of_the_same_draft_at_the_cap_answers_with_its_order(
        ctx: Context) -> None:
    """The cap never turns a double tap on Confirm into a refusal: the order exists."""
    ctx.policy.max_open_orders = 1
    await make_client(ctx, CLIENT)
    draft = complete_draft()
    first = await submit_order(ctx, CLIENT, draft)
    assert (await submit_order(ctx, CLIENT, draft)).id == first.id
    with pytest.raises(NotAllowed) as refused:
        await submit_order(ctx, CLIENT, complete_draft())
    assert refused.value.key == "error.open_orders_cap"


# --- relays to the desk, per person -------------------------------------------------------------

@pytest.fixture
async def hr(db_url: str) -> AsyncIterator[Harness]:
    """The default relay pace: a burst of 5, then one per 6 s (RELAY_PER_MINUTE=10)."""
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        h.app.ctx.clock = FixedClock(LATE)
        yield h


async def writing_to_the_desk(h: Harness, person: Person, order_id: int) -> None:
    await person.send("/orders")
    await person.click(person.last(), f"Order #{order_id}")
    await person.click(person.last(), "Write to the manager")


def relayed(h: Harness, thread: int) -> list[str]:
    return [m.text.split("\n", 1)[1] for m in h.session.to(DESK, thread) if "writes:" in m.text]


async def test_relays_are_paced_per_person_with_one_polite_notice(hr: Harness) -> None:
    h = hr
    anna = h.person(CLIENT, "Anna")
    order_id = await place_order(h, anna)
    thread, _card = card_of(h, order_id)
    await writing_to_the_desk(h, anna, order_id)

    for i in range(1, 6):  # a burst of five goes through at once
        await anna.send(f"message {i}")
        assert "Sent to the desk" in anna.last().text
    await anna.send("message 6")  # too fast: not relayed, one polite notice
    notice = anna.last()
    assert "Please wait 6 seconds" in notice.text and "previous messages" in notice.text
    sent_to_anna = len(h.session.to(CLIENT))
    await anna.photo(caption="message 7")
    await anna.send("message 8")  # within the same wait: dropped without a second notice
    assert len(h.session.to(CLIENT)) == sent_to_anna
    assert relayed(h, thread) == [f"message {i}" for i in range(1, 6)]

    clock_of(h).advance(seconds=3)
    await anna.send("message 9")  # still within the wait he was told of: silence
    assert len(h.session.to(CLIENT)) == sent_to_anna
    clock_of(h).advance(seconds=3)
    await anna.send("message 10")  # then one every 6 s
    assert "Sent to the desk" in anna.last().text
    await anna.send("message 11")
    assert "Please wait 6 seconds" in anna.last().text
    clock_of(h).advance(seconds=6)
    await anna.send("message 12")
    assert relayed(h, thread) == [*(f"message {i}" for i in range(1, 6)), "message 10",
                                  "message 12"]

    # the bucket is per person: the order's master writes at his own pace meanwhile
    clock_of(h).advance(seconds=1)
    await anna.send("message 13")
    assert "Please wait 5 seconds" in anna.last().text
    boris = h.person(CLIENT + 1, "Boris")
    other = await place_order(h, boris)
    await writing_to_the_desk(h, boris, other)
    await boris.send("hello")
    assert "Sent to the desk" in boris.last().text
    assert relayed(h, card_of(h, other)[0]) == ["hello"]


async def test_a_master_is_paced_too(hr: Harness) -> None:
    h = hr
    order_id, master, _card, thread = await assigned_job(h, h.person(CLIENT, "Anna"), 250,
                                                         "Bartek")
    job = [m for m in h.session.to(250) if "Write to the desk" in " ".join(m.buttons())][-1]
    await master.click(job, "Write to the desk")
    for i in range(6):
        await master.send(f"note {i}")
    assert "Please wait 6 seconds" in master.last().text
    assert relayed(h, thread) == [f"note {i}" for i in range(5)]
    async with h.app.ctx.tx() as s:
        kinds = (await s.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.order_id == order_id, OutboxMessage.kind == "relay"))).all()
    assert len(kinds) == 5  # the refused one was never queued


def test_pace_is_a_burst_then_one_per_interval() -> None:
    pace = Pace(per_minute=10, burst=5)
    now, tat = LATE, None
    for _ in range(5):
        tat, wait = pace.take(tat, now)
        assert not wait
    same, wait = pace.take(tat, now)
    assert (same, wait) == (tat, timedelta(seconds=6))  # refused: nothing taken
    tat, wait = pace.take(tat, now + timedelta(seconds=6))
    assert not wait
    # a minute of silence fills the bucket again
    later = now + timedelta(minutes=1)
    for _ in range(5):
        tat, wait = pace.take(tat, later)
        assert not wait
    assert pace.take(tat, later)[1] == timedelta(seconds=6)


async def test_the_pace_is_shared_by_every_process(db_url: str, ctx: Context) -> None:
    """The bucket is on the person's row: a second bot process (its own engine) sees it."""
    ctx.policy.relay_pace = Pace(per_minute=10, burst=2)
    order = await make_order(ctx, CLIENT)
    other_engine = make_engine(db_url)
    try:
        other = replace(ctx, sessions=make_sessionmaker(other_engine))
        await write_to_desk(ctx, Actor(CLIENT), order.id, "text", "one")
        await write_to_desk(other, Actor(CLIENT), order.id, "text", "two")
        with pytest.raises(TooFast) as first:
            await write_to_desk(other, Actor(CLIENT), order.id, "text", "three")
        with pytest.raises(TooFast) as second:
            await write_to_desk(ctx, Actor(CLIENT), order.id, "text", "four")
    finally:
        await other_engine.dispose()
    assert (first.value.seconds, first.value.quiet) == (6, False)
    assert second.value.quiet  # told once, in whichever process
    relays = [p["text"] for kind, _chat, _o, p in await outbox(ctx) if kind == "relay"]
    assert relays == ["one", "two"]
