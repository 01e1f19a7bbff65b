"""Issue 11, /privacy: a person's copy of his data, and its erasure (bot/services/privacy.py)."""

from __future__ import annotations

import json

import pytest
from aiogram.methods import SendDocument
from sqlalchemy import func, select

from bot.domain.privacy import blocks_erasure, scrubbed_reason
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.services.complaints import open_claim
from bot.services.completion import accept_work, report_completion
from bot.services.matching import candidates
from bot.services.offers import accept_offer, offer_order
from bot.services.privacy import erase_my_data, export_my_data
from bot.services.reviews import leave_review
from db.models import (
    AuditEntry,
    Deadline,
    FsmRecord,
    Master,
    MasterService,
    Order,
    OutboxMessage,
    Review,
)
from db.models import User as UserRow
from tests.flows.test_flows import MANAGER, card_of, order_row, place_order
from tests.support.flowkit import DESK as DESK_CHAT
from tests.support.flowkit import Harness, harness

try:
    from conftest import DESK, START, load_row, make_master, make_order, master_actor, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import DESK, START, load_row, make_master, make_order, master_actor, outbox

CLIENT, OTHER, MASTER_UID = 1001, 1002, 2001
CLIENT_PHONE, OTHER_PHONE = "+48600000001", "+48600000777"
MASTER_PHONE = "+48600002001"  # make_master's number for 2001


async def completed(ctx, client: int = CLIENT, master_uid: int = MASTER_UID, **draft):
    master = await make_master(ctx, master_uid)
    order = await make_order(ctx, client, **draft)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    await report_completion(ctx, master_actor(master), order.id, ["report-photo"],
                            10_000, warranty_months=3)
    await accept_work(ctx, Actor(client), order.id)
    return order, master


def text_of(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)  # fails on anything not JSON-safe


# --- the rules ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", list(Status))
def test_only_settled_orders_without_a_rework_allow_erasure(status: Status) -> None:
    settled = status in (Status.COMPLETED, Status.REJECTED, Status.CANCELLED)
    assert blocks_erasure(status, None) is not settled
    assert blocks_erasure(status, START) is True  # a rework the desk ordered is open work


@pytest.mark.parametrize(("action", "reason", "kept"), [
    ("review", "2 Left a mess, call +48600000001", "2"),
    ("cancel", "other: moved to Kraków", "other"),
    ("dispute", "The tap drips again", None),
    ("answer_desk", "My passport is attached", None),
    ("block", "Abusive to masters", "Abusive to masters"),  # the desk's own record
    ("report", "900", "900"),
])
def test_audit_reasons_lose_the_persons_words_only(action, reason, kept) -> None:
    assert scrubbed_reason(action, reason) == kept


# --- the export ---------------------------------------------------------------------------

async def test_the_export_holds_his_data_and_not_other_peoples(ctx) -> None:
    order, master = await completed(ctx)
    await leave_review(ctx, Actor(CLIENT), order.id, 5, "Quick and tidy")
    # another client's job for the same master: the master saw that address and phone
    other = await make_order(ctx, OTHER, phone=OTHER_PHONE, address="Nowy Świat 9, Warszawa",
                             description="Socket sparks in the hall")
    await offer_order(ctx, DESK, other.id, master.id)
    await accept_offer(ctx, master_actor(master), other.id)

    mine = await export_my_data(ctx, CLIENT)
    text = text_of(mine)
    assert mine["user"]["id"] == CLIENT and mine["master"] is None
    [row] = mine["orders_as_client"]
    assert (row["id"], row["phone"], row["address"], row["description"], row["final_price"]) == (
        order.id, CLIENT_PHONE, "Marszałkowska 1, Warszawa", "The kitchen tap drips", "100.00")
    assert mine["reviews_you_wrote"][0]["comment"] == "Quick and tidy"
    assert any(a["action"] == "accept_work" for a in mine["your_actions"])
    for theirs in (MASTER_PHONE, "Master 2001", "7707083893", OTHER_PHONE, "Nowy Świat"):
        assert theirs not in text

    his = await export_my_data(ctx, MASTER_UID)
    text = text_of(his)
    assert his["master"]["phone"] == MASTER_PHONE and his["master"]["tax_id"] == "7707083893"
    assert his["master"]["documents"] == ["photo:passport-1"]
    assert his["master"]["services"] == ["plumbing"]
    assert [j["id"] for j in his["jobs_as_master"]] == [order.id, other.id]
    assert his["reviews_about_you"][0]["stars"] == 5
    assert any(m["kind"] == "master_accepted" for m in his["messages_to_you"])
    for theirs in (CLIENT_PHONE, OTHER_PHONE, "Marszałkowska", "Nowy Świat", "kitchen tap",
                   "Socket sparks", "Client1001"):
        assert theirs not in text


