"""The master's own menu (issue 11): his jobs with their state and next step, the offers
waiting for him, profile and duty; an ended offer's message says so and a late press is told
why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.models import Deadline, Master
from tests.flows.test_flows import MANAGER, approved_master, assigned_job, card_of, place_order
from tests.support.flowkit import Harness, Person, Sent, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def offered(h: Harness, client: Person, master_uid: int,
                  name: str) -> tuple[int, Person, Sent, int]:
    """An order offered by the desk to a fresh master: (order, master, offer message, thread)."""
    master = await approved_master(h, master_uid, name)
    order_id = await place_order(h, client)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, name)
    offer = master.last()
    assert "New job offer" in offer.text and offer.buttons() == ["✅ Accept", "❌ Decline"]
    return order_id, master, offer, thread


async def expire_offers(h: Harness) -> None:
    async with h.app.ctx.tx() as s:
        await s.execute(update(Deadline).where(Deadline.kind == "offer",
                                               Deadline.state == "pending")
                        .values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert await h.app.clock.run() >= 1
    await h.flush()


async def test_a_masters_start_shows_his_menu_and_a_clients_does_not(h: Harness) -> None:
    client = h.person(600, "Anna")
    await client.send("/start")
    assert "My jobs" not in " ".join(client.last().buttons())
    ivan = await approved_master(h, 601, "Ivan Petrov")
    await ivan.send("/start")
    menu = ivan.last()
    assert menu.buttons() == ["🧰 My jobs", "📨 Offers waiting", "👤 Profile", "⚪ Go off duty",
                              "🛠 New order", "📋 My orders", "🌐 Language"]
    await ivan.click(menu, "Go off duty")  # the switch in the menu itself
    async with h.app.ctx.tx() as s:
        assert await s.scalar(select(Master.on_duty).where(Master.user_id == 601)) is False
    assert "🟢 Go on duty" in menu.buttons()
    await ivan.click(menu, "Profile")
    assert "<b>Your profile</b>" in ivan.last().text and "You are off duty" in ivan.last().text
    await ivan.click(menu, "New order")  # he may order for himself, as a client
    assert "Plumbing" in ivan.last().buttons()


async def test_my_jobs_lists_a_job_with_its_state_and_opens_it_with_its_buttons(
        h: Harness) -> None:
    client = h.person(602, "Boris")
    order_id, ivan, _card, _thread = await assigned_job(h, client, 603, "Ivan Petrov")
    await ivan.send("/start")
    await ivan.click(ivan.last(), "My jobs")
    jobs = ivan.last()
    assert f"#{order_id} Plumbing — Master assigned" in jobs.text
    assert "➡️ call the client" in jobs.text
    assert jobs.buttons() == [f"Order #{order_id}"]
    await ivan.click(jobs, f"Order #{order_id}")
    job = ivan.last()
    assert "Lenina 5, flat 3, Moscow" in job.text and "+79990001122" in job.text
    assert job.buttons()[0] == "📞 I have called the client"
    await ivan.click(job, "I have called the client")
    await ivan.click(jobs, f"Order #{order_id}")
    assert ivan.last().buttons()[0] == "📅 Set the visit time"  # the buttons of its new state
    # Another master cannot open it by a forged press.
    other = await approved_master(h, 604, "Olga Novak")
    await other.click_data(jobs, f"v2j:mjob:{order_id}")
    assert "Lenina" not in other.last().text
    assert h.session.alerts()[-1] == "This order was not found."


async def test_offers_waiting_shows_the_offer_again(h: Harness) -> None:
    client = h.person(605, "Clara")
    order_id, ivan, _offer, _thread = await offered(h, client, 606, "Ivan Petrov")
    await ivan.send("/start")
    await ivan.click(ivan.last(), "Offers waiting")
    again = ivan.last()
    assert f"New job offer: order #{order_id}" in again.text
    assert "Please answer by" in again.text and "Lenina" not in again.text  # no address yet
    await ivan.click(again, "Accept")
    assert "Lenina 5" in again.text  # this copy became the job


async def test_an_expired_offer_is_edited_and_a_late_press_is_told_it_expired(
        h: Harness) -> None:
    client = h.person(607, "Dana")
    order_id, ivan, offer, _thread = await offered(h, client, 608, "Ivan Petrov")
    await ivan.send("/start")
    await ivan.click(ivan.last(), "Offers waiting")
    copy = ivan.last()
    sent_before = len(h.session.to(608))
    await expire_offers(h)
    for message in (offer, copy):  # every copy: why, and no buttons
        assert message.text == f"⌛ The offer for order #{order_id} has expired."
        assert message.buttons() == []
    assert len(h.session.to(608)) == sent_before  # edited, not one more message
    await ivan.click_data(offer, f"v2o:acc:{order_id}")  # a press kept from before
    assert h.session.alerts()[-1] == "This offer has expired: you did not answer it in time."
    await ivan.click_data(offer, f"v2o:dec:{order_id}")
    assert h.session.alerts()[-1] == "This offer has expired: you did not answer it in time."


async def test_a_withdrawn_offer_is_edited_and_a_late_press_says_so(h: Harness) -> None:
    client = h.person(609, "Eva")
    order_id, ivan, offer, thread = await offered(h, client, 610, "Ivan Petrov")
    _thread, card = card_of(h, order_id)
    await h.manager(MANAGER, thread_id=thread).click(card, "Withdraw the offer")
    assert offer.text == f"The offer for order #{order_id} was withdrawn by the desk."
    assert offer.buttons() == []
    await ivan.click_data(offer, f"v2o:acc:{order_id}")
    assert h.session.alerts()[-1] == "The desk has taken this offer back."


async def test_a_master_who_orders_or_cancels_for_himself_gets_his_own_menu_back(
        h: Harness) -> None:
    ivan = await approved_master(h, 810, "Ivan Petrov")
    order_id = await place_order(h, ivan)  # a master orders a plumber for his own flat
    assert "is placed" in ivan.last().text and "🧰 My jobs" in ivan.last().buttons()
    await ivan.send("/orders")
    await ivan.click(ivan.last(), f"Order #{order_id}")
    await ivan.click(ivan.last(), "Cancel the order")
    await ivan.press(ivan.last(), "ccr", 0)
    await ivan.press(ivan.last(), "ccy")
    assert "🧰 My jobs" in ivan.last().buttons()
