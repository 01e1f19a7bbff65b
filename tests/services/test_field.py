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
from bot.domain.visits import proposal_stamp
from bot.services.base import Context
from bot.services.deadlines import fire_due
from bot.services.field import check_in, mark_contacted, resume_job, schedule_visit, stop_job
from bot.services.offers import accept_offer, offer_order
from bot.services.visits import answer_proposal, propose_visit
from db.models import Deadline, Order

CLIENT = 100


async def assigned(ctx: Context, **draft: object) -> tuple[int, Actor, Actor]:
    master = await make_master(ctx, 2001)
    other = await make_master(ctx, 2002)
    order = await make_order(ctx, CLIENT, **draft)
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
    from bot.services.master_requests import ask, decide_extension

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

    from bot.services.master_requests import ask, decide_release

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


# --- a new visit time, agreed by both sides ---------------------------------------------------

async def scheduled(ctx: Context, **draft: object) -> tuple[int, Actor, Actor, datetime]:
    """An order whose visit was agreed on the call for START + 5 h."""
    order_id, master, other = await assigned(ctx, **draft)
    await mark_contacted(ctx, master, order_id)
    visit = START + timedelta(hours=5)
    await schedule_visit(ctx, master, order_id, visit)
    return order_id, master, other, visit


async def deadlines(ctx: Context, order_id: int, kind: str) -> list[tuple[str, datetime]]:
    async with ctx.tx() as s:
        rows = (await s.scalars(select(Deadline).where(
            Deadline.order_id == order_id, Deadline.kind == kind).order_by(Deadline.id))).all()
    return [(d.state, d.due_at) for d in rows]


async def test_the_client_proposes_the_master_accepts_and_the_clocks_restart(
        ctx: Context) -> None:
    from conftest import audit

    order_id, master, _other, visit = await scheduled(ctx)
    new = visit + timedelta(hours=3)
    view = await propose_visit(ctx, Actor(CLIENT), order_id, new)
    assert (view.visit_at, view.proposed_visit_at, view.proposed_by) == (visit, new, "client")
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.visit_at, row.proposed_visit_at, row.proposed_by) == (
        "scheduled", visit, new, "client")
    box = await outbox(ctx)
    assert [(b[1], b[3]) for b in box if b[0] == "visit_proposal"] == [
        (2001, {"by": "client", "at": new.isoformat(), "replaces": None})]
    assert {"note": "visit_proposed", "by": "client", "at": new.isoformat()} in [
        b[3] for b in box if b[0] == "desk_note"]
    # nothing moved yet: the agreed time's clocks still stand
    assert await deadlines(ctx, order_id, "arrival") == [("pending", visit + timedelta(hours=1))]

    view = await answer_proposal(ctx, master, order_id, proposal_stamp(new), accept=True)
    assert (view.visit_at, view.proposed_visit_at, view.proposed_by) == (new, None, None)
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.visit_at, row.proposed_visit_at) == ("scheduled", new, None)
    assert await deadlines(ctx, order_id, "arrival") == [
        ("cancelled", visit + timedelta(hours=1)), ("pending", new + timedelta(hours=1))]
    assert await deadlines(ctx, order_id, "visit_reminder") == [
        ("cancelled", visit - timedelta(hours=1)), ("pending", new - timedelta(hours=1))]
    box = await outbox(ctx)
    assert [(b[1], b[3]) for b in box if b[0] == "visit_answer"] == [
        (CLIENT, {"by": "client", "at": new.isoformat(), "accepted": True})]
    assert {"note": "visit_moved", "by": "client", "at": new.isoformat()} in [
        b[3] for b in box if b[0] == "desk_note"]
    trail = [(a[0], a[1], a[2]) for a in await audit(ctx, order_id)]
    assert ("visit_propose", CLIENT, "client") in trail
    assert ("visit_accept", 2001, "master") in trail

    with pytest.raises(Conflict) as e:  # a double tap: answered once
        await answer_proposal(ctx, master, order_id, proposal_stamp(new), accept=True)
    assert e.value.key == "error.proposal_gone"
    assert [a[0] for a in await audit(ctx, order_id)].count("visit_accept") == 1
    assert len(await deadlines(ctx, order_id, "arrival")) == 2


