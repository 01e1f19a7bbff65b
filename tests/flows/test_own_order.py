"""A master never serves his own order (issue 9, item 4): the client who is also a verified
master is no candidate, cannot be offered the job, cannot accept it (even with an old or forged
offer), cannot confirm or accept his own work and cannot review himself."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.services.completion import accept_work, confirm_with_code
from bot.services.matching import auto_offer, candidates
from bot.services.offers import accept_offer, offer_order
from bot.services.reviews import leave_review
from db.models import Master, Offer, Order, Review
from tests.flows.test_flows import MANAGER, approved_master, card_of, order_row, place_order
from tests.support.flowkit import DESK as DESK_CHAT
from tests.support.flowkit import Harness, harness

try:
    from conftest import DESK, load_row, make_master, make_order, master_actor, row_counts
except ImportError:  # tests/ became a package
    from tests.conftest import (
        DESK,
        load_row,
        make_master,
        make_order,
        master_actor,
        row_counts,
    )

CLIENT = 1001  # places the order and is also an approved plumber


async def client_master_order(ctx):
    """An order of CLIENT, who is also an approved plumbing master; and one other plumber."""
    me = await make_master(ctx, CLIENT)
    other = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    return order, me, other


async def force(ctx, order_id: int, **values) -> None:
    """Put the order where an older version of the bot (or a forged row) could have left it."""
    async with ctx.tx() as s:
        await s.execute(update(Order).where(Order.id == order_id).values(**values))


async def test_the_client_master_is_no_candidate_and_auto_skips_him(ctx):
    order, me, other = await client_master_order(ctx)
    found = (await candidates(ctx, DESK, order.id)).candidates
    assert [c.master_id for c in found] == [other.id]
    view = await auto_offer(ctx, DESK, order.id)
    assert view.offered_master_id == other.id

    # alone on the list, Auto has nobody
    alone = await make_order(ctx, CLIENT)
    async with ctx.tx() as s:
        await s.execute(update(Master).where(Master.id == other.id).values(blocked=True))
    before = await row_counts(ctx)
    with pytest.raises(InvalidInput) as e:
        await auto_offer(ctx, DESK, alone.id)
    assert e.value.key == "error.no_candidates"
    assert await row_counts(ctx) == before


async def test_offering_the_order_to_its_client_is_refused(ctx):
    order, me, _other = await client_master_order(ctx)
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed) as e:
        await offer_order(ctx, DESK, order.id, me.id)
    assert e.value.key == "error.master_is_client"
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id) == ("submitted", None)
    assert await row_counts(ctx) == before


async def test_accepting_his_own_order_is_refused_even_with_an_old_offer(ctx, clock):
    order, me, _other = await client_master_order(ctx)
    await force(ctx, order.id, status="offered", offered_master_id=me.id)
    async with ctx.tx() as s:
        s.add(Offer(order_id=order.id, master_id=me.id, created_at=clock()))
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed) as e:
        await accept_offer(ctx, master_actor(me), order.id)
    assert e.value.key == "error.own_order"
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.master_id) == ("offered", None)
    assert await row_counts(ctx) == before


async def test_an_old_self_assignment_cannot_confirm_accept_or_review(ctx):
    order, me, _other = await client_master_order(ctx)
    await force(ctx, order.id, status="awaiting_confirmation", master_id=me.id,
                code_hash="x" * 64)
    # as its master with the code, and as its client with a tap: both refused
    for attempt in (confirm_with_code(ctx, master_actor(me), order.id, "123456"),
                    accept_work(ctx, master_actor(me), order.id)):
        with pytest.raises(NotAllowed) as e:
            await attempt
        assert e.value.key == "error.own_order"
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.code_attempts) == ("awaiting_confirmation", 0)

    await force(ctx, order.id, status="completed")
    for actor in (master_actor(me), Actor(CLIENT)):  # with or without his master id
        with pytest.raises(NotAllowed) as e:
            await leave_review(ctx, actor, order.id, 5, None)
        assert e.value.key == "error.own_order"
    assert await load_row(ctx, Review, 1) is None


async def test_a_client_who_is_another_orders_master_still_reviews_his_own(ctx):
    """Being a master does not take a client's rights on orders someone else serves."""
    order, me, other = await client_master_order(ctx)
    await offer_order(ctx, DESK, order.id, other.id)
    await accept_offer(ctx, master_actor(other), order.id)
    await force(ctx, order.id, status="awaiting_confirmation")
    view = await accept_work(ctx, master_actor(me), order.id)
    assert view.status == Status.COMPLETED
    await leave_review(ctx, master_actor(me), order.id, 5, None)
    review = await load_row(ctx, Review, 1)
    assert (review.order_id, review.master_id) == (order.id, other.id)


# --- through the dispatcher ------------------------------------------------------------------

@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_the_desk_cannot_give_a_master_his_own_order(h: Harness) -> None:
    me = await approved_master(h, 130, "Pavel Own")
    await approved_master(h, 131, "Roman Other")
    order_id = await place_order(h, me)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    assert card.buttons() == ["1. Roman Other 🟢 ⭐—", "🤖 Auto", "⬅️ Back"]
    why = h.session.to(DESK_CHAT, thread)[-1].text
    assert "Roman Other" in why and "Pavel Own" not in why

    # a forged pick of the client himself
    async with h.app.ctx.tx() as s:
        own_id = await s.scalar(select(Master.id).where(Master.user_id == 130))
    await mgr.click_data(card, f"v2dp:dpick:{order_id}:{own_id}")
    assert h.session.alerts()[-1] == "This master is the client of this order and cannot take it."
    assert (await order_row(h, order_id)).status == "submitted"

    # an offer left from before (or forged) cannot be accepted by him
    async with h.app.ctx.tx() as s:
        await s.execute(update(Order).where(Order.id == order_id)
                        .values(status="offered", offered_master_id=own_id))
    sent_before = len(h.session.to(me.id))
    await me.click_data(me.last(), f"v2o:acc:{order_id}")
    assert h.session.alerts()[-1] == ("This is your own order: you cannot take it or act on it "
                                      "as its master.")
    order = await order_row(h, order_id)
    assert (order.status, order.master_id) == ("offered", None)
    assert len(h.session.to(me.id)) == sent_before  # no job (address, phone) sent
