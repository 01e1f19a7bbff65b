"""Dispatcher flows of the masters' side: onboarding (resumed after a restart, corrected from
the summary), the desk's verification with a question and its answer, blocking, the profile,
ranked candidates with Auto down the list, and districts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services.base import utcnow
from db.models import AuditEntry, Master, Offer
from tests.flows.test_flows import (
    MANAGER,
    apply_as_master,
    approved_master,
    card_of,
    order_row,
    place_order,
)
from tests.support.flowkit import DESK, Harness, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def master_row(h: Harness, user_id: int) -> Master | None:
    async with h.app.ctx.tx() as s:
        return await s.scalar(select(Master).where(Master.user_id == user_id))


def master_card(h: Harness) -> object:
    return next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text)


async def test_onboarding_refuses_what_the_rules_forbid_and_nothing_is_stored(h: Harness):
    m = h.person(300, "Olga")
    await m.send("/become_master")
    await m.send("O")
    assert "from 2 to 128 characters" in m.last().text
    await m.send("Olga Novak")
    await m.send("+48111222333")  # typed, not shared
    assert "typed number cannot be accepted" in m.last().text
    await m.contact("+48111222333")
    await m.click(m.last(), "Neither")  # an employee or a company [R §1]
    assert "only the self-employed and sole traders can register" in m.last().text
    assert await h.app.storage.get_state(key(h, 300)) is None
    assert await master_row(h, 300) is None


async def test_onboarding_with_bad_tax_id_documents_and_a_correction(h: Harness):
    m = h.person(301, "Piotr")
    await m.send("/become_master")
    await m.send("Piotr Zieliński")
    await m.contact("+48 600 700 800")
    await m.click(m.last(), "Sole trader")
    await m.send("12")
    assert "does not look like your tax id" in m.last().text
    await m.send("PL 525-000-12-34")
    await m.click(m.last(), "Done")
    assert any("at least one service" in a for a in h.session.alerts())
    await m.click(m.last(), "Electrical")
    await m.click(m.last(), "Done")
    await m.send("here is my passport")  # text instead of a document
    assert "as a photo or a file" in m.last().text
    await m.click(m.last(), "Continue")
    assert any("at least one document" in a for a in h.session.alerts())
    await m.photo()
    assert "Document 1 of 10 added" in m.last().text
    await m.click(m.last(), "Continue")
    summary = m.last()
    assert "Please check your application" in summary.text
    assert "Tax id: PL5250001234" in summary.text and "Sole trader" in summary.text
    await m.click(summary, "Tax id")  # a correction goes back to the summary
    await m.send("5250001234")
    assert "Tax id: 5250001234" in m.last().text
    await m.click(m.last(), "Send to the desk")
    assert "sent to the desk" in m.last().text
    row = await master_row(h, 301)
    assert row is not None
    assert (row.status, row.legal_form, row.tax_id, row.phone) == (
        "pending", "sole_trader", "5250001234", "+48600700800")
    assert len(row.documents) == 1 and row.documents[0].startswith("photo:")
    card = master_card(h)
    assert "Piotr Zieliński" in card.text and "Sole trader" in card.text
    assert card.buttons()[:3] == ["✅ Approve", "❌ Reject", "❓ Ask for more"]
    # the passport went to the desk too, captioned with his number
    docs = [x for x in h.session.to(DESK) if x.method == "photo"]
    assert docs and docs[-1].text == f"Documents of master #{row.id}"


async def test_onboarding_survives_a_restart_and_resumes(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h1:
        m = h1.person(302, "Rita")
        await m.send("/become_master")
        await m.send("Rita Horáková")
        await m.contact("+420 777 123 456")
    async with harness(db_url, admin_ids=[MANAGER]) as h2:  # the bot restarted
        m = h2.person(302, "Rita")
        await m.send("/become_master")
        texts = [x.text for x in h2.session.to(302)]
        assert "continue your application" in texts[-2]
        assert "How do you work?" in texts[-1]
        await m.click(m.last(), "Self-employed")
        await m.send("12345678")
        await m.click(m.last(), "Cleaning")
        await m.click(m.last(), "Done")
        await m.photo()
        await m.click(m.last(), "Continue")
        assert "Name: Rita Horáková" in m.last().text  # typed before the restart, kept


async def test_the_desk_asks_for_more_the_answer_returns_to_the_card(h: Harness):
    m = h.person(303, "Jan")
    await apply_as_master(h, m, "Jan Novák")
    await m.click(m.last(), "Send to the desk")
    mgr = h.manager(MANAGER)
    stranger = h.manager(4444)
    await stranger.click(master_card(h), "Approve")  # not a desk member
    assert (await master_row(h, 303)).status == "pending"

    await mgr.send("/masters")
    assert "1 application waits for verification" in h.session.last(DESK).text
    await mgr.click(master_card(h), "Ask for more")
    await mgr.send("Please send your plumbing <certificate>")
    assert "The question has been sent" in h.session.last(DESK).text
    question = m.last()
    assert "Please send your plumbing &lt;certificate&gt;" in question.text
    await m.click(question, "Answer")
    await m.send("Attached")
    await m.photo()
    await m.click(m.last(), "Send the answer")
    assert "sent to the desk" in m.last().text
    card = master_card(h)
    assert "Desk asked: Please send your plumbing &lt;certificate&gt;" in card.text
    assert "Answer: Attached" in card.text and "Documents: 2 files" in card.text
    assert any("answered the desk's question: Attached" in x.text for x in h.session.to(DESK))

    await mgr.click(card, "Reject")
    await mgr.click(card, "Back")  # changed his mind: the card's own buttons again
    assert card.buttons()[:3] == ["✅ Approve", "❌ Reject", "❓ Ask for more"]
    await mgr.click(card, "Reject")
    await mgr.click(card, "Not enough experience")
    assert "Reason: Not enough experience for these services" in m.last().text
    assert (await master_row(h, 303)).status == "rejected"
    assert "Status: <b>Rejected</b>" in card.text

    await m.send("/become_master")  # at once: refused, with the time he may apply again
    assert "You can apply again after" in m.last().text
    assert await h.app.storage.get_state(key(h, 303)) is None  # no form was started
    later = utcnow() + timedelta(hours=25)  # REAPPLY_COOLDOWN_HOURS defaults to 24
    h.app.ctx.clock = lambda: later
    await apply_as_master(h, m, "Jan Novák")  # he applies again: a new card below
    await m.click(m.last(), "Send to the desk")
    again = master_card(h)
    assert again.message_id != card.message_id and "Waiting for verification" in again.text


async def test_block_by_command_freezes_the_master_and_the_desk_takes_the_job(h: Harness):
    ivan = await approved_master(h, 304, "Ivan Petrov")
    c = h.person(120, "Nina")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan Petrov")
    await ivan.click(ivan.last(), "Accept")
    job = ivan.last()
    row = await master_row(h, 304)
    await h.manager(MANAGER).send("/block")
    assert "Use: /block 12 reason" in h.session.last(DESK).text
    await h.manager(MANAGER).send(f"/block {row.id} No-show twice")
    told = next(x.text for x in h.session.to(DESK) if x.text.startswith("Master #"))
    assert told.startswith(f"Master #{row.id} is blocked: No-show twice")
    assert "1 open order of his needs the desk" in told
    assert "Your master account is blocked" in ivan.last().text
    assert job.buttons() == [] and "no longer yours" in job.text  # stubbed [issue 9, 13]
    await ivan.click_data(job, f"v2fs:cont:{order_id}")  # a press kept from before
    assert any("account is blocked" in a for a in h.session.alerts())
    assert (await order_row(h, order_id)).status == "assigned"
    assert "The master of this order was blocked" in h.session.to(DESK, thread)[-1].text
    assert "🔁 Take the job away" in card.buttons()
    await mgr.click(card, "Take the job away")
    assert (await order_row(h, order_id)).status == "submitted"
    assert "finding you another master" in c.last().text
    await h.manager(MANAGER).send(f"/unblock {row.id}")
    assert "unblocked" in ivan.last().text

    await h.manager(MANAGER).send(f"/block client {order_id} Fake orders")
    assert "is blocked: Fake orders" in h.session.last(DESK).text
    assert "blocked new orders" in c.last().text
    await c.send("/new")  # refused: no new order is started
    assert "blocked new orders" in c.last().text
    assert await h.app.storage.get_state(key(h, c.id)) is None
    await h.manager(MANAGER).send(f"/unblock client {order_id}")
    assert "you can place orders again" in c.last().text


async def test_profile_duty_and_photo_and_the_clients_master_card(h: Harness):
    ivan = await approved_master(h, 305, "Ivan Petrov")
    await ivan.send("/profile")
    profile = ivan.last()
    assert "You are on duty" in profile.text
    await ivan.click(profile, "Go off duty")
    assert "You are off duty" in profile.text
    assert (await master_row(h, 305)).on_duty is False
    await ivan.click(profile, "Go on duty")
    await ivan.click(ivan.last(), "Photo")
    await ivan.send("not a photo")
    assert "Send a photo" in ivan.last().text
    await ivan.photo()
    assert (await master_row(h, 305)).photo is not None

    c = h.person(121, "Olek")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    await h.manager(MANAGER, thread_id=thread).click(card, "Assign")
    await h.manager(MANAGER, thread_id=thread).click(card, "Ivan Petrov")
    await ivan.click(ivan.last(), "Accept")
    got = c.last()
    assert got.method == "photo"  # the master's photo, with his card as the caption
    assert "Ivan Petrov</b> ✅ verified" in got.text and "no reviews yet" in got.text
    assert "0 jobs done on the platform" in got.text


async def test_auto_offers_to_the_next_master_after_a_decline(h: Harness):
    anna = await approved_master(h, 306, "Anna Lis")
    boris = await approved_master(h, 307, "Boris Kot")
    c = h.person(122, "Dana")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    await h.manager(MANAGER, thread_id=thread).click(card, "Auto")
    first = next(p for p in (anna, boris) if "New job offer" in p.last().text)
    second = boris if first is anna else anna
    assert "Auto: offers go down the candidate list" in card.text
    await first.click(first.last(), "Decline")
    offer = second.last()
    assert "New job offer" in offer.text
    assert any("Auto: offered to" in x.text for x in h.session.to(DESK, thread))
    await second.click(offer, "Accept")
    assert (await order_row(h, order_id)).status == "assigned"
    async with h.app.ctx.tx() as s:
        offers = (await s.scalars(select(Offer.status).order_by(Offer.id))).all()
        declines = (await s.scalars(select(AuditEntry.master_id).where(
            AuditEntry.action == "decline"))).all()
    assert offers == ["declined", "accepted"]
    assert len(declines) == 1  # in the first master's discipline record


async def test_districts_the_client_picks_and_the_ranking_uses(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER], districts=["Centre", "North"]) as h:
        north = await approved_master(h, 308, "Nora North")  # picks the first: Centre
        c = h.person(123, "Eva")
        await c.send("/start")
        await c.click(c.last(), "New order")
        await c.click(c.last(), "Plumbing")
        await c.send("The sink is blocked")
        await c.click(c.last(), "Continue")
        await c.send("Main street 1, flat 2")
        question = c.last()
        assert "Which district" in question.text
        await c.send("North")  # typed, not pressed
        assert "choose with the buttons" in c.last().text
        await c.click(question, "Centre")
        assert "When should the master come?" in c.last().text
        await c.click(c.last(), "Tomorrow")
        await c.press(c.last(), "slot", 1)
        await c.contact("+48 500 600 700")
        await c.click(c.last(), "Cash after completion")
        assert "District: Centre" in c.last().text
        await c.click(c.last(), "Confirm")
        orders = [x for x in h.session.calls if type(x).__name__ == "CreateForumTopic"]
        assert orders[-1].name.endswith("Plumbing — Centre")
        order_id = int(orders[-1].name.split()[0].lstrip("#"))
        thread, card = card_of(h, order_id)
        await h.manager(MANAGER, thread_id=thread).click(card, "Assign")
        why = h.session.to(DESK, thread)[-1].text
        assert "Nora North</b> — serves Centre · on duty" in why
        assert north.id == 308


def key(h: Harness, uid: int):
    from aiogram.fsm.storage.base import StorageKey

    return StorageKey(bot_id=42, chat_id=uid, user_id=uid)


async def test_a_redraw_after_a_menu_on_the_card_brings_its_buttons_back(h: Harness):
    from bot.services.base import card_changed

    await approved_master(h, 309, "Ivan Petrov")
    c = h.person(124, "Fiona")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    await h.manager(MANAGER, thread_id=thread).click(card, "Assign")
    assert card.buttons()[0].startswith("1. Ivan Petrov")
    async with h.app.ctx.tx() as s:  # something redraws the unchanged card
        card_changed(s, h.app.ctx.clock(), order_id)
    await h.flush()
    assert card.buttons() == ["👷 Assign", "🤖 Auto", "⛔ Reject", "✖️ Cancel the order"]
