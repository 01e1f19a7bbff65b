"""The manager chat (SPEC §2.4): the client's (or the master's) messages about an order reach
its topic, the managers' answers reach the client, `/m` the master; nobody else gets through."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.services.offers import accept_offer, offer_order
from bot.services.orders import cancel_order
from bot.services.relay import answer_from_desk, write_to_desk
from db.models import Order
from tests.flows.test_flows import MANAGER, assigned_job, card_of, place_order
from tests.support.flowkit import DESK, Harness, harness

try:
    from conftest import DESK as DESK_ACTOR
    from conftest import make_master, make_order, master_actor, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import DESK as DESK_ACTOR
    from tests.conftest import make_master, make_order, master_actor, outbox

CLIENT = 1001


def relays(box: list) -> list:
    return [(r[1], r[3]["side"], r[3]["kind"], r[3]["text"]) for r in box if r[0] == "relay"]


async def test_only_the_orders_client_and_master_write_and_only_the_desk_answers(ctx):
    master = await make_master(ctx, 2001)
    other = await make_master(ctx, 2002)
    order = await make_order(ctx, CLIENT)
    async with ctx.tx() as s:
        (await s.get(Order, order.id)).topic_id = 777
    await offer_order(ctx, DESK_ACTOR, order.id, master.id)
    with pytest.raises(NotFound):  # only offered, not his job yet
        await write_to_desk(ctx, master_actor(master), order.id, "text", "hi")
    await accept_offer(ctx, master_actor(master), order.id)
    assert await write_to_desk(ctx, Actor(CLIENT), order.id, "text", "When?") == "client"
    assert await write_to_desk(ctx, master_actor(master), order.id, "photo", None,
                               "ph-1") == "master"
    for actor in (Actor(4242), master_actor(other)):
        with pytest.raises(NotFound):
            await write_to_desk(ctx, actor, order.id, "text", "let me in")
    with pytest.raises(InvalidInput):
        await write_to_desk(ctx, Actor(CLIENT), order.id, "text", "   ")
    with pytest.raises(NotAllowed):
        await answer_from_desk(ctx, Actor(CLIENT), 777, "text", "I am the desk")
    with pytest.raises(NotFound):
        await answer_from_desk(ctx, DESK_ACTOR, 888, "text", "a topic of no order")
    assert await answer_from_desk(ctx, DESK_ACTOR, 777, "text", "Tomorrow") == order.id
    await answer_from_desk(ctx, DESK_ACTOR, 777, "text", "Bring a ladder", to_master=True)
    assert relays(await outbox(ctx)) == [
        (None, "client", "text", "When?"), (None, "master", "photo", ""),
        (CLIENT, "desk", "text", "Tomorrow"), (master.user_id, "desk", "text", "Bring a ladder")]


async def test_a_cancelled_order_is_closed_to_the_chat(ctx):
    order = await make_order(ctx, CLIENT)
    await cancel_order(ctx, Actor(CLIENT), order.id, "changed_mind")
    with pytest.raises(NotAllowed):
        await write_to_desk(ctx, Actor(CLIENT), order.id, "text", "Still there?")
    async with ctx.tx() as s:
        (await s.get(Order, order.id)).topic_id = 778
    with pytest.raises(NotAllowed):  # no master to address
        await answer_from_desk(ctx, DESK_ACTOR, 778, "text", "hi", to_master=True)


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_client_and_desk_talk_through_the_orders_topic(h: Harness) -> None:
    c = h.person(150, "Lena")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Write to the manager")
    await c.send("Can the master come <earlier>?")
    await c.photo(caption="The leak")
    await c.document(caption="Warranty card")
    assert "Sent to the desk" in c.last().text
    topic = h.session.to(DESK, thread)
    assert topic[-3].text == ("💬 The client Lena writes:\nCan the master come "
                              "&lt;earlier&gt;?")
    assert (topic[-2].method, topic[-2].text) == ("photo", "💬 The client Lena writes:\nThe leak")
    assert (topic[-1].method, topic[-1].text) == ("document",
                                                  "💬 The client Lena writes:\nWarranty card")
    assert str(topic[-1].params["document"]).startswith("doc")  # the client's own file
    await c.click(c.last(), "Done")
    await c.send("this is not for the desk")  # no longer writing: the menu's catch-all
    assert len(h.session.to(DESK, thread)) == len(topic)

    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.send("Yes, at 9 <am>")
    answer = c.last()
    assert answer.text == f"💬 The desk about order #{order_id}:\nYes, at 9 &lt;am&gt;"
    await c.click(answer, "Reply")
    await c.send("Great, thanks")
    assert h.session.to(DESK, thread)[-1].text.endswith("Great, thanks")

    before = len(h.session.to(150))
    await mgr.send("// note for managers: she called twice")  # stays in the topic
    await mgr.photo(caption="// her photo of the meter, for us")  # a note too
    await h.manager(4444, thread_id=thread).send("I am not a manager")  # ignored
    await h.manager(MANAGER).send("General chatter")  # not in a topic: ignored
    await mgr.send("/m are you there?")  # no master yet: refused, nothing sent
    assert len(h.session.to(150)) == before
    assert "no master to write to" in h.session.last(DESK).text


async def test_the_desk_addresses_the_master_with_m(h: Harness) -> None:
    c = h.person(151, "Olga")
    order_id, master, _card, thread = await assigned_job(h, c, 250, "Bartek")
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.send("/m Please call the client before 10")
    got = master.last()
    assert got.text == f"💬 The desk about order #{order_id}:\nPlease call the client before 10"
    assert not any("before 10" in m.text for m in h.session.to(151))
    await master.click(got, "Reply")
    await master.send("Will do")
    assert h.session.to(DESK, thread)[-1].text == "🔧 The master Bartek writes:\nWill do"


async def test_a_long_relay_loses_only_what_telegram_could_not_show(h: Harness) -> None:
    """Telegram lets a person send 4,096 characters (1,024 in a caption); the relay keeps all
    of it and gives way only as much as the header needs (on main it was cut to 3,500 / 900
    characters before it was stored)."""
    c = h.person(151, "Lena")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Write to the manager")
    await c.send("x" * 4000)
    await c.photo(caption="y" * 1000)
    topic = h.session.to(DESK, thread)
    assert topic[-2].text.count("x") > 3900
    assert topic[-1].method == "photo" and topic[-1].text.count("y") > 950
