"""The client cancels an order (SPEC §2.2): from his order's view, a reason from the list or
in his own words, a confirmation; once the visit is agreed the desk is warned that the master
may be on his way; after the master is on site it is the desk's call [R §3]."""

from __future__ import annotations

import pytest

from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.services.orders import cancel_order
from tests.flows.test_flows import MANAGER, card_of, order_row, place_order
from tests.flows.test_visit_flows import scheduled_job
from tests.support.flowkit import DESK, Harness, harness

try:
    from conftest import make_order, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import make_order, outbox


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_another_reason_in_the_clients_words_reaches_the_desk(ctx):
    order = await make_order(ctx, 1001)
    with pytest.raises(NotAllowed):
        await cancel_order(ctx, Actor(1002), order.id, "other", "not mine")
    await cancel_order(ctx, Actor(1001), order.id, "other", "  Moving   abroad ")
    desk = [r for r in await outbox(ctx) if r[0] == "desk_client_cancelled"]
    assert desk == [("desk_client_cancelled", None, order.id,
                     {"reason": "other", "note": "Moving abroad"})]


async def test_the_client_cancels_from_his_order_with_his_own_words(h: Harness) -> None:
    c = h.person(140, "Lena")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    view = c.last()
    assert "✖️ Cancel the order" in view.buttons()
    stranger = h.person(141, "Stranger")
    await stranger.click_data(view, view.data("Cancel the order"))
    assert (await order_row(h, order_id)).status == "submitted"
    await c.click(view, "Cancel the order")
    await c.click(c.last(), "Another reason")
    await c.send("no")  # too short
    assert "in a few words" in c.last().text
    await c.send("Fixed it <myself>")
    confirm = c.last()
    assert "Reason: Fixed it &lt;myself&gt;" in confirm.text
    await c.click(confirm, "Yes, cancel")
    row = await order_row(h, order_id)
    assert (row.status, row.reason) == ("cancelled", "other")
    told = h.session.to(DESK, thread)[-1].text
    assert "The client cancelled the order" in told and "Fixed it &lt;myself&gt;" in told
    assert "Cancelled" in card.text


async def test_keep_it_changes_nothing(h: Harness) -> None:
    c = h.person(142, "Kasia")
    order_id = await place_order(h, c)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Cancel the order")
    await c.click(c.last(), "Waiting too long")
    await c.click(c.last(), "No, keep it")
    assert "stays as it is" in c.last().text
    assert (await order_row(h, order_id)).status == "submitted"


async def test_cancelling_an_agreed_visit_warns_the_desk_and_on_site_is_refused(h: Harness):
    c = h.person(143, "Maja")
    order_id, master, card, thread, _visit = await scheduled_job(h, c, 240, "Wit")
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Cancel the order")
    await c.click(c.last(), "Found someone else")
    await c.click(c.last(), "Yes, cancel")
    assert (await order_row(h, order_id)).status == "cancelled"
    told = h.session.to(DESK, thread)[-1].text
    assert told.startswith("⚠️ Cancelled after the visit was agreed")
    assert "do not go to the client" in master.last().text

    c2 = h.person(144, "Ola")
    order2, master2, _card2, _thread2, _v = await scheduled_job(h, c2, 241, "Piotr")
    await c2.send("/orders")
    await c2.click(c2.last(), f"Order #{order2}")
    view = c2.last()
    cancel = view.data("Cancel the order")
    await master2.click(master2.last(), "I am on site")
    await master2.click(master2.last(), "Check in without location")
    assert (await order_row(h, order2)).status == "on_site"
    await c2.click_data(view, cancel)  # an old button: now it is the desk's call
    assert any("can no longer be cancelled here" in a for a in h.session.alerts())
    assert (await order_row(h, order2)).status == "on_site"
