"""Dispatcher flows through the production wiring, message by message: who was sent what,
what was stored, what was refused."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Offer, Order
from tests.support.flowkit import DESK, Harness, Person, Sent, harness, visible_length

MANAGER = 7


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def order_steps(c: Person, description: str = "The kitchen tap leaks",
                address: str = "Lenina 5, flat 3, Moscow", district: str | None = None
                ) -> list[Callable[[], Awaitable[None]]]:
    """The whole New order conversation, one update a step (the sessions test counts each);
    `district` is pressed after the address (asked when DISTRICTS is set)."""
    chosen: list[Callable[[], Awaitable[None]]] = (
        [] if district is None else [lambda: c.click(c.last(), district)])
    return [
        lambda: c.send("/start"),
        lambda: c.click(c.last(), "New order"),
        lambda: c.click(c.last(), "Plumbing"),
        lambda: c.send(description),
        lambda: c.photo(),
        lambda: c.click(c.last(), "Continue"),
        lambda: c.send(address),
        *chosen,
        lambda: c.click(c.last(), "Tomorrow"),
        lambda: c.press(c.last(), "slot", 2),  # 15:00–18:00
        lambda: c.contact("+7 999 000-11-22"),
        lambda: c.click(c.last(), "Cash after completion"),
        lambda: c.click(c.last(), "Confirm"),
    ]


async def place_order(h: Harness, c: Person, description: str = "The kitchen tap leaks",
                      address: str = "Lenina 5, flat 3, Moscow", district: str | None = None
                      ) -> int:
    for step in order_steps(c, description, address, district):
        await step()
    m = re.search(r"#(\d+)", c.last().text)
    assert m, c.last().text
    return int(m.group(1))


async def order_row(h: Harness, order_id: int) -> Order:
    async with h.app.ctx.tx() as s:
        order = await s.get(Order, order_id)
        assert order is not None
        return order


async def count(h: Harness, model: type) -> int:
    async with h.app.ctx.tx() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def apply_as_master(h: Harness, m: Person, name: str,
                          services: tuple[str, ...] = ("Plumbing",)) -> None:
    """The whole onboarding conversation up to the summary (SPEC §2.5)."""
    await m.send("/become_master")
    await m.send(name)
    await m.contact("+48 111 222 333")
    await m.click(m.last(), "Self-employed")
    await m.send("770-708-3893")
    for service in services:
        await m.click(m.last(), service)
    await m.click(m.last(), "Done")
    if h.app.renderer.districts:
        await m.click(m.last(), h.app.renderer.districts[0])
        await m.click(m.last(), "Done")
    await m.photo()  # the passport
    await m.click(m.last(), "Continue")
    assert "Please check your application" in m.last().text


async def approved_master(h: Harness, uid: int, name: str,
                          services: tuple[str, ...] = ("Plumbing",)) -> Person:
    m = h.person(uid, name)
    await apply_as_master(h, m, name, services)
    await m.click(m.last(), "Send to the desk")
    card = next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text)
    assert name in card.text and "Waiting for verification" in card.text
    await h.manager(MANAGER).click(card, "Approve")
    assert "approved" in m.last().text
    return m


async def file_report(master: Person, price: str = "900") -> None:
    """The completion report from the master's job message: a photo, the price, the shortest
    warranty, no notes; the client then has the act and the code."""
    await master.click(master.last(), "Done")
    await master.photo()
    await master.click(master.last(), "Continue")
    await master.send(price)
    await master.press(master.last(), "rwar")
    await master.press(master.last(), "rskip")


def card_of(h: Harness, order_id: int) -> tuple[int, object]:
    topic = [m for m in h.session.to(DESK) if m.thread_id and f"Order #{order_id}<" in m.text]
    assert topic, "no card in the desk"
    return topic[0].thread_id, topic[0]  # type: ignore[return-value]


async def test_client_orders_and_desk_gets_a_topic_with_the_card(h: Harness) -> None:
    c = h.person(100, "Anna")
    order_id = await place_order(h, c, description="Tap <b>leaks</b> & drips")
    assert "is placed" in c.last().text
    order = await order_row(h, order_id)
    assert (order.status, order.service, order.phone, order.payment) == (
        "submitted", "plumbing", "+79990001122", "cash")
    assert order.description == "Tap <b>leaks</b> & drips" and len(order.photos) == 1
    assert order.visit_slot == "15-18" and order.urgent is False
    topics = [c for c in h.session.calls if type(c).__name__ == "CreateForumTopic"]
    assert [t.name for t in topics] == [f"#{order_id} Plumbing — Moscow"]
    thread, card = card_of(h, order_id)
    assert thread == 500
    assert "Tap &lt;b&gt;leaks&lt;/b&gt; &amp; drips" in card.text  # escaped, never raw
    assert card.buttons() == ["👷 Assign", "🤖 Auto", "⛔ Reject", "✖️ Cancel the order"]


async def test_phone_must_be_the_senders_own_contact(h: Harness) -> None:
    c = h.person(101, "Boris")
    await c.send("/start")
    await c.click(c.last(), "New order")
    await c.click(c.last(), "Electrical")
    await c.send("No power in the bathroom")
    await c.click(c.last(), "Continue")
    await c.location(55.75, 37.62)
    await c.click(c.last(), "Urgent")
    await c.send("+79990001122")
    assert "typed number cannot be accepted" in c.last().text
    await c.contact("+79991112233", user_id=999)
    assert "someone else's contact" in c.last().text
    assert await h.app.storage.get_state(_key(h, c)) == "NewOrder:phone"
    await c.contact("+79991112233")
    assert "How will you pay?" in c.last().text
    await c.click(c.last(), "Card after completion")
    summary = c.last().text
    assert "+79991112233" in summary and "Location on the map" in summary
    assert "costs 30% more" in summary  # the urgent surcharge is shown before confirming


async def test_cancel_leaves_at_any_step_and_nothing_is_stored(h: Harness) -> None:
    c = h.person(102, "Clara")
    await c.send("/start")
    await c.click(c.last(), "New order")
    await c.click(c.last(), "Cleaning")
    await c.send("Windows after renovation")
    await c.click(c.last(), "Continue")
    await c.send("/cancel")
    assert any("Cancelled. Nothing was saved." in m.text for m in h.session.to(102)[-2:])
    assert await h.app.storage.get_state(_key(h, c)) is None
    assert await count(h, Order) == 0


async def test_bad_input_is_refused_and_the_draft_survives(h: Harness) -> None:
    c = h.person(103, "Dmitri")
    await c.send("/start")
    await c.click(c.last(), "New order")
    await c.click(c.last(), "Handyman")
    await c.click(c.last(), "Continue")  # no description yet
    assert "describe the problem" in h.session.alerts()[-1]
    await c.send("Hang three shelves")
    await c.click(c.last(), "Continue")
    await c.send("abc")  # too short for an address
    assert "from 5 to" in c.last().text
    await c.send("Mira 10, Kazan")
    await c.click(c.last(), "Another date")
    await c.send("31.02")
    assert "Type the day and the month, for example 25/12." in c.last().text
    data = await h.app.storage.get_data(_key(h, c))
    assert data["draft"]["description"] == "Hang three shelves"
    assert data["draft"]["address"] == "Mira 10, Kazan"


async def test_summary_edit_returns_to_the_summary(h: Harness) -> None:
    c = h.person(104, "Eva")
    await place_order_until_summary(h, c)
    await c.click(c.last(), "Address")
    await c.send("Tverskaya 1, Moscow")
    assert "Please check your order" in c.last().text
    assert "Tverskaya 1, Moscow" in c.last().text
    await c.click(c.last(), "Confirm")
    async with h.app.ctx.tx() as s:
        order = await s.scalar(select(Order))
    assert order is not None and order.address == "Tverskaya 1, Moscow"


async def place_order_until_summary(h: Harness, c: Person) -> None:
    await c.send("/new")
    await c.click(c.last(), "Furniture assembly")
    await c.send("Assemble a wardrobe")
    await c.click(c.last(), "Continue")
    await c.send("Lenina 5, Moscow")
    await c.click(c.last(), "Tomorrow")
    await c.press(c.last(), "slot", 0)  # 09:00–12:00
    await c.contact("+79990000000")
    await c.click(c.last(), "Cash after completion")
    assert "Please check your order" in c.last().text


async def test_double_confirm_creates_one_order(h: Harness) -> None:
    c = h.person(105, "Fedor")
    await place_order_until_summary(h, c)
    summary = c.last()
    data = summary.data("Confirm")
    await c.click_data(summary, data)
    await c.click_data(summary, data)
    assert await count(h, Order) == 1
    assert "already been sent" in h.session.alerts()[-1]


async def test_my_orders_lists_only_the_clients_own(h: Harness) -> None:
    a, b = h.person(106, "Galina"), h.person(107, "Hans")
    first = await place_order(h, a)
    await place_order(h, b)
    await a.send("/orders")
    text = a.last().text
    assert f"#{first} Plumbing" in text and text.count("#") == 1


async def test_desk_rejects_with_a_reason_and_the_client_is_told(h: Harness) -> None:
    c = h.person(108, "Igor")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Reject")
    await mgr.click(card, "No masters available")
    assert (await order_row(h, order_id)).status == "rejected"
    assert "was rejected" in c.last().text and "No masters available" in c.last().text
    assert "Status: <b>Rejected</b>" in card.text and card.buttons() == []


async def test_a_stranger_in_the_desk_is_refused_and_nothing_changes(h: Harness) -> None:
    c = h.person(109, "Jana")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    stranger = h.manager(666, "Stranger", thread_id=thread)
    audit_before = await count(h, AuditEntry)
    await stranger.click(card, "Reject")
    await stranger.click_data(card, f"v2dr:drr:{order_id}:0")
    assert h.session.alerts()[-2:] == ["Only desk members can do this."] * 2
    assert (await order_row(h, order_id)).status == "submitted"
    assert await count(h, AuditEntry) == audit_before


async def test_assign_accept_done_and_code(h: Harness) -> None:
    c = h.person(110, "Kira")
    master = await approved_master(h, 200, "Ivan Petrov")
    order_id = await place_order(h, c, address="Lenina 5, flat 3, Moscow")
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    assert card.buttons() == ["1. Ivan Petrov 🟢 ⭐—", "🤖 Auto", "⬅️ Back"]
    why = h.session.to(DESK, thread)[-1].text
    assert why.startswith(f"<b>Candidates for order #{order_id}</b>")
    assert "1. <b>Ivan Petrov</b> — on duty · 0 jobs in work · no reviews yet" in why
    await mgr.click(card, "Ivan Petrov")
    offer = master.last()
    assert "New job offer" in offer.text
    assert "flat 3" not in offer.text and "+7999" not in offer.text  # not before Accept
    await master.click(offer, "Accept")
    job = master.last()
    assert "Lenina 5, flat 3, Moscow" in job.text and "+79990001122" in job.text
    assert "Ivan Petrov" in c.last().text and "verified" in c.last().text
    assert (await order_row(h, order_id)).status == "assigned"
    assert "Master assigned" in card.text

    await master.click(job, "Done")
    await master.click(master.last(), "Continue")
    assert "at least one photo" in h.session.alerts()[-1]
    await master.send("no photo")
    await master.photo()
    await master.click(master.last(), "Continue")
    await master.send("a lot")
    assert "Type the amount as a number" in master.last().text
    await master.send("2 500")
    assert "Warranty on the work" in master.last().text
    assert master.last().buttons()[:2] == ["1", "2"]  # plumbing: from 1 month
    await master.send("13")
    assert "from 1 to 12 months" in master.last().text
    await master.press(master.last(), "rwar", 2)  # 3 months
    await master.send("Replaced the <gasket>")
    code = re.search(r"<b>(\d{6})</b>", c.last().text)
    assert code and "RUB2,500" in c.last().text
    assert "Warranty: 3 months, until" in c.last().text
    assert "Replaced the &lt;gasket&gt;" in c.last().text
    wrong = "000000" if code.group(1) != "000000" else "111111"
    await master.send(wrong)
    assert "4 attempts left" in master.last().text
    await master.send(code.group(1))
    assert "is completed" in master.last().text
    order = await order_row(h, order_id)
    assert order.status == "completed" and order.final_price == 250_000  # kopecks
    assert "completed" in c.last().text
    assert "Status: <b>Completed</b>" in card.text


async def test_five_wrong_codes_lock_the_order_and_alert_the_desk(h: Harness) -> None:
    c = h.person(111, "Lena")
    master = await approved_master(h, 201, "Oleg")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Oleg")
    await master.click(master.last(), "Accept")
    await file_report(master, "1000")
    code = re.search(r"<b>(\d{6})</b>", c.last().text).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        await master.send(wrong)
    assert "locked" in master.last().text
    order = await order_row(h, order_id)
    assert order.code_locked and order.status == "awaiting_confirmation"
    assert any("Too many wrong confirmation codes" in m.text for m in h.session.to(DESK, thread))
    assert "🔑 Send a new code" in card.buttons()
    await mgr.click(card, "Send a new code")
    new_code = re.search(r"<b>(\d{6})</b>", c.last().text).group(1)  # type: ignore[union-attr]
    await master.click(master.last(), "Enter the client")
    await master.send(new_code)
    assert (await order_row(h, order_id)).status == "completed"


async def test_another_masters_forged_accept_is_refused(h: Harness) -> None:
    c = h.person(112, "Maria")
    ivan = await approved_master(h, 202, "Ivan")
    petr = await approved_master(h, 203, "Petr")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan")
    offer = ivan.last()
    offers_before = await count(h, Offer)
    await petr.click_data(offer, offer.data("Accept"))
    assert h.session.alerts()[-1] == "You cannot do this."
    order = await order_row(h, order_id)
    assert order.status == "offered" and order.master_id is None
    assert await count(h, Offer) == offers_before
    await ivan.click(offer, "Decline")
    assert (await order_row(h, order_id)).status == "submitted"
    assert any("declined" in m.text for m in h.session.to(DESK, thread))


async def test_long_description_is_cut_on_the_card(h: Harness) -> None:
    c = h.person(113, "Nina")
    text = ("<&> " * 400)[:1600]
    await c.send("/new")
    await c.click(c.last(), "Plumbing")
    await c.send(text)
    await c.send(text[:390])
    await c.click(c.last(), "Continue")
    await c.send("Lenina 7, Moscow")
    await c.click(c.last(), "Urgent")
    await c.contact("+79990000001")
    await c.click(c.last(), "Cash after completion")
    await c.click(c.last(), "Confirm")
    _thread, card = card_of(h, 1)
    assert visible_length(card.text) <= 4096 and "…" in card.text


def _key(h: Harness, p: Person):  # type: ignore[no-untyped-def]
    from aiogram.fsm.storage.base import StorageKey

    return StorageKey(bot_id=42, chat_id=p.id, user_id=p.id)


async def test_language_follows_telegram_and_language_changes_it(h: Harness) -> None:
    c = h.person(114, "Olga", language="ru-RU")
    await c.send("/start")
    assert re.search("[А-я]", c.last().text)
    await c.send("/language")
    await c.press(c.last(), "setl", 4)  # vi
    assert "Tiếng Việt" in h.session.to(114)[-2].text
    await c.send("/start")
    assert re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữự]", c.last().text)
    async with h.app.ctx.tx() as s:
        from db.models import User

        user = await s.get(User, 114)
    assert user is not None and user.locale == "vi"


async def test_unknown_language_falls_back_to_the_default(h: Harness) -> None:
    c = h.person(115, "Hans", language="de")
    await c.send("/start")
    assert "What would you like to do?" in c.last().text


async def test_a_pass_woken_as_the_bot_stops_fires_nothing_and_the_next_start_does(
        h: Harness) -> None:
    """A wake-up queued just before the stop would start a transaction the loop's end cuts
    (a traceback in the log at every busy restart); the deadline waits for the next start."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select, update

    from db.models import Deadline

    order_id = await place_order(h, h.person(130, "Olek"))
    async with h.app.ctx.tx() as s:
        await s.execute(update(Deadline).where(Deadline.kind == "triage")
                        .values(due_at=datetime.now(UTC) - timedelta(minutes=25)))
    clock = h.app.clock
    async with clock._lock:  # a pass is firing; a wake-up waits behind it
        queued = asyncio.create_task(clock.run())
        stop = asyncio.create_task(clock.shutdown())
        await asyncio.sleep(0.05)
        assert not queued.done() and not stop.done()  # the stop waits for the passes in hand
    await stop
    assert queued.done() and queued.result() == 0  # ended before the stop returned
    assert await clock.run() == 0
    async with h.app.ctx.tx() as s:
        state = await s.scalar(select(Deadline.state).where(
            Deadline.order_id == order_id, Deadline.kind == "triage"))
    assert state == "pending"
    await h.app.clock.start()  # the next start fires what fell due meanwhile
    try:
        async with h.app.ctx.tx() as s:
            state = await s.scalar(select(Deadline.state).where(
                Deadline.order_id == order_id, Deadline.kind == "triage"))
        assert state == "fired"
    finally:
        await h.app.clock.shutdown()