# --- erasure refused ----------------------------------------------------------------------

async def test_erasure_with_an_open_order_is_refused_listing_it_and_nothing_changes(ctx):
    done, _master = await completed(ctx)
    still_open = await make_order(ctx, CLIENT)
    before = await outbox(ctx)
    result = await erase_my_data(ctx, CLIENT)
    assert (result.erased, result.open_orders) == (False, (still_open.id,))
    assert (await load_row(ctx, UserRow, CLIENT)).first_name == "Client1001"
    assert (await load_row(ctx, Order, done.id)).phone == CLIENT_PHONE
    assert await outbox(ctx) == before  # nobody told: nothing happened


async def test_an_open_warranty_claim_and_a_masters_job_block_erasure(ctx):
    order, master = await completed(ctx)
    await open_claim(ctx, Actor(CLIENT), order.id, "The tap drips again", ["claim-photo"])
    assert (await erase_my_data(ctx, CLIENT)).open_orders == (order.id,)
    job = await make_order(ctx, OTHER)
    await offer_order(ctx, DESK, job.id, master.id)  # an offer waiting for him is open too
    assert (await erase_my_data(ctx, MASTER_UID)).open_orders == (order.id, job.id)
    assert (await load_row(ctx, Master, master.id)).tax_id == "7707083893"


# --- erasure done -------------------------------------------------------------------------

async def test_erasure_after_completion_blanks_him_and_keeps_the_record(ctx):
    order, master = await completed(ctx)
    await leave_review(ctx, Actor(CLIENT), order.id, 4, "Call me on +48600000001 next time")
    async with ctx.tx() as s:
        s.add(FsmRecord(key=f"fsm:42:{CLIENT}:{CLIENT}:default", state="NewOrder:address",
                        data={"phone": CLIENT_PHONE}, updated_at=ctx.clock()))
        pending_to_him = await s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == CLIENT, OutboxMessage.status == "pending"))
    assert pending_to_him  # the completion messages are still queued to him

    assert (await erase_my_data(ctx, CLIENT)).erased
    user = await load_row(ctx, UserRow, CLIENT)
    assert (user.first_name, user.username) == ("deleted user", None)
    row = await load_row(ctx, Order, order.id)
    assert (row.description, row.phone, row.address, row.latitude, row.photos,
            row.report_photos) == ("", "", None, None, [], [])
    assert (row.id, row.status, row.final_price, row.warranty_months) == (
        order.id, "completed", 10_000, 3)
    async with ctx.tx() as s:
        review = await s.scalar(select(Review).where(Review.order_id == order.id))
        assert (review.stars, review.comment, review.master_id) == (4, None, master.id)
        assert await s.scalar(select(func.count()).select_from(FsmRecord)) == 0
        assert await s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == CLIENT)) == 0
        erase = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "erase"))).one()
        assert (erase.actor_id, erase.actor_role) == (CLIENT, "client")
    told = [r for r in await outbox(ctx) if r[0] == "desk_erased"]
    assert told == [("desk_erased", None, None,
                     {"user_id": CLIENT, "master_id": None, "orders": [order.id]})]
    assert CLIENT_PHONE not in text_of(await export_my_data(ctx, CLIENT))


async def test_a_master_is_erased_out_of_matching_with_his_documents_and_tax_id(ctx):
    order, master = await completed(ctx)
    await leave_review(ctx, Actor(CLIENT), order.id, 5, None)
    new = await make_order(ctx, OTHER)
    assert [c.master_id for c in (await candidates(ctx, DESK, new.id)).candidates] == [
        master.id]
    assert (await erase_my_data(ctx, MASTER_UID)).erased
    row = await load_row(ctx, Master, master.id)
    assert (row.name, row.phone, row.tax_id, row.documents, row.legal_form, row.status) == (
        "deleted user", "", None, [], None, "erased")
    async with ctx.tx() as s:
        assert await s.scalar(select(func.count()).select_from(MasterService)) == 0
        review = await s.scalar(select(Review).where(Review.order_id == order.id))
        assert (review.stars, review.master_id) == (5, master.id)
    kept = await load_row(ctx, Order, order.id)  # the client's order is the client's
    assert (kept.phone, kept.master_id, kept.final_price) == (
        CLIENT_PHONE, master.id, 10_000)
    assert (await candidates(ctx, DESK, new.id)).candidates == []
    assert ("desk_erased", None, None, {"user_id": MASTER_UID, "master_id": master.id,
                                        "orders": []}) in await outbox(ctx)


