"""Reviews (SPEC §2.3): once per order, a low mark needs a reason and alerts the desk, the
desk corrects but never deletes; the stars feed the masters' rating; a reminder asks once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.reviews import check_review
from bot.domain.rules import Actor
from bot.services.completion import accept_work, report_completion
from bot.services.deadlines import fire_due
from bot.services.matching import master_stats
from bot.services.offers import accept_offer, offer_order
from bot.services.reviews import correct_review, leave_review
from db.models import AuditEntry, Review
from tests.flows.test_flows import MANAGER, assigned_job, file_report, order_row
from tests.support.flowkit import DESK as DESK_CHAT
from tests.support.flowkit import Harness, harness

try:
    from conftest import DESK, make_master, make_order, master_actor, outbox
except ImportError:  # tests/ became a package
    from tests.conftest import DESK, make_master, make_order, master_actor, outbox

CLIENT = 1001


def kinds(box: list, kind: str) -> list:
    return [r for r in box if r[0] == kind]


@pytest.mark.parametrize("stars,comment", [(0, "x"), (6, None), (1, None), (2, "no"),
                                           (5, "/start"), (4, "x" * 1001)])
def test_bad_reviews_are_refused(stars: int, comment: str | None) -> None:
    with pytest.raises(InvalidInput):
        check_review(stars, comment)


def test_a_good_review_needs_no_comment() -> None:
    assert check_review(5, None) is None
    assert check_review(1, "  Came  three hours late ") == "Came three hours late"


async def completed(ctx, master_uid: int = 2001, client: int = CLIENT):
    master = await make_master(ctx, master_uid)
    order = await make_order(ctx, client)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    await report_completion(ctx, master_actor(master), order.id, ["p"], 10_000,
                            warranty_months=3)
    await accept_work(ctx, Actor(client), order.id)
    return order, master


async def test_one_review_per_order_from_its_client_and_the_desk_is_alerted(ctx, clock):
    order, master = await completed(ctx)
    with pytest.raises(NotAllowed):  # someone else cannot rate it
        await leave_review(ctx, Actor(4242), order.id, 5, None)
    with pytest.raises(InvalidInput):  # 2 stars without a reason
        await leave_review(ctx, Actor(CLIENT), order.id, 2, None)
    await leave_review(ctx, Actor(CLIENT), order.id, 2, "Left a mess behind")
    with pytest.raises(Conflict):
        await leave_review(ctx, Actor(CLIENT), order.id, 5, None)
    async with ctx.tx() as s:
        rows = (await s.scalars(select(Review))).all()
    assert [(r.order_id, r.master_id, r.service, r.stars, r.comment) for r in rows] == [
        (order.id, master.id, "plumbing", 2, "Left a mess behind")]
    box = await outbox(ctx)
    assert kinds(box, "desk_review") == [("desk_review", None, order.id, {
        "stars": 2, "comment": "Left a mess behind", "alert": True})]
    assert kinds(box, "master_review")[0][1] == master.user_id
    # the review is in: the reminder that would ask for it never fires
    clock.advance(hours=3)
    assert await fire_due(ctx) == 0
    stats = await master_stats(ctx, master.id, "plumbing")
    assert (stats.reviews, stats.jobs_done) == (1, 1)


async def test_reviews_only_after_completion(ctx):
    master = await make_master(ctx, 2001)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    with pytest.raises(NotAllowed):
        await leave_review(ctx, Actor(CLIENT), order.id, 5, None)


async def test_the_reminder_asks_once_when_there_is_no_review(ctx, clock):
    order, _master = await completed(ctx)
    clock.advance(hours=2, minutes=1)
    assert await fire_due(ctx) == 1
    asks = [r for r in kinds(await outbox(ctx), "client_sla") if r[3]["kind"] == "review"]
    assert [(r[1], r[2]) for r in asks] == [(CLIENT, order.id)]
    clock.advance(days=2)
    assert await fire_due(ctx) == 0


async def test_the_desk_corrects_the_text_and_the_old_one_is_kept(ctx):
    order, _master = await completed(ctx)
    with pytest.raises(NotAllowed):
        await correct_review(ctx, DESK, order.id, "nothing to correct yet")
    await leave_review(ctx, Actor(CLIENT), order.id, 4, "Good, but phone number 123")
    with pytest.raises(NotAllowed):
        await correct_review(ctx, Actor(CLIENT), order.id, "edited by me")
    await correct_review(ctx, DESK, order.id, "Good work")
    async with ctx.tx() as s:
        review = await s.scalar(select(Review))
        old = await s.scalar(select(AuditEntry.reason).where(
            AuditEntry.action == "review_corrected"))
        count = await s.scalar(select(func.count()).select_from(Review))
    assert (review.comment, review.stars, old, count) == (
        "Good work", 4, "Good, but phone number 123", 1)


# --- the conversation ------------------------------------------------------------------------

@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_the_client_rates_from_the_completion_message(h: Harness) -> None:
    c = h.person(130, "Ola")
    order_id, master, card, thread = await assigned_job(h, c, 230, "Marek")
    await file_report(master)
    await c.click(c.last(), "Accept the work")
    thanks = c.last()
    assert "Rate the work" in thanks.text and thanks.buttons() == [
        "1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]
    five = thanks.data("5⭐")
    await c.click(thanks, "1⭐")
    assert "tell us what went wrong" in c.last().text
    await c.photo()  # not text: asked again, nothing stored
    await c.send("ok")  # too short for a reason: asked again
    assert "what went wrong" in c.last().text
    async with h.app.ctx.tx() as s:
        assert await s.scalar(select(func.count()).select_from(Review)) == 0
    await c.send("Water on the floor <everywhere>")
    assert "Thank you for your review" in c.last().text
    alert = h.session.to(DESK_CHAT, thread)[-1].text
    assert alert.startswith("🚨 Quality alert") and "&lt;everywhere&gt;" in alert
    assert "rated your work" in master.last().text
    assert "Review: ★☆☆☆☆" in card.text
    await c.click_data(thanks, five)  # a replayed tap: one review per order
    assert any("already has your review" in a for a in h.session.alerts())
    await h.manager(MANAGER).send(f"/review {order_id} Water on the floor")
    assert "corrected" in h.session.last(DESK_CHAT).text
    assert (await order_row(h, order_id)).status == "completed"


async def test_the_master_rates_the_client_once(ctx):
    from bot.services.reviews import rate_client

    order, master = await completed(ctx)
    other = await make_master(ctx, 2002)
    for actor in (master_actor(other), Actor(CLIENT), DESK):
        with pytest.raises(NotAllowed):
            await rate_client(ctx, actor, order.id, 4)
    with pytest.raises(InvalidInput):
        await rate_client(ctx, master_actor(master), order.id, 9)
    await rate_client(ctx, master_actor(master), order.id, 2)
    with pytest.raises(Conflict):
        await rate_client(ctx, master_actor(master), order.id, 5)
    async with ctx.tx() as s:
        from db.models import Order

        assert (await s.get(Order, order.id)).client_stars == 2
    assert kinds(await outbox(ctx), "desk_client_rated") == [
        ("desk_client_rated", None, order.id, {"stars": 2, "alert": True})]


async def test_the_master_rates_the_client_after_the_code(h: Harness) -> None:
    import re

    c = h.person(131, "Iga")
    order_id, master, card, thread = await assigned_job(h, c, 231, "Tomasz")
    await file_report(master)
    code = re.search(r"<b>(\d{6})</b>", c.last().text).group(1)  # type: ignore[union-attr]
    await master.send(code)
    done = master.last()
    assert "is completed" in done.text and "How was the client?" in done.text
    await master.click(done, "4⭐")
    assert (await order_row(h, order_id)).client_stars == 4
    assert "The master rated the client: ★★★★☆" in card.text