async def test_the_master_proposes_the_client_declines_and_nothing_moves(ctx: Context) -> None:
    order_id, master, _other, visit = await scheduled(ctx)
    new = visit + timedelta(days=1)
    await propose_visit(ctx, master, order_id, new)
    assert ("visit_proposal", CLIENT) in [(b[0], b[1]) for b in await outbox(ctx)]
    view = await answer_proposal(ctx, Actor(CLIENT), order_id, proposal_stamp(new),
                                 accept=False)
    assert (view.visit_at, view.proposed_visit_at) == (visit, None)
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.visit_at, row.proposed_visit_at, row.proposed_by) == (
        "scheduled", visit, None, None)
    assert await deadlines(ctx, order_id, "arrival") == [("pending", visit + timedelta(hours=1))]
    box = await outbox(ctx)
    assert [(b[1], b[3]) for b in box if b[0] == "visit_answer"] == [
        (2001, {"by": "master", "at": new.isoformat(), "accepted": False})]
    assert {"note": "visit_declined", "by": "master", "at": new.isoformat()} in [
        b[3] for b in box if b[0] == "desk_note"]
    with pytest.raises(Conflict):  # declined once; accepting it afterwards is too late
        await answer_proposal(ctx, Actor(CLIENT), order_id, proposal_stamp(new), accept=True)
    assert (await load_row(ctx, Order, order_id)).visit_at == visit


async def test_only_the_other_party_answers_a_proposal(ctx: Context) -> None:
    order_id, master, other, visit = await scheduled(ctx)
    new = visit + timedelta(hours=2)
    await propose_visit(ctx, master, order_id, new)
    stamp = proposal_stamp(new)
    with pytest.raises(NotAllowed) as e:
        await answer_proposal(ctx, master, order_id, stamp, accept=True)
    assert e.value.key == "error.own_proposal"
    for stranger in (other, Actor(5555), DESK):
        with pytest.raises(NotAllowed) as e:
            await answer_proposal(ctx, stranger, order_id, stamp, accept=True)
        assert e.value.key == "error.not_allowed"
        with pytest.raises(NotAllowed):
            await propose_visit(ctx, stranger, order_id, new + timedelta(hours=1))
    with pytest.raises(Conflict):  # a forged or stale version of the proposal
        await answer_proposal(ctx, Actor(CLIENT), order_id, stamp + 1, accept=True)
    row = await load_row(ctx, Order, order_id)
    assert (row.visit_at, row.proposed_visit_at, row.proposed_by) == (visit, new, "master")
    with pytest.raises(InvalidInput):  # the agreed time itself is not a new one
        await propose_visit(ctx, Actor(CLIENT), order_id, visit)
    with pytest.raises(InvalidInput):  # nor a time in the past
        await propose_visit(ctx, Actor(CLIENT), order_id, START - timedelta(minutes=1))
    await answer_proposal(ctx, Actor(CLIENT), order_id, stamp, accept=True)
    assert (await load_row(ctx, Order, order_id)).visit_at == new


async def test_one_proposal_at_a_time_and_a_counter_proposal_replaces_it(ctx: Context) -> None:
    order_id, master, _other, visit = await scheduled(ctx)
    first, second, counter = (visit + timedelta(hours=h) for h in (1, 2, 3))
    await propose_visit(ctx, master, order_id, first)
    await propose_visit(ctx, master, order_id, second)  # his own open one is replaced
    with pytest.raises(Conflict):  # the client's button for the first one is outdated
        await answer_proposal(ctx, Actor(CLIENT), order_id, proposal_stamp(first), True)
    await propose_visit(ctx, Actor(CLIENT), order_id, counter)  # a counter-proposal
    row = await load_row(ctx, Order, order_id)
    assert (row.visit_at, row.proposed_visit_at, row.proposed_by) == (visit, counter, "client")
    proposals = [(b[1], b[3]) for b in await outbox(ctx) if b[0] == "visit_proposal"]
    assert proposals[-1] == (2001, {"by": "client", "at": counter.isoformat(),
                                    "replaces": second.isoformat()})
    with pytest.raises(NotAllowed):  # the client cannot now accept the master's second
        await answer_proposal(ctx, Actor(CLIENT), order_id, proposal_stamp(second), True)
    await answer_proposal(ctx, master, order_id, proposal_stamp(counter), accept=True)
    assert (await load_row(ctx, Order, order_id)).visit_at == counter


