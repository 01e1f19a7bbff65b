"""The clock (SPEC §4) on the services, with a controllable clock: each deadline fires at its
time, not before, and once; met ones never fire; desk hours; pause and resume; several
processes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import (
    DESK,
    START,
    FixedClock,
    load_row,
    make_client,
    make_master,
    make_order,
    master_actor,
    outbox,
)
from sqlalchemy import select, update

from bot.domain.clock import DeskHours
from bot.domain.deadlines import Kind
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.rules import Actor
from bot.services.base import NORMAL, URGENT, Context
from bot.services.clocks import move_deadline, pause_clocks, resume_clocks
from bot.services.completion import confirm_with_code, report_completion
from bot.services.deadlines import fire_due, sla_board
from bot.services.offers import accept_offer, offer_order
from db.engine import make_engine, make_sessionmaker
from db.models import Deadline, Order, OutboxMessage

CLIENT = 100


async def deadlines(ctx: Context, order_id: int) -> dict[str, tuple[str, datetime]]:
    async with ctx.tx() as s:
        rows = (await s.scalars(select(Deadline).where(Deadline.order_id == order_id)
                                .order_by(Deadline.id))).all()
    return {r.kind: (r.state, r.due_at) for r in rows}  # the latest row of each kind


def kinds(box: list, kind: str) -> list:
    return [b for b in box if b[0] == kind]


async def test_triage_fires_at_its_time_not_before_and_once(ctx: Context,
                                                            clock: FixedClock) -> None:
    order = await make_order(ctx, CLIENT)
    state, due = (await deadlines(ctx, order.id))["triage"]
    assert state == "pending" and due == START + timedelta(minutes=30)
    clock.set(due - timedelta(seconds=1))
    assert await fire_due(ctx) == 0
    clock.set(due)
    assert await fire_due(ctx) == 1
    clock.advance(hours=5)
    assert await fire_due(ctx) == 0
    box = await outbox(ctx)
    assert len(kinds(box, "desk_sla")) == 1 and kinds(box, "desk_sla")[0][3]["kind"] == "triage"
    row = await load_row(ctx, Order, order.id)
    assert (row.sla_state, row.sla_kind) == ("breach", "triage")
    assert (await deadlines(ctx, order.id))["triage"][0] == "fired"
    async with ctx.tx() as s:  # the clock's bulk insert ranks it too: the desk reads it first
        ranks = dict((await s.execute(select(OutboxMessage.kind, OutboxMessage.priority))).all())
    assert (ranks["desk_sla"], ranks["order_topic"]) == (URGENT, NORMAL)


async def test_triage_counts_desk_hours_only(ctx: Context, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 2, 20, 45, tzinfo=UTC))  # 15 min before the desk closes
    order = await make_order(ctx, CLIENT)
    assert (await deadlines(ctx, order.id))["triage"][1] == datetime(2026, 3, 3, 8, 15,
                                                                     tzinfo=UTC)


async def test_a_met_deadline_never_fires(ctx: Context, clock: FixedClock) -> None:
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    clock.advance(minutes=10)
    await offer_order(ctx, DESK, order.id, master.id)  # meets triage
    clock.advance(minutes=10)
    await accept_offer(ctx, master_actor(master), order.id)  # meets the offer expiry
    d = await deadlines(ctx, order.id)
    assert d["triage"][0] == d["offer"][0] == "cancelled"
    assert d["callback"] == ("pending", START + timedelta(minutes=20, hours=2))
    assert d["completion"] == ("pending", START + timedelta(minutes=20, hours=48))
    clock.advance(hours=1, minutes=29)
    assert await fire_due(ctx) == 0
    box_before = len(await outbox(ctx))
    await report_completion(ctx, master_actor(master), order.id, ["p1"], 10_000,
                            warranty_months=1)
    d = await deadlines(ctx, order.id)
    assert d["callback"][0] == d["callback_reminder"][0] == d["completion"][0] == "cancelled"
    assert d["confirmation"][0] == "pending"
    clock.advance(hours=60)
    assert await fire_due(ctx) == 1  # only the confirmation reminder
    box = (await outbox(ctx))[box_before:]
    assert [b[0] for b in box if b[0].endswith("_sla")] == ["client_sla"]


async def test_offer_expires_and_the_order_returns_to_the_desk(ctx: Context,
                                                               clock: FixedClock) -> None:
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    clock.advance(minutes=14, seconds=59)
    assert await fire_due(ctx) == 0
    clock.advance(seconds=1)
    assert await fire_due(ctx) == 1
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id) == ("submitted", None)
    box = await outbox(ctx)
    # the master's offer message is edited to say it expired; the desk's note names him
    assert [(b[1], b[3]["reason"]) for b in kinds(box, "offer_closed")] == [(2001, "expired")]
    assert not kinds(box, "master_sla")
    assert [(b[3]["kind"], b[3]["master"]) for b in kinds(box, "desk_sla")] == [
        ("offer", master.name)]
    d = await deadlines(ctx, order.id)
    assert d["offer"][0] == "fired" and d["triage"][0] == "pending"  # a fresh triage clock
    with pytest.raises(DomainError):  # the expired offer can no longer be taken
        await accept_offer(ctx, master_actor(master), order.id)


async def test_callback_reminder_then_breach(ctx: Context, clock: FixedClock) -> None:
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    clock.advance(minutes=90)
    assert await fire_due(ctx) == 1
    row = await load_row(ctx, Order, order.id)
    assert row.sla_state == "risk"
    box = await outbox(ctx)
    assert [(b[1], b[3]["kind"]) for b in kinds(box, "master_sla")] == [
        (2001, "callback_reminder")]
    clock.advance(minutes=30)
    assert await fire_due(ctx) == 1
    assert (await load_row(ctx, Order, order.id)).sla_state == "breach"
    desk = [b[3]["kind"] for b in kinds(await outbox(ctx), "desk_sla")]
    assert desk == ["callback_reminder", "callback"]
    board = await sla_board(ctx, DESK)
    assert [(line.order.id, line.kind) for line in board] == [(order.id, "callback")]


async def test_an_at_risk_notice_waits_for_desk_hours_a_breach_does_not(
        ctx: Context, clock: FixedClock) -> None:
    master = await make_master(ctx, 2001)
    clock.set(datetime(2026, 3, 2, 19, 50, tzinfo=UTC))
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    clock.set(datetime(2026, 3, 2, 21, 20, tzinfo=UTC))  # reminder due; desk closed
    assert await fire_due(ctx) == 1
    async with ctx.tx() as s:
        from db.models import OutboxMessage

        rows = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.kind.in_(["desk_sla", "master_sla"])))).all()
        at = {r.kind: r.next_attempt_at for r in rows}
    assert at["master_sla"] == datetime(2026, 3, 2, 21, 20, tzinfo=UTC)  # the master: now
    assert at["desk_sla"] == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # the desk: at opening
    clock.set(datetime(2026, 3, 2, 21, 50, tzinfo=UTC))  # the callback is breached
    assert await fire_due(ctx) == 1
    async with ctx.tx() as s:
        rows = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "desk_sla").order_by(OutboxMessage.id))).all()
    assert rows[-1].payload["kind"] == "callback"
    assert rows[-1].next_attempt_at == datetime(2026, 3, 2, 21, 50, tzinfo=UTC)


async def test_pause_and_resume_add_the_held_time_back(ctx: Context, clock: FixedClock) -> None:
    order = await make_order(ctx, CLIENT)
    due = START + timedelta(minutes=30)
    clock.advance(minutes=10)
    async with ctx.tx() as s:
        await pause_clocks(s, order.id, clock())
    clock.set(due + timedelta(minutes=5))
    assert await fire_due(ctx) == 0  # held
    clock.set(START + timedelta(minutes=70))  # resumed one hour after the pause
    async with ctx.tx() as s:
        await resume_clocks(ctx, s, order.id, clock())
    assert (await deadlines(ctx, order.id))["triage"] == ("pending", due + timedelta(hours=1))
    clock.set(due + timedelta(hours=1) - timedelta(seconds=1))
    assert await fire_due(ctx) == 0
    clock.advance(seconds=1)
    assert await fire_due(ctx) == 1


async def test_a_deadline_missed_while_down_fires_late_and_says_so(ctx: Context,
                                                                   clock: FixedClock) -> None:
    order = await make_order(ctx, CLIENT)
    clock.advance(hours=3)  # the bot was down when triage fell due
    assert await fire_due(ctx) == 1
    async with ctx.tx() as s:
        d = await s.scalar(select(Deadline).where(Deadline.order_id == order.id))
    assert d is not None and d.late_seconds == 150 * 60
    assert kinds(await outbox(ctx), "desk_sla")[0][3]["late"] == 150 * 60


async def test_confirmation_reminder_and_a_confirmed_order_stops_the_clocks(
        ctx: Context, clock: FixedClock) -> None:
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    await report_completion(ctx, master_actor(master), order.id, ["p"], 1000,
                            warranty_months=1)
    code = kinds(await outbox(ctx), "client_code")[0][3]["code"]
    await confirm_with_code(ctx, master_actor(master), order.id, code)
    clock.advance(days=30)
    # the work's clocks are met; completion starts only the review request and the
    # warranty's end (SPEC §4), each once
    assert await fire_due(ctx) == 1
    assert kinds(await outbox(ctx), "client_sla")[-1][3]["kind"] == "review"
    assert await fire_due(ctx) == 0
    states = await deadlines(ctx, order.id)
    assert {kind: st for kind, (st, _) in states.items() if st != "cancelled"} == {
        "review": "fired", "warranty_end": "pending"}
    # a month's warranty from the report on Mon 2 March (UTC desk): through 2 April
    assert states["warranty_end"][1] == datetime(2026, 4, 3, tzinfo=UTC)
    clock.set(datetime(2026, 4, 3, 0, 0, 1, tzinfo=UTC))
    assert await fire_due(ctx) == 1
    assert kinds(await outbox(ctx), "client_sla")[-1][3]["kind"] == "warranty_end"


async def test_two_processes_fire_each_deadline_once(db_url: str, ctx: Context,
                                                     clock: FixedClock) -> None:
    await make_client(ctx, CLIENT)
    for _ in range(40):
        await make_order(ctx, CLIENT)
    clock.advance(hours=1)
    other_engine = make_engine(db_url)  # a second bot process: its own engine and pool
    try:
        other = replace(ctx, sessions=make_sessionmaker(other_engine))
        counts = await asyncio.gather(*(fire_due(c, limit=7) for c in (ctx, other) * 6))
        while sum(await asyncio.gather(fire_due(ctx, limit=7), fire_due(other, limit=7))):
            pass
    finally:
        await other_engine.dispose()
    assert sum(counts) <= 40
    notes = kinds(await outbox(ctx), "desk_sla")
    assert len(notes) == 40 and len({n[2] for n in notes}) == 40  # each order once
    async with ctx.tx() as s:
        states = (await s.scalars(select(Deadline.state))).all()
    assert states == ["fired"] * 40


async def test_desk_hours_in_another_time_zone(ctx: Context, clock: FixedClock) -> None:
    warsaw = DeskHours(time(8), time(21), ZoneInfo("Europe/Warsaw"))
    ctx.policy.timing = replace(ctx.policy.timing, desk=warsaw)
    clock.set(datetime(2026, 3, 2, 19, 50, tzinfo=UTC))  # 20:50 in Warsaw
    order = await make_order(ctx, CLIENT)
    # 10 minutes today, 20 tomorrow from 08:00 Warsaw (07:00 UTC)
    assert (await deadlines(ctx, order.id))["triage"][1] == datetime(2026, 3, 3, 7, 20,
                                                                     tzinfo=UTC)


async def test_the_board_is_for_the_desk_only(ctx: Context) -> None:
    with pytest.raises(NotAllowed):
        await sla_board(ctx, Actor(CLIENT))
    async with ctx.tx() as s:
        await s.execute(update(Order).values(sla_state="breach"))
    assert await sla_board(ctx, DESK) == []


async def test_an_extension_moves_the_completion_deadline(ctx: Context,
                                                          clock: FixedClock) -> None:
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    new_due = START + timedelta(hours=72)
    async with ctx.tx() as s:
        assert await move_deadline(ctx, s, order.id, Kind.COMPLETION, new_due)
        assert not await move_deadline(ctx, s, order.id, Kind.TRIAGE, new_due)  # none pending
    clock.set(START + timedelta(hours=49))
    await fire_due(ctx)  # the callback ones fire; completion does not
    assert (await deadlines(ctx, order.id))["completion"] == ("pending", new_due)
    clock.set(new_due)
    assert await fire_due(ctx) == 1
    assert (await deadlines(ctx, order.id))["completion"][0] == "fired"


def test_the_warranty_ends_after_the_local_day_the_act_promised() -> None:
    from zoneinfo import ZoneInfo

    from bot.domain.clock import DeskHours
    from bot.domain.deadlines import Kind, Timing, due_at, warranty_ends_at

    warsaw = ZoneInfo("Europe/Warsaw")
    reported = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # already 1 February in Warsaw
    end = warranty_ends_at(reported, 3, warsaw)
    assert end == datetime(2026, 5, 2, 0, 0, tzinfo=warsaw).astimezone(UTC)  # through 1 May
    assert end == datetime(2026, 5, 1, 22, 0, tzinfo=UTC)  # summer time
    assert warranty_ends_at(reported, None, warsaw) is None
    assert warranty_ends_at(None, 3, warsaw) is None
    timing = Timing(desk=DeskHours(time(8), time(21), warsaw))
    assert due_at(Kind.WARRANTY_END, reported, timing, warranty_end=end) == end
    # back to completed after it ended (a resolved dispute): it does not close twice
    assert due_at(Kind.WARRANTY_END, end + timedelta(days=1), timing, warranty_end=end) is None
