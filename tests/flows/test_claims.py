"""Warranty claims (SPEC §2.7, [R §5]): the client claims within the warranty with photos,
the desk decides rework / partial refund / rejection, both sides are told, the rework has a
deadline, and the order is completed again without a second review request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.rules import Actor
from bot.services.complaints import open_claim, resolve_claim, rework_done
from bot.services.completion import accept_work, report_completion
from bot.services.deadlines import fire_due
from bot.services.offers import accept_offer, offer_order
from db.models import Deadline, Order
from tests.flows.test_flows import MANAGER, assigned_job, file_report, order_row
from tests.support.flowkit import DESK, Harness, harness

try:
    from conftest import DESK as DESK_ACTOR
    from conftest import load_row, make_master, make_order, master_actor, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import DESK as DESK_ACTOR
    from tests.conftest import load_row, make_master, make_order, master_actor, outbox

CLIENT = 1001


async def completed(ctx, months: int = 3):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK_ACTOR, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    await report_completion(ctx, master_actor(master), order.id, ["p"], 100_000,
                            warranty_months=months)
    await accept_work(ctx, Actor(CLIENT), order.id)
    return order, master


def kinds(box: list, kind: str) -> list:
    return [r for r in box if r[0] == kind]


async def test_a_claim_needs_the_client_the_warranty_a_description_and_a_photo(ctx, clock):
    order, master = await completed(ctx, months=1)
    for actor in (Actor(4242), master_actor(master), DESK_ACTOR):
        with pytest.raises(NotAllowed):
            await open_claim(ctx, actor, order.id, "The tap leaks again", ["ph"])
    with pytest.raises(InvalidInput):
        await open_claim(ctx, Actor(CLIENT), order.id, "bad", ["ph"])
    with pytest.raises(InvalidInput):
        await open_claim(ctx, Actor(CLIENT), order.id, "The tap leaks again", [])
    assert (await load_row(ctx, Order, order.id)).status == "completed"
    clock.advance(days=40)  # the month's warranty is over
    with pytest.raises(NotAllowed) as err:
        await open_claim(ctx, Actor(CLIENT), order.id, "The tap leaks again", ["ph"])
    assert err.value.key == "error.no_warranty"


async def test_rework_then_done_and_no_second_review_request(ctx, clock):
    order, master = await completed(ctx)
    clock.advance(hours=3)
    assert await fire_due(ctx) == 1  # the review request, once
    view = await open_claim(ctx, Actor(CLIENT), order.id, "  The tap  leaks again ", ["a", "b"])
    assert (view.status, view.complaint, view.complaint_photos) == (
        "disputed", "The tap leaks again", ("a", "b"))
    box = await outbox(ctx)
    assert [r[3]["file_id"] for r in kinds(box, "relay")] == ["a", "b"]  # into the topic
    assert kinds(box, "master_claim")[0][1] == master.user_id
    with pytest.raises(NotAllowed):
        await resolve_claim(ctx, Actor(CLIENT), order.id, "rework", hours=24)
    with pytest.raises(InvalidInput):
        await resolve_claim(ctx, DESK_ACTOR, order.id, "rework", hours=5)
    done = await resolve_claim(ctx, DESK_ACTOR, order.id, "rework", hours=48)
    assert (done.status, done.resolution) == ("completed", "rework")
    assert done.rework_due == clock() + timedelta(hours=48)
    told = kinds(await outbox(ctx), "client_resolution")[0][3]
    assert (told["decision"], told["due"]) == ("rework", done.rework_due.isoformat())
    assert kinds(await outbox(ctx), "master_resolution")[0][1] == master.user_id
    clock.advance(hours=49)
    assert await fire_due(ctx) == 1  # the rework is due; the review is not asked again
    assert kinds(await outbox(ctx), "desk_sla")[-1][3]["kind"] == "rework"
    assert (await load_row(ctx, Order, order.id)).sla_state == "breach"
    cleared = await rework_done(ctx, DESK_ACTOR, order.id)
    assert (cleared.rework_due, cleared.sla_state) == (None, "ok")
    async with ctx.tx() as s:
        reviews = (await s.scalars(select(Deadline.state).where(
            Deadline.order_id == order.id, Deadline.kind == "review"))).all()
    assert reviews == ["fired"]


async def test_refund_and_rejection(ctx):
    order, _master = await completed(ctx)
    await open_claim(ctx, Actor(CLIENT), order.id, "Scratches on the door", ["a"])
    with pytest.raises(InvalidInput):  # at least the whole price: not a partial refund
        await resolve_claim(ctx, DESK_ACTOR, order.id, "refund", amount=100_000)
    view = await resolve_claim(ctx, DESK_ACTOR, order.id, "refund", amount=15_000)
    assert (view.resolution, view.refund) == ("refund", 15_000)
    await open_claim(ctx, Actor(CLIENT), order.id, "Scratches on the door again", ["a"])
    with pytest.raises(InvalidInput):
        await resolve_claim(ctx, DESK_ACTOR, order.id, "rejected", reason="because")
    view = await resolve_claim(ctx, DESK_ACTOR, order.id, "rejected", reason="misuse")
    assert (view.resolution, view.resolution_note, view.refund) == ("rejected", "misuse", None)


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_the_claim_conversation_and_the_desks_decision(h: Harness) -> None:
    c = h.person(170, "Hana")
    order_id, master, card, thread = await assigned_job(h, c, 270, "Jakub")
    await file_report(master)
    await c.click(c.last(), "Accept the work")
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Report a problem")
    await c.send("bad")  # too short: asked again
    assert "from 5 to 1500" in c.last().text
    await c.send("Water drips under the <sink> again")
    await c.click(c.last(), "Send the claim")  # no photo yet: refused, nothing lost
    assert any("at least one photo" in a for a in h.session.alerts())
    await c.photo()
    await c.click(c.last(), "Send the claim")
    assert "has been sent" in c.last().text
    assert (await order_row(h, order_id)).status == "disputed"
    assert "reports a problem under the warranty" in master.last().text
    topic = [m.text for m in h.session.to(DESK, thread)]
    assert any("Warranty claim from the client: Water drips under the &lt;sink&gt;" in t
               for t in topic)
    assert "⚠️ Claim: Water drips" in card.text
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Partial refund")
    await mgr.send("5000")  # more than the price: asked again
    assert "less than the price" in h.session.last(DESK).text
    await mgr.send("200")
    echo = h.session.last(DESK)
    assert "Partial refund on order #1: <b>RUB200</b>" in echo.text
    assert (await order_row(h, order_id)).refund is None  # not before the manager confirms
    await mgr.click(echo, "Refund RUB200")
    row = await order_row(h, order_id)
    assert (row.status, row.resolution, row.refund) == ("completed", "refund", 20_000)
    assert "partial refund of" in c.last().text and "partial refund of" in master.last().text
    assert "💸 Partial refund" in card.text