async def test_an_overdue_order_is_escalated_marked_and_listed_by_sla(h: Harness) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from db.models import Deadline

    c = h.person(116, "Pavel")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    async with h.app.ctx.tx() as s:  # half an hour of desk time has passed
        await s.execute(update(Deadline).where(Deadline.kind == "triage")
                        .values(due_at=datetime.now(UTC) - timedelta(minutes=25)))
    assert await h.app.clock.run() == 1
    await h.flush()
    note = h.session.to(DESK, thread)[-1].text
    assert note.startswith("🔴 Overdue: the order is waiting for a master.")
    assert "late by 25 minutes" in note
    renames = [call for call in h.session.calls if type(call).__name__ == "EditForumTopic"]
    assert [r.name for r in renames] == [f"🔴 #{order_id} Plumbing — Moscow"]
    assert await h.app.clock.run() == 0  # once
    mgr = h.manager(MANAGER)
    await mgr.send("/sla")
    board = h.session.last(DESK).text
    assert f"#{order_id} Plumbing" in board and f"/{thread}\"" in board
    assert "the order is waiting for a master, overdue by 25 minutes" in board
    stranger = h.manager(667, "Stranger")
    await stranger.send("/sla")
    assert h.session.last(DESK).text == "Only desk members can do this."


async def assigned_job(h: Harness, client: Person, master_uid: int,
                       master_name: str) -> tuple[int, Person, Sent, int]:
    master = await approved_master(h, master_uid, master_name)
    order_id = await place_order(h, client)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, master_name)
    await master.click(master.last(), "Accept")
    return order_id, master, card, thread  # type: ignore[return-value]


