"""Dispatcher flows of the visit: a new time proposed by one side and accepted by the other,
and the check-in with a shared location (or the button), message by message."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.domain.geo import distance_m
from bot.i18n import fmt_datetime, fmt_datetime_full, make_i18n
from db.models import Deadline, Order
from tests.flows.test_flows import MANAGER, _key, assigned_job, order_row
from tests.support.flowkit import DESK, Harness, Person, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def shown(h: Harness, moment: datetime) -> str:
    """A time as the bot writes it for an English reader (bot.i18n.fmt_datetime)."""
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        return fmt_datetime(moment, h.app.renderer.tz)


def spelled(h: Harness, moment: datetime) -> str:
    """A typed time echoed back in full (bot.i18n.fmt_datetime_full), in English."""
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        return fmt_datetime_full(moment, h.app.renderer.tz)


async def scheduled_job(h: Harness, c: Person, master_uid: int,
                        master_name: str) -> tuple[int, Person, object, int, datetime]:
    """A job whose visit the master set after his call: tomorrow at 10:00 local time."""
    order_id, master, card, thread = await assigned_job(h, c, master_uid, master_name)
    await master.click(master.last(), "I have called the client")
    await master.click(master.last(), "Set the visit time")
    visit = (datetime.now(h.app.renderer.tz) + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    await master.send(visit.strftime("%d.%m %H:%M"))
    assert (await order_row(h, order_id)).visit_at == visit
    return order_id, master, card, thread, visit


async def test_the_client_proposes_a_new_time_and_the_master_accepts(h: Harness) -> None:
    c = h.person(130, "Wanda")
    order_id, master, card, thread, visit = await scheduled_job(h, c, 210, "Xawery")
    visit_msg = c.last()
    assert "will come for order" in visit_msg.text and shown(h, visit) in visit_msg.text
    assert visit_msg.buttons() == ["⛔ Stop the job", "📅 Propose another time"]

    await c.click(visit_msg, "Propose another time")
    assert "Which time do you propose" in c.last().text
    await c.send("after lunch")
    assert "for example 25/12 14:30" in c.last().text  # asked again
    await c.send(visit.strftime("%d.%m %H:%M"))
    assert "already agreed" in c.last().text  # the same time is not a new one
    new = visit + timedelta(hours=3)
    await c.send(new.strftime("%d.%m %H:%M"))
    assert "Your proposal of " + spelled(h, new) in c.last().text
    order = await order_row(h, order_id)
    assert (order.visit_at, order.proposed_visit_at, order.proposed_by) == (visit, new, "client")
    assert "The client proposes to move the visit to" in h.session.to(DESK, thread)[-1].text
    assert "The client proposes " + shown(h, new) in card.text  # type: ignore[attr-defined]

    proposal = master.last()
    assert "The client proposes to move the visit" in proposal.text
    assert shown(h, new) in proposal.text
    # only the master answers: not the client who proposed it, not a stranger
    await c.click_data(proposal, proposal.data("Accept the new time"))
    assert h.session.alerts()[-1] == "This is your own proposal: the other side has to answer it."
    await h.person(131, "Stranger").click_data(proposal, proposal.data("Accept the new time"))
    assert h.session.alerts()[-1] == "You cannot do this."
    assert (await order_row(h, order_id)).visit_at == visit

    await master.click(proposal, "Accept the new time")
    order = await order_row(h, order_id)
    assert (order.visit_at, order.proposed_visit_at, order.proposed_by) == (new, None, None)
    assert proposal.text.startswith("✅ Accepted: the visit for order")
    assert "Visit: " + shown(h, new) in proposal.text  # the master's job shows the new time
    assert "📍 I am on site" in proposal.buttons()
    told = c.last()
    assert "The master accepted your proposal" in told.text and shown(h, new) in told.text
    assert "Both sides agreed: the visit moves to " + shown(h, new) in (
        h.session.to(DESK, thread)[-1].text)
    assert "Visit: " + shown(h, new) in card.text  # type: ignore[attr-defined]
    async with h.app.ctx.tx() as s:
        arrival = await s.scalar(select(Deadline.due_at).where(
            Deadline.order_id == order_id, Deadline.kind == "arrival",
            Deadline.state == "pending"))
    assert arrival == new + timedelta(hours=1)

    await master.click_data(proposal, f"v2va:vacc:{order_id}:0")  # a replayed answer
    assert h.session.alerts()[-1] == "This proposal has already been answered or replaced."
    assert (await order_row(h, order_id)).visit_at == new


async def test_the_master_proposes_and_the_client_keeps_the_old_time(h: Harness) -> None:
    c = h.person(132, "Yvonne")
    order_id, master, _card, thread, visit = await scheduled_job(h, c, 211, "Zbigniew")
    await master.click(master.last(), "Propose another time")
    new = visit + timedelta(days=1)
    await master.send(new.strftime("%d.%m %H:%M"))
    assert "Your proposal of " + spelled(h, new) in master.last().text
    proposal = c.last()
    assert "The master Zbigniew proposes to move the visit" in proposal.text
    await c.click(proposal, "Keep the old time")
    assert "The agreed time stands" in proposal.text
    assert "The client kept the agreed time" in master.last().text
    assert "kept the agreed time" in h.session.to(DESK, thread)[-1].text
    order = await order_row(h, order_id)
    assert (order.visit_at, order.proposed_visit_at) == (visit, None)


async def test_check_in_by_sharing_a_location(h: Harness) -> None:
    c = h.person(133, "Adam")
    order_id, master, card, thread, _visit = await scheduled_job(h, c, 212, "Bogdan")
    point = (52.2297, 21.0122)
    async with h.app.ctx.tx() as s:  # as if the client had shared his location
        await s.execute(update(Order).where(Order.id == order_id)
                        .values(latitude=point[0], longitude=point[1]))
    await master.click(master.last(), "I am on site")
    ask, prompt = h.session.to(master.id)[-2:]
    assert "Share your location" in ask.text
    keyboard = ask.params["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] is True
    assert prompt.buttons() == ["✅ Check in without location"]
    assert await h.app.storage.get_state(_key(h, master)) == "Visit:checkin"

    spot = (52.2306, 21.0122)
    await master.location(*spot)
    order = await order_row(h, order_id)
    assert order.status == "on_site" and (order.checkin_lat, order.checkin_lon) == spot
    done, job = h.session.to(master.id)[-2:]
    assert "Checked in with your location" in done.text
    assert done.params["reply_markup"]["remove_keyboard"] is True
    assert "Master on site" in job.text and "🏁 Done — file the report" in job.buttons()
    assert prompt.markup is None  # the way without a location is gone
    metres = round(distance_m(*point, *spot))
    note = h.session.to(DESK, thread)[-1].text
    assert f"Location shared: {metres} m from the client's point." in note
    assert f"{metres} m from the client's point" in card.text  # type: ignore[attr-defined]
    assert "checked in at your place" in c.last().text
    assert await h.app.storage.get_state(_key(h, master)) is None


async def test_text_instead_of_a_location_asks_again(h: Harness) -> None:
    c = h.person(134, "Cezary")
    order_id, master, _card, thread, _visit = await scheduled_job(h, c, 213, "Dariusz")
    await master.click(master.last(), "I am on site")
    for wrong in ("I am here", None):
        if wrong is None:
            await master.photo()
        else:
            await master.send(wrong)
        ask, prompt = h.session.to(master.id)[-2:]
        assert "That is not a location" in ask.text
        assert ask.params["reply_markup"]["keyboard"][0][0]["request_location"] is True
        assert prompt.buttons() == ["✅ Check in without location"]
        assert (await order_row(h, order_id)).status == "scheduled"
        assert await h.app.storage.get_state(_key(h, master)) == "Visit:checkin"
    await master.send("/cancel")
    assert await h.app.storage.get_state(_key(h, master)) is None
    assert (await order_row(h, order_id)).status == "scheduled"
    await master.location(52.0, 21.0)  # out of the conversation: nothing happens
    assert (await order_row(h, order_id)).checkin_lat is None
    await master.click(prompt, "Check in without location")  # the button still works
    order = await order_row(h, order_id)
    assert order.status == "on_site" and order.checkin_lat is None
    assert "No location shared" in h.session.to(DESK, thread)[-1].text
    assert "Checked in without a location" in h.session.to(master.id)[-2].text


async def test_the_clients_order_view_answers_the_masters_proposal(h: Harness) -> None:
    c = h.person(135, "Edyta")
    order_id, master, _card, _thread, visit = await scheduled_job(h, c, 214, "Feliks")
    await master.click(master.last(), "Propose another time")
    new = visit + timedelta(hours=2)
    await master.send(new.strftime("%d.%m %H:%M"))
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    view = c.last()
    assert "The master proposes " + shown(h, new) in view.text
    assert view.buttons() == ["⛔ Stop the job", "✅ Accept the new time", "❌ Keep the old time",
                              "📅 Propose another time", "✏️ Change the order",
                              "💬 Write to the manager", "✖️ Cancel the order"]
    await c.click(view, "Accept the new time")
    assert (await order_row(h, order_id)).visit_at == new
    assert "The client accepted your proposal" in master.last().text
    assert view.buttons() == ["⛔ Stop the job", "📅 Propose another time",
                              "✏️ Change the order", "💬 Write to the manager",
                              "✖️ Cancel the order"]


async def test_a_stopped_job_holds_the_proposal_until_the_desk_resumes(h: Harness) -> None:
    c = h.person(136, "Grzegorz")
    order_id, master, card, thread, visit = await scheduled_job(h, c, 215, "Henryk")
    await c.click(c.last(), "Propose another time")
    new = visit + timedelta(hours=4)
    await c.send(new.strftime("%d.%m %H:%M"))
    proposal = master.last()
    await c.click(c.last(), "Stop the job")
    await c.click(c.last(), "Yes, stop the job now")
    await master.click(proposal, "Accept the new time")
    assert h.session.alerts()[-1] == "The client has stopped this job. Wait for the desk."
    assert (await order_row(h, order_id)).visit_at == visit
    await h.manager(MANAGER, thread_id=thread).click(card, "Resume the job")  # type: ignore[arg-type]
    resumed = master.last()
    assert "resumed" in resumed.text and "The client proposes " + shown(h, new) in resumed.text
    await master.click(resumed, "Accept the new time")  # from the job message itself
    assert (await order_row(h, order_id)).visit_at == new