async def test_proposals_only_while_scheduled_and_not_stopped(ctx: Context) -> None:
    order_id, master, _other = await assigned(ctx)
    await mark_contacted(ctx, master, order_id)
    with pytest.raises(NotAllowed) as e:  # nothing agreed yet: the master sets it directly
        await propose_visit(ctx, Actor(CLIENT), order_id, START + timedelta(hours=4))
    assert e.value.key == "error.wrong_state"
    visit = START + timedelta(hours=5)
    await schedule_visit(ctx, master, order_id, visit)
    new = visit + timedelta(hours=1)
    await propose_visit(ctx, Actor(CLIENT), order_id, new)
    await stop_job(ctx, Actor(CLIENT), order_id)
    for attempt in (answer_proposal(ctx, master, order_id, proposal_stamp(new), True),
                    propose_visit(ctx, master, order_id, new + timedelta(hours=1)),
                    propose_visit(ctx, Actor(CLIENT), order_id, new + timedelta(hours=1))):
        with pytest.raises(NotAllowed) as e:
            await attempt
        assert e.value.key == "error.job_stopped"
    assert (await load_row(ctx, Order, order_id)).visit_at == visit
    await resume_job(ctx, DESK, order_id)
    await answer_proposal(ctx, master, order_id, proposal_stamp(new), True)
    assert (await load_row(ctx, Order, order_id)).visit_at == new
    # on site: an open proposal lapses and no new one can be made
    await propose_visit(ctx, master, order_id, new + timedelta(hours=1))
    await check_in(ctx, master, order_id)
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.proposed_visit_at, row.proposed_by) == ("on_site", None, None)
    with pytest.raises(NotAllowed) as e:
        await propose_visit(ctx, Actor(CLIENT), order_id, new + timedelta(hours=2))
    assert e.value.key == "error.wrong_state"


async def test_two_answers_at_once_give_one_result(ctx: Context) -> None:
    import asyncio

    from conftest import lockstep

    order_id, master, _other, visit = await scheduled(ctx)
    new = visit + timedelta(hours=2)
    await propose_visit(ctx, Actor(CLIENT), order_id, new)
    racing = lockstep(ctx, 2)
    results = await asyncio.gather(
        answer_proposal(racing, master, order_id, proposal_stamp(new), True),
        answer_proposal(racing, master, order_id, proposal_stamp(new), False),
        return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "OrderView"]
    row = await load_row(ctx, Order, order_id)
    won_accept = not isinstance(results[0], Exception)
    assert row.visit_at == (new if won_accept else visit) and row.proposed_visit_at is None
    assert len([b for b in await outbox(ctx) if b[0] == "visit_answer"]) == 1


async def test_check_in_with_a_location_stores_it_and_tells_the_desk_how_far(
        ctx: Context, clock: FixedClock) -> None:
    from bot.domain.geo import distance_m

    here = (52.2297, 21.0122)  # the client shared this point with the order
    order_id, master, other, visit = await scheduled(ctx, address=None, latitude=here[0],
                                                     longitude=here[1])
    clock.set(visit + timedelta(minutes=10))
    with pytest.raises(NotAllowed):
        await check_in(ctx, other, order_id, 52.0, 21.0)
    with pytest.raises(InvalidInput):  # off the map: refused, nothing stored
        await check_in(ctx, master, order_id, 95.0, 21.0)
    assert (await load_row(ctx, Order, order_id)).status == "scheduled"
    spot = (52.2306, 21.0122)  # about 100 m north
    view, minutes = await check_in(ctx, master, order_id, *spot)
    assert minutes == 10 and (view.checkin_lat, view.checkin_lon) == spot
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.checkin_lat, row.checkin_lon, row.checked_in_at) == (
        "on_site", *spot, visit + timedelta(minutes=10))
    expected = round(distance_m(*here, *spot))
    assert 95 <= expected <= 105
    notes = [b[3] for b in await outbox(ctx) if b[0] == "desk_note"]
    assert notes[-1] == {"note": "on_site", "minutes": 10, "located": True,
                         "distance": expected}


async def test_check_in_with_a_location_when_the_order_has_no_point(ctx: Context,
                                                                    clock: FixedClock) -> None:
    order_id, master, _other, visit = await scheduled(ctx)  # an address, no map point
    clock.set(visit)
    await check_in(ctx, master, order_id, 52.2306, 21.0122)
    notes = [b[3] for b in await outbox(ctx) if b[0] == "desk_note"]
    assert notes[-1] == {"note": "on_site", "minutes": 0, "located": True, "distance": None}
    row = await load_row(ctx, Order, order_id)
    assert (row.checkin_lat, row.checkin_lon) == (52.2306, 21.0122)