async def test_the_field_workflow_call_visit_and_check_in(h: Harness) -> None:
    from datetime import datetime, timedelta

    from db.models import Deadline

    c = h.person(117, "Rita")
    order_id, master, card, thread = await assigned_job(h, c, 204, "Stas")
    await master.click(master.last(), "I have called the client")
    assert (await order_row(h, order_id)).status == "contacted"
    assert "has called the client" in h.session.to(DESK, thread)[-1].text
    await master.click(master.last(), "Set the visit time")
    await master.send("yesterday")
    assert "a date and a time, for example 25/12 14:30" in master.last().text
    visit = datetime.now(h.app.renderer.tz) + timedelta(days=1)
    await master.send(visit.strftime("%d.%m %H:%M"))
    order = await order_row(h, order_id)
    assert order.status == "scheduled" and order.visit_at is not None
    assert "will come for order" in c.last().text and "Stop the job" in c.last().buttons()[0]
    async with h.app.ctx.tx() as s:
        kinds = {d.kind: d.state for d in (await s.scalars(
            select(Deadline).where(Deadline.order_id == order_id))).all()}
    assert kinds["callback"] == "cancelled" and kinds["arrival"] == "pending"
    await master.click(master.last(), "I am on site")
    assert (await order_row(h, order_id)).status == "scheduled"  # asked for a location first
    await master.click(master.last(), "Check in without location")
    order = await order_row(h, order_id)
    assert order.status == "on_site" and order.checked_in_at is not None
    assert "checked in at your place" in c.last().text
    note = h.session.to(DESK, thread)[-1].text
    assert "outside the ±1 h window" in note and "No location shared" in note  # a day early
    async with h.app.ctx.tx() as s:
        arrival = await s.scalar(select(Deadline.state).where(
            Deadline.order_id == order_id, Deadline.kind == "arrival"))
    assert arrival == "cancelled"


