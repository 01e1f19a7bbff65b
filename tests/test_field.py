"""The field workflow and the safety stop, on the services: who may, what is stored, what the
clocks do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import (
    DESK,
    START,
    FixedClock,
    load_row,
    make_master,
    make_order,
    master_actor,
    outbox,
)
from sqlalchemy import select

from bot.domain.errors import Conflict, DomainError, InvalidInput, NotAllowed
from bot.domain.rules import Actor, parse_visit
from bot.services.base import Context
from bot.services.deadlines import fire_due
from bot.services.field import check_in, mark_contacted, resume_job, schedule_visit, stop_job
from bot.services.offers import accept_offer, offer_order
from db.models import Deadline, Order

CLIENT = 100


async def assigned(ctx: Context) -> tuple[int, Actor, Actor]:
    master = await make_master(ctx, 2001)
    other = await make_master(ctx, 2002)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    return order.id, master_actor(master), master_actor(other)


async def states(ctx: Context, order_id: int) -> dict[str, str]:
    async with ctx.tx() as s:
        rows = (await s.scalars(select(Deadline).where(Deadline.order_id == order_id)
                                .order_by(Deadline.id))).all()
    return {r.kind: r.state for r in rows}


async def test_only_the_assigned_master_works_the_job(ctx: Context) -> None:
    order_id, master, other = await assigned(ctx)
    for stranger in (other, Actor(CLIENT), Actor(5555)):
        with pytest.raises(NotAllowed):
            await mark_contacted(ctx, stranger, order_id)
    assert (await load_row(ctx, Order, order_id)).status == "assigned"
    await mark_contacted(ctx, master, order_id)
    with pytest.raises(NotAllowed):  # already contacted: not twice
        await mark_contacted(ctx, master, order_id)
    with pytest.raises(NotAllowed):  # no check-in before a visit is agreed
        await check_in(ctx, master, order_id)


async def test_visit_and_check_in_inside_and_outside_the_window(ctx: Context,
                                                                clock: FixedClock) -> None:
    order_id, master, _other = await assigned(ctx)
    await mark_contacted(ctx, master, order_id)
    assert (await states(ctx, order_id))["callback"] == "cancelled"  # the call was made
    visit = START + timedelta(hours=5)
    await schedule_visit(ctx, master, order_id, visit)
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.visit_at) == ("scheduled", visit)
    assert ("client_visit", CLIENT) in [(b[0], b[1]) for b in await outbox(ctx)]
    later = visit + timedelta(hours=2)
    with pytest.raises(NotAllowed) as e:  # agreed: now only by a proposal the client accepts
        await schedule_visit(ctx, master, order_id, later)
    assert e.value.key == "error.visit_propose"
    assert (await load_row(ctx, Order, order_id)).visit_at == visit
    clock.set(visit + timedelta(minutes=70))  # 70 minutes late: outside the window
    _view, minutes = await check_in(ctx, master, order_id)
    assert minutes == 70
    notes = [b[3] for b in await outbox(ctx) if b[0] == "desk_note"]
    assert notes[-1] == {"note": "on_site_outside", "minutes": 70, "located": False,
                         "distance": None}
    row = await load_row(ctx, Order, order_id)
    assert (row.checkin_lat, row.checkin_lon) == (None, None)
    assert (await states(ctx, order_id))["arrival"] == "cancelled"


def test_the_visit_time_is_typed_in_the_future() -> None:
    tz = ZoneInfo("Europe/Warsaw")
    now = datetime(2026, 3, 2, 10, 0, tzinfo=tz)
    assert parse_visit("14:30", now) == datetime(2026, 3, 2, 14, 30, tzinfo=tz)
    assert parse_visit("05.03 09:00", now) == datetime(2026, 3, 5, 9, 0, tzinfo=tz)
    for bad in ("09:00", "tomorrow", "31.02 10:00", "25:00", "05.05 10:00"):
        with pytest.raises(InvalidInput):
            parse_visit(bad, now)


async def test_the_client_stops_the_job_and_the_clocks_hold(ctx: Context,
                                                            clock: FixedClock) -> None:
    order_id, master, _other = await assigned(ctx)
    with pytest.raises(NotAllowed):  # only the order's client
        await stop_job(ctx, Actor(4444), order_id)
    clock.advance(minutes=30)
    await stop_job(ctx, Actor(CLIENT), order_id)
    with pytest.raises(Conflict):
        await stop_job(ctx, Actor(CLIENT), order_id)
    box = await outbox(ctx)
    assert ("master_stopped", 2001) in [(b[0], b[1]) for b in box]
    assert {"note": "stopped"} in [b[3] for b in box if b[0] == "desk_note"]
    with pytest.raises(DomainError):
        await mark_contacted(ctx, master, order_id)
    clock.advance(hours=3)  # the callback would be long overdue
    assert await fire_due(ctx) == 0
    with pytest.raises(NotAllowed):
        await resume_job(ctx, Actor(CLIENT), order_id)
    await resume_job(ctx, DESK, order_id)  # held 3 h: the callback moves 3 h later
    async with ctx.tx() as s:
        callback = await s.scalar(select(Deadline).where(
            Deadline.order_id == order_id, Deadline.kind == "callback"))
    assert callback is not None and callback.paused_at is None
    assert callback.due_at == START + timedelta(hours=2 + 3)
    await mark_contacted(ctx, master, order_id)
    assert (await load_row(ctx, Order, order_id)).status == "contacted"
    assert clock().tzinfo == UTC


async def test_extension_request_moves_the_completion_deadline(ctx: Context,
                                                               clock: FixedClock) -> None:
    from bot.services.requests import ask, decide_extension

    order_id, master, other = await assigned(ctx)
    with pytest.raises(NotAllowed):
        await ask(ctx, other, order_id, "extension", "weather")
    with pytest.raises(InvalidInput):
        await ask(ctx, master, order_id, "extension", "bored")
    await ask(ctx, master, order_id, "extension", "parts")
    with pytest.raises(Conflict):  # one open request at a time
        await ask(ctx, master, order_id, "release", "illness")
    with pytest.raises(NotAllowed):
        await decide_extension(ctx, Actor(CLIENT), order_id, 24)
    await decide_extension(ctx, DESK, order_id, 24)
    with pytest.raises(Conflict):  # decided once
        await decide_extension(ctx, DESK, order_id, 48)
    async with ctx.tx() as s:
        due = await s.scalar(select(Deadline.due_at).where(
            Deadline.order_id == order_id, Deadline.kind == "completion",
            Deadline.state == "pending"))
    assert due == START + timedelta(hours=48 + 24)
    box = await outbox(ctx)
    assert [b[3]["approved"] for b in box if b[0] == "master_request"] == [True]


async def test_release_returns_the_order_to_matching_and_is_recorded(ctx: Context) -> None:
    from conftest import audit

    from bot.services.requests import ask, decide_release

    order_id, master, _other = await assigned(ctx)
    await ask(ctx, master, order_id, "release", "illness")
    await decide_release(ctx, DESK, order_id, approve=False)
    assert (await load_row(ctx, Order, order_id)).status == "assigned"  # he stays on the job
    await ask(ctx, master, order_id, "release", "emergency")
    await decide_release(ctx, DESK, order_id, approve=True)
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.master_id, row.request) == ("submitted", None, None)
    actions = [a[0] for a in await audit(ctx, order_id)]
    assert "refuse_release" in actions and "release" in actions
    assert (await states(ctx, order_id))["triage"] == "pending"  # back at the desk's clock
    assert ("client_rematch", CLIENT) in [(b[0], b[1]) for b in await outbox(ctx)]
