"""The client changes a placed order (SPEC §1, §2.2 [R §3]): the description and photos, the
address and the time, until the master is on site; never the service. Flows, message by
message: what the client, the desk's card and topic, and the master were shown."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiogram.methods import EditForumTopic
from sqlalchemy import select

from bot.buttons.edit_order import EditAction, EditOrderCb
from bot.domain.errors import DomainError
from bot.domain.privacy import scrubbed_reason
from bot.domain.rules import Actor
from bot.services.edits import edit_address, edit_description, edit_time, editable_order
from bot.services.orders import cancel_order
from db.models import AuditEntry
from tests.conftest import make_order, outbox, row_counts
from tests.flows.test_flows import (
    MANAGER,
    _key,
    approved_master,
    assigned_job,
    card_of,
    order_row,
    place_order,  # "The kitchen tap leaks", one photo, "Lenina 5, flat 3, Moscow", Plumbing
)
from tests.flows.test_visit_flows import scheduled_job
from tests.support.flowkit import DESK, Harness, Person, Sent, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def order_view(c: Person, order_id: int) -> Sent:
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    return c.last()


async def start_edit(c: Person, order_id: int, what: str) -> None:
    view = await order_view(c, order_id)
    await c.click(view, "Change the order")
    assert f"What do you want to change in order #{order_id}?" in c.last().text
    await c.click(c.last(), what)


async def audit_of(h: Harness, order_id: int, action: str) -> list[AuditEntry]:
    async with h.app.ctx.tx() as s:
        return list((await s.scalars(select(AuditEntry).where(
            AuditEntry.order_id == order_id, AuditEntry.action == action))).all())


def _choose(order_id: int, field: int = 1) -> str:
    """A press on one field of the change menu of `order_id` (1: the address)."""
    return EditOrderCb(action=EditAction.CHOOSE, order_id=order_id, index=field).pack()


def renames(h: Harness) -> list[str]:
    return [c.name or "" for c in h.session.calls if isinstance(c, EditForumTopic)]


async def test_the_client_changes_the_description_and_photos_of_a_submitted_order(
        h: Harness) -> None:
    c = h.person(601, "Alina")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    view = await order_view(c, order_id)
    assert "✏️ Change the order" in view.buttons()

    await start_edit(c, order_id, "Description and photos")
    assert "Now: The kitchen tap leaks" in c.last().text
    await c.click(c.last(), "Start the description over")
    await c.send("The bathroom tap drips <fast> & loud")
    await c.photo()
    await c.photo()
    await c.click(c.last(), "Continue")
    review = c.last()
    assert f"Order #{order_id}: save this change?" in review.text
    assert "The bathroom tap drips &lt;fast&gt; &amp; loud" in review.text
    assert "Photos: 2" in review.text
    assert (await order_row(h, order_id)).description == "The kitchen tap leaks"  # not yet

    await c.click(review, "Save the change")
    order = await order_row(h, order_id)
    assert order.description == "The bathroom tap drips <fast> & loud"
    assert len(order.photos) == 2 and order.status == "submitted"
    assert "✅ Saved. The desk has been told." in c.last().text
    assert "The bathroom tap drips &lt;fast&gt; &amp; loud" in card.text  # type: ignore[attr-defined]
    assert "Photos: 2" in card.text  # type: ignore[attr-defined]  # edited in place
    note = h.session.to(DESK, thread)[-1].text
    assert "The client changed the description." in note
    assert ("Description: The kitchen tap leaks → The bathroom tap drips &lt;fast&gt; &amp; "
            "loud") in note
    assert "Photos: 1 → 2" in note
    [row] = await audit_of(h, order_id, "edit_description")
    assert row.actor_id == c.id and "The kitchen tap leaks" in (row.reason or "")
    assert "The bathroom tap drips" in (row.reason or "") and "1 → 2" in (row.reason or "")
    assert await h.app.storage.get_state(_key(h, c)) is None


async def test_bad_input_changes_nothing_and_the_same_value_is_no_change(h: Harness) -> None:
    c = h.person(602, "Bartosz")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    notes = len(h.session.to(DESK, thread))
    await start_edit(c, order_id, "Address")
    await c.send("abc")
    assert "Type the address from 5 to 300 characters" in c.last().text
    await c.photo()
    assert "Type the address as text or share a location." in c.last().text
    assert (await order_row(h, order_id)).address == "Lenina 5, flat 3, Moscow"
    await c.send("Lenina 5, flat 3, Moscow")
    await c.click(c.last(), "Save the change")
    assert "Nothing has changed" in c.last().text
    assert len(h.session.to(DESK, thread)) == notes  # no note, no card edit message
    assert await audit_of(h, order_id, "edit_address") == []
    assert await h.app.storage.get_state(_key(h, c)) is None


async def test_an_offered_master_never_gets_the_new_address(h: Harness) -> None:
    c = h.person(603, "Celina")
    master = await approved_master(h, 701, "Damian")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")  # type: ignore[arg-type]
    await mgr.click(card, "Damian")  # type: ignore[arg-type]
    offer = master.last()
    assert "New job offer" in offer.text and "Area: Moscow" in offer.text
    seen = len(h.session.to(master.id))

    await start_edit(c, order_id, "Address")
    await c.send("Nowy Świat 5 <b>&, 00-001 Warszawa")
    await c.click(c.last(), "Save the change")
    order = await order_row(h, order_id)
    assert order.address == "Nowy Świat 5 <b>&, 00-001 Warszawa"
    assert order.area == "Warszawa" and order.status == "offered"
    assert "✅ Saved. The desk has been told." in c.last().text
    assert len(h.session.to(master.id)) == seen  # the offered master is told nothing
    assert not any("Nowy" in m.text for m in h.session.to(master.id))
    note = h.session.to(DESK, thread)[-1].text
    assert "The client changed the address." in note
    assert ("Address: Lenina 5, flat 3, Moscow → Nowy Świat 5 &lt;b&gt;&amp;, 00-001 "
            "Warszawa") in note
    assert "already accepted" not in note
    assert renames(h)[-1] == f"#{order_id} Plumbing — Warszawa"
    assert "Nowy Świat 5 &lt;b&gt;&amp;" in card.text  # type: ignore[attr-defined]

    await master.click(offer, "Accept")  # only now does he see the address
    assert any("Nowy Świat 5 &lt;b&gt;&amp;" in m.text for m in h.session.to(master.id))


async def test_an_assigned_master_gets_a_new_address_and_the_desk_is_warned(
        h: Harness) -> None:
    c = h.person(604, "Dorota")
    order_id, master, card, thread = await assigned_job(h, c, 702, "Emil")
    await start_edit(c, order_id, "Address")
    await c.location(52.2297, 21.0122)
    assert "Location on the map" in c.last().text
    await c.click(c.last(), "Save the change")
    order = await order_row(h, order_id)
    assert (order.address, order.latitude, order.longitude) == (None, 52.2297, 21.0122)
    assert order.area == "52.23, 21.01" and order.status == "assigned"
    assert "✅ Saved. The master and the desk have been told." in c.last().text
    told = master.last()
    assert f"The client changed order #{order_id}:" in told.text
    assert ("Address: Lenina 5, flat 3, Moscow → Location on the map (52.22970, 21.01220)"
            in told.text)
    assert "📞 I have called the client" in told.buttons()  # his job, as it is now
    note = h.session.to(DESK, thread)[-1].text
    assert "The client changed the address." in note
    assert "⚠️ The master has already accepted this order" in note
    assert renames(h)[-1] == f"#{order_id} Plumbing — 52.23, 21.01"
    assert "Location on the map (52.22970, 21.01220)" in card.text
    [row] = await audit_of(h, order_id, "edit_address")
    assert "Lenina 5" in (row.reason or "") and "52.2297" in (row.reason or "")


async def test_an_assigned_master_gets_the_new_description(h: Harness) -> None:
    c = h.person(605, "Edward")
    order_id, master, _card, thread = await assigned_job(h, c, 703, "Filip")
    await start_edit(c, order_id, "Description and photos")
    await c.send("Also the shower")
    await c.click(c.last(), "Continue")
    await c.click(c.last(), "Save the change")
    assert (await order_row(h, order_id)).description == "The kitchen tap leaks\nAlso the shower"
    told = master.last()
    assert f"The client changed order #{order_id}:" in told.text
    assert "Description: The kitchen tap leaks → The kitchen tap leaks\nAlso the shower" in (
        told.text)
    assert "Photos:" not in told.text.split("\n\n")[0]  # the photos did not change
    assert "The client changed the description." in h.session.to(DESK, thread)[-1].text


async def test_the_time_before_the_visit_is_agreed(h: Harness) -> None:
    c = h.person(606, "Felicja")
    order_id = await place_order(h, c)  # tomorrow 15:00–18:00
    await start_edit(c, order_id, "Time")
    await c.click(c.last(), "Another date")
    await c.send("nonsense")
    assert "Type the day and the month" in c.last().text  # refused, the example shown
    day = (datetime.now(h.app.renderer.tz) + timedelta(days=3)).date()
    await c.send(day.strftime("%d.%m"))
    await c.press(c.last(), "slot", 0)  # 09:00–12:00
    await c.click(c.last(), "Save the change")
    order = await order_row(h, order_id)
    assert (order.visit_date, order.visit_slot, order.urgent) == (day, "09-12", False)
    thread, card = card_of(h, order_id)
    note = h.session.to(DESK, thread)[-1].text
    assert "The client changed the time." in note and "→" in note

    master = await approved_master(h, 704, "Gerard")
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")  # type: ignore[arg-type]
    await mgr.click(card, "Gerard")  # type: ignore[arg-type]
    await master.click(master.last(), "Accept")
    await start_edit(c, order_id, "Time")
    await c.click(c.last(), "Urgent")
    review = c.last()
    assert "An urgent visit costs 30% more" in review.text
    await c.click(review, "Save the change")
    order = await order_row(h, order_id)
    assert (order.urgent, order.surcharge_percent, order.visit_date) == (True, 30, None)
    told = master.last()
    assert f"The client changed order #{order_id}:" in told.text
    assert "→ Urgent — within 24 hours (+30%)" in told.text
    assert "Urgent — within 24 hours" in card.text  # type: ignore[attr-defined]


async def test_a_new_time_on_a_scheduled_order_is_a_proposal_the_master_accepts(
        h: Harness) -> None:
    c = h.person(607, "Genowefa")
    order_id, master, card, thread, visit = await scheduled_job(h, c, 705, "Henryk")
    await start_edit(c, order_id, "Time")
    assert "Which time do you propose" in c.last().text
    new = visit + timedelta(hours=2)
    await c.send(new.strftime("%d.%m %H:%M"))
    assert (await order_row(h, order_id)).visit_at == visit  # until the master accepts
    proposal = master.last()
    assert "The client proposes to move the visit" in proposal.text
    await master.click(proposal, "Accept the new time")
    assert (await order_row(h, order_id)).visit_at == new
    assert "The master accepted your proposal" in c.last().text


async def test_after_check_in_the_order_cannot_be_changed(h: Harness) -> None:
    c = h.person(608, "Halina")
    order_id, master, _card, thread, _visit = await scheduled_job(h, c, 706, "Ireneusz")
    # a change begun before the check-in is refused when it is saved after it
    await start_edit(c, order_id, "Address")
    await c.send("Marszałkowska 1, Warszawa")
    review = c.last()
    await master.click(master.last(), "I am on site")
    await master.click(master.last(), "Check in without location")
    assert (await order_row(h, order_id)).status == "on_site"
    notes = len(h.session.to(DESK, thread))
    await c.click(review, "Save the change")
    assert "can no longer be changed" in c.last().text
    assert (await order_row(h, order_id)).address == "Lenina 5, flat 3, Moscow"
    assert len(h.session.to(DESK, thread)) == notes

    view = await order_view(c, order_id)
    assert not any("Change the order" in b for b in view.buttons())
    for forged in (f"v2c:cedit:{order_id}", _choose(order_id)):
        await c.click_data(view, forged)
        assert "can no longer be changed" in h.session.alerts()[-1]
    assert await h.app.storage.get_state(_key(h, c)) is None


async def test_the_service_cannot_be_changed_and_strangers_cannot_edit(h: Harness) -> None:
    c = h.person(609, "Iwona")
    order_id = await place_order(h, c)
    await start_edit(c, order_id, "Service")
    answer = c.last()
    assert "cannot be changed: a different service is a new order" in answer.text
    assert answer.buttons() == ["🛠 New order"]
    await c.click(answer, "New order")
    assert "Which service do you need?" in c.last().text
    assert (await order_row(h, order_id)).service == "plumbing"

    stranger = h.person(610, "Jacek")
    await stranger.send("/start")
    await stranger.click_data(stranger.last(), f"v2c:cedit:{order_id}")
    assert h.session.alerts()[-1] == "This order was not found."
    await stranger.click_data(stranger.last(), _choose(order_id))
    assert h.session.alerts()[-1] == "This order was not found."
    assert await h.app.storage.get_state(_key(h, stranger)) is None


async def test_a_change_survives_a_restart_and_cancel_leaves_it(db_url: str) -> None:
    async with harness(db_url, admin_ids=[MANAGER]) as h1:
        c = h1.person(611, "Kamil")
        order_id = await place_order(h1, c)
        await start_edit(c, order_id, "Address")
        await c.send("Piotrkowska 10, Łódź")
        review = c.last()
    async with harness(db_url, admin_ids=[MANAGER]) as h2:  # the bot restarted
        c = h2.person(611, "Kamil")
        await c.click_data(review, review.data("Save the change"))
        order = await order_row(h2, order_id)
        assert (order.address, order.area) == ("Piotrkowska 10, Łódź", "Łódź")
        await start_edit(c, order_id, "Description and photos")
        await c.send("Never mind")
        await c.send("/cancel")
        assert "Cancelled. Nothing was saved." in h2.session.to(c.id)[-2].text
        assert (await order_row(h2, order_id)).description == "The kitchen tap leaks"
        assert (await order_row(h2, order_id)).address == "Piotrkowska 10, Łódź"


# --- the use cases (bot/services/edits.py) -------------------------------------------------

async def test_the_edit_services_refuse_bad_input_and_store_nothing(ctx, clock) -> None:
    order = await make_order(ctx, 900)
    client = Actor(user_id=900)
    today = clock.now.astimezone(ctx.policy.timing.desk.tz).date()
    before = await row_counts(ctx)
    refused = [
        (lambda: edit_description(ctx, client, order.id, "   ", []), "error.description_empty"),
        (lambda: edit_description(ctx, client, order.id, "x" * 2001, []),
         "error.description_long"),
        (lambda: edit_description(ctx, client, order.id, "A leak", ["p"] * 11),
         "error.photos_many"),
        (lambda: edit_description(ctx, client, order.id, "The kitchen tap drips",
                                  ["photo-1"]), "error.edit_same"),
        (lambda: edit_address(ctx, client, order.id, "abc", None, None, None),
         "error.address_length"),
        (lambda: edit_address(ctx, client, order.id, None, 91.0, 0.0, None),
         "error.address_length"),
        (lambda: edit_time(ctx, client, order.id, False, today - timedelta(days=1), "09-12"),
         "error.slot_gone"),
        (lambda: edit_time(ctx, client, order.id, False, today + timedelta(days=1), "07-09"),
         "error.slot_gone"),
        (lambda: edit_time(ctx, client, order.id, False, today + timedelta(days=61), "09-12"),
         "error.slot_gone"),
        (lambda: edit_description(ctx, Actor(user_id=901), order.id, "Mine now", []),
         "error.not_found"),  # another client's order
    ]
    for call, key in refused:
        with pytest.raises(DomainError) as refusal:
            await call()
        assert refusal.value.key == key
    assert await row_counts(ctx) == before


async def test_a_finished_order_is_closed_to_changes(ctx) -> None:
    order = await make_order(ctx, 902)
    client = Actor(user_id=902)
    await cancel_order(ctx, client, order.id, "changed_mind")
    with pytest.raises(DomainError) as refusal:
        await edit_description(ctx, client, order.id, "Something else", [])
    assert refusal.value.key == "error.relay_closed"
    with pytest.raises(DomainError):
        await editable_order(ctx, client, order.id)


async def test_an_address_in_a_district_keeps_the_district_as_its_area(ctx) -> None:
    ctx.policy.districts = ("Centre", "North")
    order = await make_order(ctx, 903)
    client = Actor(user_id=903)
    changed = await edit_address(ctx, client, order.id, "Długa 7, 80-001 Gdańsk", None, None,
                                 "North")
    assert (changed.district, changed.area) == ("North", "North")
    changed = await edit_address(ctx, client, order.id, "Długa 7, 80-001 Gdańsk", None, None,
                                 "Nowhere")  # not a district of the desk: dropped
    assert (changed.district, changed.area) == (None, "Gdańsk")
    kinds = [k for k, *_rest in await outbox(ctx)]
    assert kinds.count("order_title") == 2 and "master_order_edited" not in kinds


def test_an_erased_client_loses_his_old_and_new_addresses_from_the_audit() -> None:
    for action in ("edit_address", "edit_description"):
        assert scrubbed_reason(action, "'Lenina 5, flat 3' → 'Piotrkowska 10'") is None
    assert scrubbed_reason("edit_time", "{'urgent': False} → {'urgent': True}") is not None