async def test_the_client_stops_the_job_and_only_the_desk_resumes(h: Harness) -> None:
    c = h.person(118, "Sofia")
    order_id, master, card, thread = await assigned_job(h, c, 205, "Timur")
    job = master.last()
    stop_msg = next(m for m in reversed(h.session.to(c.id)) if "Stop the job" in str(m.buttons()))
    await c.click(stop_msg, "Stop the job")
    await c.click(c.last(), "Yes, stop the job now")
    assert (await order_row(h, order_id)).stopped
    assert "stopped the job" in master.last().text
    assert "STOPPED the job" in h.session.to(DESK, thread)[-1].text
    assert "▶️ Resume the job" in card.buttons()
    await master.click(job, "I have called the client")  # a master action while stopped
    assert h.session.alerts()[-1] == "The client has stopped this job. Wait for the desk."
    assert (await order_row(h, order_id)).status == "assigned"
    await c.click_data(card, f"v2d:dres:{order_id}")  # the client cannot resume
    assert (await order_row(h, order_id)).stopped
    await h.manager(MANAGER, thread_id=thread).click(card, "Resume the job")
    assert not (await order_row(h, order_id)).stopped
    assert "resumed" in master.last().text and "resumed" in c.last().text


async def test_the_master_asks_for_more_time_and_to_be_released(h: Harness) -> None:
    c = h.person(119, "Uliana")
    order_id, master, card, thread = await assigned_job(h, c, 206, "Vadim")
    await master.click(master.last(), "Ask for more time")
    await master.click(master.last(), "Parts are on order")
    assert "sent to the desk" in master.last().text
    assert "asks for more time: Parts are on order" in h.session.to(DESK, thread)[-1].text
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "+48 h")
    assert "gave you more time" in master.last().text
    job = next(m for m in reversed(h.session.to(master.id)) if "Ask to be released"
               in str(m.buttons()))
    await master.click(job, "Ask to be released")
    await master.click(master.last(), "Illness")
    await mgr.click(card, "Release the master")
    assert "released you" in master.last().text
    assert "finding you another master" in c.last().text
    order = await order_row(h, order_id)
    assert (order.status, order.master_id) == ("submitted", None)
    assert "👷 Assign" in card.buttons()