# --- the flow -----------------------------------------------------------------------------

@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER], fsm_ttl_days=7, outbox_keep_days=3) as h:
        yield h


def exported(h: Harness) -> dict:
    sent = [c for c in h.session.calls if isinstance(c, SendDocument)]
    assert sent, "no file was sent"
    assert sent[-1].document.filename == "my-data.json"
    return json.loads(sent[-1].document.data.decode("utf-8"))


async def test_privacy_download_then_delete_after_the_order_is_closed(h: Harness) -> None:
    c = h.person(130, "Olga")
    order_id = await place_order(h, c)
    await c.send("/privacy")
    menu = c.last()
    assert "7 days after your last step" in menu.text and "after 3 days" in menu.text
    await c.press(menu, "prvget")
    data = exported(h)
    assert data["user"]["first_name"] == "Olga"
    assert data["orders_as_client"][0]["phone"] == "+79990001122"
    assert data["orders_as_client"][0]["address"] == "Lenina 5, flat 3, Moscow"

    await c.press(menu, "prvdel")  # the order is open: refused, naming it
    assert "cannot be deleted" in c.last().text and f"#{order_id}" in c.last().text
    assert (await order_row(h, order_id)).phone == "+79990001122"

    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Reject")
    await mgr.click(card, "No masters available")
    await c.press(menu, "prvdel")
    ask = c.last()
    assert "cannot be undone" in ask.text
    await c.press(ask, "prvno")
    assert c.last().text == "Nothing was deleted."
    assert (await order_row(h, order_id)).phone == "+79990001122"

    await c.press(menu, "prvdel")
    await c.press(c.last(), "prvyes")
    assert "data is deleted" in c.last().text
    order = await order_row(h, order_id)
    assert (order.phone, order.address, order.description, order.status) == (
        "", None, "", "rejected")
    told = [m.text for m in h.session.to(DESK_CHAT) if "erased their personal data" in m.text]
    assert told and f"#{order_id}" in told[0] and "130" in told[0]
    assert "Lenina" not in card.text and "Olga" not in card.text  # the card was redrawn


async def test_privacy_mid_conversation_is_answered_in_his_language_with_the_draft(
        h: Harness) -> None:
    c = h.person(131, "Пётр", language="ru")
    await c.send("/new")
    await c.click(c.last(), "Сантехника")
    await c.send("Течёт кран на кухне")
    await c.send("/privacy")  # a command, not the next answer of the order conversation
    menu = c.last()
    assert "Ваши данные у нас" in menu.text and "7 дней" in menu.text
    await c.press(menu, "prvget")
    draft = exported(h)["conversation_in_progress"]
    assert draft["state"].startswith("NewOrder") and "Течёт кран" in json.dumps(
        draft["data"], ensure_ascii=False)


async def test_after_erasure_no_deadline_of_his_orders_writes_to_him(ctx, clock):
    """The review request and the warranty-end notice were still planned for him: they would
    have messaged a person who asked to be forgotten."""
    from bot.services.deadlines import fire_due

    order, _master = await completed(ctx)
    async with ctx.tx() as s:
        planned = (await s.scalars(select(Deadline.kind).where(
            Deadline.order_id == order.id, Deadline.state == "pending"))).all()
    assert set(planned) >= {"review", "warranty_end"}
    assert (await erase_my_data(ctx, CLIENT)).erased
    clock.advance(days=400)
    await fire_due(ctx)
    async with ctx.tx() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == CLIENT)) == 0
        assert (await s.scalars(select(Deadline.state).where(
            Deadline.order_id == order.id, Deadline.kind.in_(("review", "warranty_end"))))
        ).all() == ["cancelled", "cancelled"]
