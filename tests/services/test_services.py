"""Layer 2: use cases against a real database (SQLite file; PostgreSQL with TEST_DATABASE_URL).

Every test asserts what was stored (orders, offers, audit, outbox), not just what was returned.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import func, select

from bot.domain.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.services.completion import confirm_with_code, reissue_code, report_completion
from bot.services.masters import apply_master, decide_master
from bot.services.matching import candidates
from bot.services.offers import (
    accept_offer,
    decline_offer,
    offer_order,
    withdraw_offer,
)
from bot.services.orders import cancel_order, get_order, my_orders, reject_order, submit_order
from bot.services.users import touch_user
from db.models import Master, Order

try:
    from conftest import (
        DESK,
        application,
        audit,
        complete_draft,
        load_row,
        lockstep,
        make_client,
        make_master,
        make_order,
        master_actor,
        offers_of,
        outbox,
        row_counts,
    )
except ImportError:  # tests/ became a package
    from tests.conftest import (
        DESK,
        application,
        audit,
        complete_draft,
        load_row,
        lockstep,
        make_client,
        make_master,
        make_order,
        master_actor,
        offers_of,
        outbox,
        row_counts,
    )

CLIENT = 1001
OTHER_CLIENT = 1002
STRANGER = Actor(5555)
PHOTOS = ["report-photo-1"]


def kinds(rows, order_id=None):
    return [k for k, _chat, oid, _p in rows if order_id is None or oid == order_id]


def rows_of(rows, kind):
    return [r for r in rows if r[0] == kind]


async def order_count(ctx) -> int:
    async with ctx.tx() as s:
        return await s.scalar(select(func.count()).select_from(Order))


async def assigned_order(ctx, master_uid=2001):
    """An order assigned to a fresh approved master: (order, master)."""
    master = await make_master(ctx, master_uid)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    order = await accept_offer(ctx, master_actor(master), order.id)
    assert order.status == Status.ASSIGNED
    return order, master


async def reported_order(ctx):
    """An order awaiting confirmation: (order, master, code the client was sent)."""
    order, master = await assigned_order(ctx)
    await report_completion(ctx, master_actor(master), order.id, PHOTOS, 150_000,
                            warranty_months=3)
    codes = [p["code"] for k, chat, oid, p in await outbox(ctx)
             if k == "client_code" and oid == order.id]
    assert len(codes) == 1
    return order, master, codes[0]


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- submit --------------------------------------------------------------------------------

async def test_submit_order_stores_submitted_order(ctx, clock):
    await make_client(ctx, CLIENT)
    draft = complete_draft(description="Leaking pipe under the sink")
    view = await submit_order(ctx, CLIENT, draft)

    row = await load_row(ctx, Order, view.id)
    assert row is not None
    assert row.status == "submitted"
    assert row.client_id == CLIENT
    assert row.service == "plumbing"
    assert row.description == "Leaking pipe under the sink"
    assert row.draft_token == draft.token
    assert row.area == "Warszawa"  # the locality, never the street (SPEC §6)
    assert row.urgent is False and row.surcharge_percent == 0
    assert row.created_at == clock()
    assert row.master_id is None and row.offered_master_id is None

    trail = await audit(ctx, view.id)
    assert [(a, actor, role, to) for a, actor, role, _f, to, _r in trail] == [
        ("submit", CLIENT, "client", "submitted")]
    # the topic with the card, then the client's photos right under it (issue 11)
    assert kinds(await outbox(ctx)) == ["order_topic", "album"]
    assert (await outbox(ctx))[0][1:3] == (None, view.id)  # to the desk, about this order
    assert (await outbox(ctx))[1][1:4] == (None, view.id, {"what": "order",
                                                           "files": ["photo:photo-1"]})


async def test_submit_urgent_order_carries_surcharge(ctx):
    view = await make_order(ctx, CLIENT, time_kind="urgent")
    row = await load_row(ctx, Order, view.id)
    assert row.urgent is True
    assert row.surcharge_percent == ctx.policy.urgent_surcharge_percent > 0


async def test_double_confirm_returns_the_same_order(ctx):
    await make_client(ctx, CLIENT)
    draft = complete_draft()
    first = await submit_order(ctx, CLIENT, draft)
    second = await submit_order(ctx, CLIENT, draft)
    assert first.id == second.id
    assert await order_count(ctx) == 1
    assert kinds(await outbox(ctx)) == ["order_topic", "album"]
    assert len(await audit(ctx, first.id)) == 1


async def test_double_confirm_concurrently_stores_one_order(ctx):
    await make_client(ctx, CLIENT)
    draft = complete_draft()
    race = lockstep(ctx, 2)  # both taps look up the token before either inserts
    results = await asyncio.gather(*(submit_order(race, CLIENT, draft) for _ in range(2)),
                                   return_exceptions=True)
    assert await order_count(ctx) == 1
    assert kinds(await outbox(ctx)) == ["order_topic", "album"]
    for r in results:  # whatever the loser saw, it was a rule's answer, not a crash
        assert not isinstance(r, BaseException) or isinstance(r, DomainError), repr(r)


async def test_double_confirm_concurrently_answers_both_taps(ctx, backend):
    await make_client(ctx, CLIENT)
    draft = complete_draft()
    race = lockstep(ctx, 2)
    results = await asyncio.gather(*(submit_order(race, CLIENT, draft) for _ in range(2)),
                                   return_exceptions=True)
    # a double tap must not show the client an error: both taps see the one order
    for r in results:
        assert not isinstance(r, BaseException), repr(r)
    assert results[0].id == results[1].id


@pytest.mark.parametrize("missing", ["service", "description", "address", "time_kind", "phone"])
async def test_incomplete_draft_is_refused_and_nothing_stored(ctx, missing):
    await make_client(ctx, CLIENT)
    before = await row_counts(ctx)
    with pytest.raises(InvalidInput):
        await submit_order(ctx, CLIENT, complete_draft(**{missing: None}))
    assert await row_counts(ctx) == before
    assert before["orders"] == 0


async def test_unknown_service_is_refused(ctx):
    await make_client(ctx, CLIENT)
    with pytest.raises(InvalidInput):
        await submit_order(ctx, CLIENT, complete_draft(service="astrology"))
    assert await order_count(ctx) == 0
    assert await outbox(ctx) == []


# --- reject --------------------------------------------------------------------------------

async def test_desk_rejects_order(ctx):
    order = await make_order(ctx, CLIENT)
    view = await reject_order(ctx, DESK, order.id, "forbidden")
    assert view.status == Status.REJECTED
    row = await load_row(ctx, Order, order.id)
    assert row.status == "rejected"
    assert row.reason == "forbidden"

    box = await outbox(ctx)
    assert ("client_rejected", CLIENT, order.id, {"reason": "forbidden"}) in box
    assert ("order_card", None, order.id, {}) in box
    trail = await audit(ctx, order.id)
    assert trail[-1] == ("reject", DESK.user_id, "manager", "submitted", "rejected", "forbidden")


@pytest.mark.parametrize("who", ["client", "stranger"])
async def test_reject_by_non_desk_is_refused(ctx, who):
    order = await make_order(ctx, CLIENT)
    actor = Actor(CLIENT) if who == "client" else STRANGER
    before = await row_counts(ctx)
    box, trail = await outbox(ctx), await audit(ctx, order.id)
    with pytest.raises(NotAllowed):
        await reject_order(ctx, actor, order.id, "forbidden")
    row = await load_row(ctx, Order, order.id)
    assert row.status == "submitted" and row.reason is None
    assert await row_counts(ctx) == before
    assert await outbox(ctx) == box
    assert await audit(ctx, order.id) == trail


async def test_reject_twice_is_refused(ctx):
    order = await make_order(ctx, CLIENT)
    await reject_order(ctx, DESK, order.id, "no_masters")
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed):
        await reject_order(ctx, DESK, order.id, "forbidden")
    assert (await load_row(ctx, Order, order.id)).reason == "no_masters"
    assert await row_counts(ctx) == before


async def test_reject_unknown_reason_and_order(ctx):
    order = await make_order(ctx, CLIENT)
    with pytest.raises(InvalidInput):
        await reject_order(ctx, DESK, order.id, "because")
    with pytest.raises(NotFound):
        await reject_order(ctx, DESK, order.id + 100, "forbidden")
    assert (await load_row(ctx, Order, order.id)).status == "submitted"


# --- offers --------------------------------------------------------------------------------

async def test_offer_then_accept_assigns(ctx):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    view = await offer_order(ctx, DESK, order.id, master.id)
    assert view.status == Status.OFFERED
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id, row.master_id) == ("offered", master.id, None)
    assert await offers_of(ctx, order.id) == [(master.id, "pending")]
    assert ("master_offer", master.user_id, order.id, {}) in await outbox(ctx)

    view = await accept_offer(ctx, master_actor(master), order.id)
    assert view.status == Status.ASSIGNED
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.master_id, row.offered_master_id) == ("assigned", master.id, None)
    assert await offers_of(ctx, order.id) == [(master.id, "accepted")]
    box = await outbox(ctx)
    # the master's card for the client: photo, verified badge, rating, jobs done [H, Q]
    assert rows_of(box, "client_assigned") == [("client_assigned", CLIENT, order.id, {
        "photo": None, "verified": True, "rating": None, "reviews": 0, "jobs": 0})]
    assert [a for a, *_ in await audit(ctx, order.id)] == ["submit", "offer", "accept"]


async def test_race_two_masters_after_reoffer(ctx):
    a = await make_master(ctx, 2001)
    b = await make_master(ctx, 2002)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, a.id)
    await withdraw_offer(ctx, DESK, order.id)
    await offer_order(ctx, DESK, order.id, b.id)

    race = lockstep(ctx, 2)  # both read the order before either writes
    res_a, res_b = await asyncio.gather(
        accept_offer(race, master_actor(a), order.id),
        accept_offer(race, master_actor(b), order.id),
        return_exceptions=True,
    )
    assert isinstance(res_a, DomainError), res_a
    assert not isinstance(res_b, BaseException), res_b
    assert res_b.master_id == b.id

    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.master_id, row.offered_master_id) == ("assigned", b.id, None)
    assert len(rows_of(await outbox(ctx), "client_assigned")) == 1
    assert await offers_of(ctx, order.id) == [(a.id, "withdrawn"), (b.id, "accepted")]
    assert [a for a, *_ in await audit(ctx, order.id)].count("accept") == 1


async def test_double_tap_accept_assigns_once(ctx):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    race = lockstep(ctx, 2)  # both taps pass authorisation; the compare-and-set decides
    results = await asyncio.gather(
        *(accept_offer(race, master_actor(master), order.id) for _ in range(2)),
        return_exceptions=True,
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(ok) == 1
    assert len(failed) == 1 and isinstance(failed[0], DomainError), failed
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.master_id) == ("assigned", master.id)
    assert len(rows_of(await outbox(ctx), "client_assigned")) == 1
    assert [a for a, *_ in await audit(ctx, order.id)].count("accept") == 1


async def test_withdrawn_master_cannot_accept(ctx):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await withdraw_offer(ctx, DESK, order.id)
    with pytest.raises(Conflict) as refused:  # told why, not refused like a stranger
        await accept_offer(ctx, master_actor(master), order.id)
    assert refused.value.key == "error.offer_withdrawn"
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.master_id, row.offered_master_id) == ("submitted", None, None)
    assert ("offer_closed", master.user_id, order.id, {"reason": "withdrawn"}) in await outbox(
        ctx)


async def test_stranger_callbacks_are_refused_and_nothing_stored(ctx):
    a = await make_master(ctx, 2001)
    other = await make_master(ctx, 2002)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, a.id)
    before = await row_counts(ctx)
    box, trail = await outbox(ctx), await audit(ctx, order.id)

    forged = [
        (accept_offer, (STRANGER, order.id)),
        (accept_offer, (master_actor(other), order.id)),  # another master's offer
        (accept_offer, (Actor(CLIENT), order.id)),  # the client cannot accept for the master
        (decline_offer, (master_actor(other), order.id)),
        (withdraw_offer, (STRANGER, order.id)),
        (withdraw_offer, (master_actor(a), order.id)),
        (reject_order, (STRANGER, order.id, "forbidden")),
        (cancel_order, (STRANGER, order.id, "other")),
        (cancel_order, (master_actor(a), order.id, "other")),
    ]
    for fn, args in forged:
        with pytest.raises(NotAllowed):
            await fn(ctx, *args)
    # a non-desk user offering: on the offered order and on a fresh submitted one
    fresh = await make_order(ctx, OTHER_CLIENT)
    before_fresh = await row_counts(ctx)
    for actor in (STRANGER, Actor(OTHER_CLIENT), master_actor(other)):
        with pytest.raises(NotAllowed):
            await offer_order(ctx, actor, fresh.id, other.id)
    with pytest.raises(NotAllowed):
        await candidates(ctx, STRANGER, fresh.id)
    assert await row_counts(ctx) == before_fresh

    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id, row.master_id) == ("offered", a.id, None)
    assert (await load_row(ctx, Order, fresh.id)).status == "submitted"
    after = await row_counts(ctx)
    assert after["offers"] == before["offers"]
    assert after["audit"] == before["audit"] + 1  # only the fresh order's 'submit'
    assert await audit(ctx, order.id) == trail
    assert [r for r in await outbox(ctx) if r[2] != fresh.id] == box


@pytest.mark.parametrize("case", ["pending", "rejected", "other_service", "blocked", "missing"])
async def test_offer_to_unavailable_master_is_invalid(ctx, case):
    if case == "pending":
        master = await make_master(ctx, 2001, approve=None)
    elif case == "rejected":
        master = await make_master(ctx, 2001, approve=False)
    elif case == "other_service":
        master = await make_master(ctx, 2001, services=("cleaning", "electrical"))
    else:
        master = await make_master(ctx, 2001)
    if case == "blocked":
        async with ctx.tx() as s:
            (await s.get(Master, master.id)).blocked = True
    master_id = master.id + 50 if case == "missing" else master.id
    order = await make_order(ctx, CLIENT)
    before = await row_counts(ctx)
    with pytest.raises(InvalidInput):
        await offer_order(ctx, DESK, order.id, master_id)
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id) == ("submitted", None)
    assert await row_counts(ctx) == before


async def test_candidates_are_verified_masters_of_the_service(ctx):
    good = await make_master(ctx, 2001)
    await make_master(ctx, 2002, approve=None)
    await make_master(ctx, 2003, services=("cleaning",))
    busy = await make_master(ctx, 2004)
    order = await make_order(ctx, CLIENT)
    busy_order = await make_order(ctx, OTHER_CLIENT)
    await offer_order(ctx, DESK, busy_order.id, busy.id)
    await accept_offer(ctx, master_actor(busy), busy_order.id)
    found = (await candidates(ctx, DESK, order.id)).candidates
    assert [m.master_id for m in found] == [good.id, busy.id]  # the least busy first
    assert [m.load for m in found] == [0, 1]


async def test_decline_returns_to_submitted(ctx):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    view = await decline_offer(ctx, master_actor(master), order.id)
    assert view.status == Status.SUBMITTED
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id, row.master_id) == ("submitted", None, None)
    assert await offers_of(ctx, order.id) == [(master.id, "declined")]
    assert ("desk_note", None, order.id, {"note": "declined"}) in await outbox(ctx)
    assert (await audit(ctx, order.id))[-1][:5] == (
        "decline", master.user_id, "master", "offered", "submitted")
    # the order can be offered again
    again = await offer_order(ctx, DESK, order.id, master.id)
    assert again.status == Status.OFFERED


# --- completion and the code ---------------------------------------------------------------

async def test_report_needs_a_photo(ctx):
    order, master = await assigned_order(ctx)
    before = await row_counts(ctx)
    with pytest.raises(InvalidInput):
        await report_completion(ctx, master_actor(master), order.id, [], 10_000,
                                warranty_months=3)
    assert (await load_row(ctx, Order, order.id)).status == "assigned"
    assert await row_counts(ctx) == before


async def test_report_by_another_master_is_refused(ctx):
    order, _master = await assigned_order(ctx)
    other = await make_master(ctx, 2002)
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed):
        await report_completion(ctx, master_actor(other), order.id, PHOTOS, 10_000,
                                warranty_months=3)
    row = await load_row(ctx, Order, order.id)
    assert row.status == "assigned" and row.code_hash is None
    assert await row_counts(ctx) == before
    assert rows_of(await outbox(ctx), "client_code") == []


async def test_report_sends_the_code_to_the_client(ctx):
    order, master = await assigned_order(ctx)
    view = await report_completion(ctx, master_actor(master), order.id, PHOTOS,
                                   150_050, warranty_months=6, notes="Tap replaced")
    assert view.status == Status.AWAITING_CONFIRMATION
    row = await load_row(ctx, Order, order.id)
    assert row.status == "awaiting_confirmation"
    assert row.final_price == 150_050
    assert row.report_photos == PHOTOS
    assert row.code_hash and row.code_attempts == 0 and row.code_locked is False
    assert (row.warranty_months, row.report_notes) == (6, "Tap replaced")
    codes = rows_of(await outbox(ctx), "client_code")
    assert len(codes) == 1
    kind, chat, oid, payload = codes[0]
    assert (chat, oid) == (CLIENT, order.id)
    assert re.fullmatch(r"\d{6}", payload["code"])
    assert payload["code"] not in row.code_hash  # only a hash is stored


async def test_confirm_with_right_code_completes(ctx, clock):
    order, master, code = await reported_order(ctx)
    clock.advance(hours=1)
    result = await confirm_with_code(ctx, master_actor(master), order.id, code)
    assert result.completed is True and result.locked is False
    row = await load_row(ctx, Order, order.id)
    assert row.status == "completed"
    assert row.completed_at == clock()
    assert row.code_hash is None
    assert ("client_completed", CLIENT, order.id, {}) in await outbox(ctx)
    assert (await audit(ctx, order.id))[-1][:5] == (
        "confirm_code", master.user_id, "master", "awaiting_confirmation", "completed")
    # the code is one-time
    with pytest.raises(NotAllowed):
        await confirm_with_code(ctx, master_actor(master), order.id, code)


async def test_code_cannot_be_confirmed_by_others(ctx):
    order, _master, code = await reported_order(ctx)
    other = await make_master(ctx, 2002)
    for actor in (master_actor(other), STRANGER, DESK, Actor(CLIENT)):
        with pytest.raises(NotAllowed):
            await confirm_with_code(ctx, actor, order.id, code)
    row = await load_row(ctx, Order, order.id)
    assert row.status == "awaiting_confirmation" and row.code_attempts == 0


async def test_wrong_codes_lock_the_order_and_reissue_unlocks(ctx):
    order, master, code = await reported_order(ctx)
    me = master_actor(master)
    limit = ctx.policy.max_code_attempts
    assert limit == 5
    for i in range(1, limit + 1):
        result = await confirm_with_code(ctx, me, order.id, wrong_code(code))
        assert result.completed is False
        assert result.attempts_left == limit - i
        assert result.locked is (i == limit)
        row = await load_row(ctx, Order, order.id)
        assert row.code_attempts == i and row.code_locked is (i == limit)
        assert row.status == "awaiting_confirmation"
    notes = [p for k, chat, oid, p in await outbox(ctx) if k == "desk_note" and oid == order.id]
    assert notes.count({"note": "code_locked"}) == 1

    with pytest.raises(NotAllowed) as e:
        await confirm_with_code(ctx, me, order.id, code)
    assert e.value.key == "error.code_locked"
    assert (await load_row(ctx, Order, order.id)).status == "awaiting_confirmation"

    # only the desk may reissue
    with pytest.raises(NotAllowed):
        await reissue_code(ctx, me, order.id)
    view = await reissue_code(ctx, DESK, order.id)
    assert view.code_locked is False and view.code_attempts == 0
    codes = [p["code"] for k, chat, oid, p in await outbox(ctx)
             if k == "client_code" and chat == CLIENT and oid == order.id]
    assert len(codes) == 2
    new = codes[-1]
    assert ("master_code_reissued", master.user_id, order.id, {}) in await outbox(ctx)
    if new != code:  # the old code no longer works (1 in 10^6 they coincide)
        result = await confirm_with_code(ctx, me, order.id, code)
        assert result.completed is False and result.attempts_left == limit - 1
    result = await confirm_with_code(ctx, me, order.id, new)
    assert result.completed is True
    assert (await load_row(ctx, Order, order.id)).status == "completed"


async def test_concurrent_wrong_codes_are_all_counted(ctx):
    order, master, code = await reported_order(ctx)
    me = master_actor(master)
    race = lockstep(ctx, 8)
    results = await asyncio.gather(
        *(confirm_with_code(race, me, order.id, wrong_code(code)) for _ in range(8)),
        return_exceptions=True,
    )
    counted = [r for r in results if not isinstance(r, BaseException)]
    for r in results:
        if isinstance(r, BaseException):
            assert isinstance(r, DomainError), repr(r)
    row = await load_row(ctx, Order, order.id)
    # every guess that got an answer was counted, and no more than the limit got one
    assert row.code_attempts == len(counted) >= 1
    assert len(counted) <= ctx.policy.max_code_attempts
    assert row.code_locked is (len(counted) == ctx.policy.max_code_attempts)
    assert row.status == "awaiting_confirmation"


# --- masters -------------------------------------------------------------------------------

async def test_apply_and_approve_master(ctx, clock):
    await make_client(ctx, 2001)
    pending = await apply_master(ctx, 2001, application(
        services=("plumbing", "electrical")))
    assert (pending.status, pending.verified) == ("pending", False)
    assert pending.services == ("electrical", "plumbing")

    with pytest.raises(NotAllowed):
        await decide_master(ctx, Actor(2001, master_id=pending.id), pending.id, True)
    with pytest.raises(NotAllowed):
        await decide_master(ctx, STRANGER, pending.id, True)
    assert (await load_row(ctx, Master, pending.id)).status == "pending"

    approved = await decide_master(ctx, DESK, pending.id, True)
    assert (approved.status, approved.verified) == ("approved", True)
    row = await load_row(ctx, Master, pending.id)
    assert (row.status, row.verified, row.decided_by) == ("approved", True, DESK.user_id)
    assert row.decided_at == clock()
    box = await outbox(ctx)
    decisions = rows_of(box, "master_decision")
    assert decisions == [("master_decision", 2001, None,
                          {"master_id": pending.id, "approved": True, "reason": None})]

    with pytest.raises(Conflict):
        await decide_master(ctx, DESK, pending.id, False, "documents")
    assert (await load_row(ctx, Master, pending.id)).status == "approved"
    assert len(rows_of(await outbox(ctx), "master_decision")) == 1


async def test_two_managers_decide_concurrently(ctx, backend):
    await make_client(ctx, 2001)
    pending = await apply_master(ctx, 2001, application())
    desk2 = Actor(998, is_desk=True)
    race = lockstep(ctx, 2)  # both managers read the pending master before either writes
    results = await asyncio.gather(
        decide_master(race, DESK, pending.id, True),
        decide_master(race, desk2, pending.id, False, "documents"),
        return_exceptions=True,
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(ok) == 1, results
    assert len(failed) == 1 and isinstance(failed[0], Conflict), failed
    row = await load_row(ctx, Master, pending.id)
    assert row.status == ok[0].status
    assert len(rows_of(await outbox(ctx), "master_decision")) == 1


async def test_double_tap_apply_master(ctx, backend):
    await make_client(ctx, 2001)
    race = lockstep(ctx, 2, steps=2)  # both look for an existing master before inserting
    results = await asyncio.gather(
        *(apply_master(race, 2001, application())
          for _ in range(2)),
        return_exceptions=True,
    )
    assert (await row_counts(ctx))["masters"] == 1
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], Conflict), results


async def test_first_updates_of_a_new_user_concurrently(ctx, backend):
    race = lockstep(ctx, 3)  # all look the user up before any inserts him
    results = await asyncio.gather(
        *(touch_user(race, 7001, "Anna", None, "pl") for _ in range(3)),
        return_exceptions=True,
    )
    for r in results:
        assert not isinstance(r, BaseException), repr(r)
    assert (await row_counts(ctx))["users"] == 1


async def test_reject_master_and_apply_again(ctx, clock):
    rejected = await make_master(ctx, 2001, approve=False)
    assert (rejected.status, rejected.verified) == ("rejected", False)
    assert rows_of(await outbox(ctx), "master_decision") == [
        ("master_decision", 2001, None, {"master_id": rejected.id, "approved": False,
                                          "reason": "documents"})]
    with pytest.raises(NotAllowed):  # not before the cool-down (issue 9, item 14)
        await apply_master(ctx, 2001, application("Jan Again", services=("cleaning",)))
    clock.advance(hours=24)
    again = await apply_master(ctx, 2001, application("Jan Again", services=("cleaning",)))
    assert again.id == rejected.id
    assert (again.status, again.services) == ("pending", ("cleaning",))
    # a pending or approved master cannot apply twice
    with pytest.raises(Conflict):
        await apply_master(ctx, 2001, application("Jan Again", services=("cleaning",)))


async def test_apply_master_refuses_bad_input(ctx):
    await make_client(ctx, 2001)
    bad = [dict(name="J"), dict(services=()), dict(services=("astrology",)),
           dict(legal_form="employee"), dict(legal_form=""), dict(tax_id="12"),
           dict(tax_id="ABCDEFGHIJ"), dict(documents=()),
           dict(documents=tuple(f"photo:{i}" for i in range(11))),
           dict(districts=("Nowhere",))]
    for fields in bad:
        with pytest.raises(InvalidInput):
            await apply_master(ctx, 2001, application(**fields))
    assert (await row_counts(ctx))["masters"] == 0


# --- visibility ----------------------------------------------------------------------------

async def test_my_orders_only_lists_own_orders(ctx):
    mine = [await make_order(ctx, CLIENT) for _ in range(2)]
    theirs = await make_order(ctx, OTHER_CLIENT)
    listed = await my_orders(ctx, CLIENT)
    assert sorted(o.id for o in listed) == sorted(o.id for o in mine)
    assert all(o.client_id == CLIENT for o in listed)
    assert [o.id for o in await my_orders(ctx, OTHER_CLIENT)] == [theirs.id]
    assert await my_orders(ctx, STRANGER.user_id) == []


async def test_get_order_visibility(ctx):
    order = await make_order(ctx, CLIENT)
    a = await make_master(ctx, 2001)
    other = await make_master(ctx, 2002)
    assert (await get_order(ctx, Actor(CLIENT), order.id)).id == order.id
    assert (await get_order(ctx, DESK, order.id)).id == order.id
    for actor in (STRANGER, Actor(OTHER_CLIENT), master_actor(a)):
        with pytest.raises(NotFound):
            await get_order(ctx, actor, order.id)
    await offer_order(ctx, DESK, order.id, a.id)
    with pytest.raises(NotFound):  # only offered: address and phone stay hidden [SPEC §6]
        await get_order(ctx, master_actor(a), order.id)
    await accept_offer(ctx, master_actor(a), order.id)
    assert (await get_order(ctx, master_actor(a), order.id)).phone == order.phone
    with pytest.raises(NotFound):
        await get_order(ctx, master_actor(other), order.id)
    with pytest.raises(NotFound):
        await get_order(ctx, DESK, order.id + 100)


# --- cancel --------------------------------------------------------------------------------

async def test_client_cancels_submitted_order(ctx):
    order = await make_order(ctx, CLIENT)
    view = await cancel_order(ctx, Actor(CLIENT), order.id, "changed_mind")
    assert view.status == Status.CANCELLED
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.reason) == ("cancelled", "changed_mind")
    box = await outbox(ctx)
    assert ("desk_client_cancelled", None, order.id, {"reason": "changed_mind"}) in box
    assert rows_of(box, "client_cancelled") == []  # the client is not told what he just did
    assert (await audit(ctx, order.id))[-1] == (
        "cancel", CLIENT, "client", "submitted", "cancelled", "changed_mind")
    with pytest.raises(NotAllowed):
        await cancel_order(ctx, Actor(CLIENT), order.id, "other")


async def test_client_cancels_offered_order_and_master_is_told(ctx):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await cancel_order(ctx, Actor(CLIENT), order.id, "too_long")
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id) == ("cancelled", None)
    assert await offers_of(ctx, order.id) == [(master.id, "cancelled")]
    assert ("offer_closed", master.user_id, order.id, {"reason": "cancelled"}) in await outbox(
        ctx)
    with pytest.raises(Conflict):
        await accept_offer(ctx, master_actor(master), order.id)


async def test_client_cannot_cancel_on_site_but_desk_can(ctx):
    order, master = await assigned_order(ctx)
    async with ctx.tx() as s:  # fast-forward: the master is on site
        (await s.get(Order, order.id)).status = "on_site"
    with pytest.raises(NotAllowed):
        await cancel_order(ctx, Actor(CLIENT), order.id, "other")
    assert (await load_row(ctx, Order, order.id)).status == "on_site"
    await cancel_order(ctx, DESK, order.id, "other")
    assert (await load_row(ctx, Order, order.id)).status == "cancelled"
    box = await outbox(ctx)
    assert ("client_cancelled", CLIENT, order.id, {"reason": "other"}) in box
    assert ("master_order_cancelled", master.user_id, order.id, {}) in box