async def test_the_client_accepts_the_work_with_a_tap(h: Harness) -> None:
    c = h.person(120, "Yana")
    order_id, master, card, thread = await assigned_job(h, c, 207, "Zakhar")
    await file_report(master, "900")
    code_msg = c.last()
    stranger = h.person(121, "Stranger")
    await stranger.click_data(code_msg, code_msg.data("Accept the work"))
    assert (await order_row(h, order_id)).status == "awaiting_confirmation"
    await c.click(code_msg, "Accept the work")
    assert (await order_row(h, order_id)).status == "completed"
    assert "accepted the work" in master.last().text
    assert "Thank you" in c.last().text
    await c.click_data(code_msg, code_msg.data("Accept the work") if code_msg.markup
                       else f"v2c:accw:{order_id}")
    assert (await order_row(h, order_id)).status == "completed"


async def test_overdue_spans_follow_the_services_clock_not_the_wall_clock(h: Harness) -> None:
    """Issue 14: the sandbox moves time by replacing Context.clock; the overdue note and the
    /sla board measure lateness by that clock, as the deadline rows are."""
    from datetime import UTC, timedelta

    from sqlalchemy import select

    from db.models import Deadline

    c = h.person(117, "Pola")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    async with h.app.ctx.tx() as s:
        due = await s.scalar(select(Deadline.due_at).where(Deadline.order_id == order_id,
                                                           Deadline.kind == "triage"))
    assert due is not None
    ahead = due.replace(tzinfo=due.tzinfo or UTC) + timedelta(hours=2, minutes=5)
    h.app.ctx.clock = lambda: ahead  # two hours past the triage deadline, by the services
    assert await h.app.clock.run() >= 1
    await h.flush()
    note = h.session.to(DESK, thread)[-1].text
    assert note.startswith("🔴 Overdue: the order is waiting for a master.")
    assert "late by 2 hours" in note
    await h.manager(MANAGER).send("/sla")
    assert "the order is waiting for a master, overdue by 2 hours" in h.session.last(DESK).text
