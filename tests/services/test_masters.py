"""The masters' register and matching, as services: verification with questions, profile and
duty, blocking, the discipline record, the ranking and Auto offers down the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.masters import (
    Candidate,
    Discipline,
    bayesian,
    check_tax_id,
    next_for_auto,
    rank,
)
from bot.domain.rules import Actor
from bot.services.blocking import block_master, set_client_blocked, unblock_master
from bot.services.deadlines import fire_due
from bot.services.field import mark_contacted
from bot.services.master_requests import ask, decide_release, take_away
from bot.services.masters import (
    answer_desk,
    apply_master,
    ask_applicant,
    decide_master,
    update_profile,
    verification_queue,
)
from bot.services.matching import auto_offer, candidates, master_record
from bot.services.offers import accept_offer, decline_offer, offer_order
from db.models import AuditEntry, Master, Order, Review

try:
    from conftest import (
        DESK,
        application,
        load_row,
        make_client,
        make_master,
        make_order,
        master_actor,
        offers_of,
        outbox,
        row_counts,
    )
except ImportError:  # tests/ became a package
    from tests.conftest import (
        DESK,
        application,
        load_row,
        make_client,
        make_master,
        make_order,
        master_actor,
        offers_of,
        outbox,
        row_counts,
    )

CLIENT = 1001
STRANGER = Actor(5555)


def kinds(box: list, kind: str) -> list:
    return [r for r in box if r[0] == kind]


# --- domain ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,clean", [("7707083893", "7707083893"),
                                       ("123-456-78-90", "1234567890"),
                                       ("91350211m000100y43", "91350211M000100Y43"),
                                       ("CZ 12345678", "CZ12345678")])
def test_tax_ids_are_cleaned(raw: str, clean: str) -> None:
    assert check_tax_id(raw) == clean


@pytest.mark.parametrize("raw", ["", "1234567", "ABCDEFGHIJ", "1" * 21, "12345678!"])
def test_bad_tax_ids_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        check_tax_id(raw)


def test_bayesian_average_pulls_few_reviews_to_the_category_mean() -> None:
    one_five = bayesian(5, 1, prior=4.0)
    many = bayesian(48 * 5 + 2 * 4, 50, prior=4.0)
    assert one_five == pytest.approx((5 * 4 + 5) / 6)
    assert many > one_five  # fifty good reviews beat a single five


def _c(mid: int, **kw: object) -> Candidate:
    base: dict = dict(master_id=mid, name=f"M{mid}", serves_district=True, on_duty=True,
                      load=0, rating=4.0, reviews=0, jobs_done=0)
    base.update(kw)
    return Candidate(**base)


def test_ranking_order_of_the_criteria() -> None:
    ranked = rank([
        _c(1, serves_district=False),
        _c(2, on_duty=False),
        _c(3, load=2),
        _c(4, rating=4.9, reviews=10),
        _c(5, jobs_done=30),
        _c(6, discipline=Discipline(releases=2)),
        _c(7, tried=True),
    ])
    assert [c.master_id for c in ranked] == [4, 5, 6, 3, 7, 2, 1]
    # Auto takes only masters on duty, serving the district, not tried before
    assert next_for_auto([_c(1, on_duty=False), _c(2, tried=True),
                          _c(3, serves_district=False)]) is None
    assert next_for_auto([_c(1, on_duty=False), _c(9, serves_district=None)]).master_id == 9


# --- verification ------------------------------------------------------------------------------

async def test_the_desk_asks_for_more_and_the_answer_returns_to_the_card(ctx):
    await make_client(ctx, 2001)
    m = await apply_master(ctx, 2001, application())
    box = await outbox(ctx)
    assert [r[0] for r in box] == ["master_card", "master_docs"]
    assert box[1][3]["files"] == ["photo:passport-1"]  # the documents go to the desk

    assert [x.id for x in await verification_queue(ctx, DESK)] == [m.id]
    with pytest.raises(NotAllowed):
        await verification_queue(ctx, STRANGER)
    with pytest.raises(NotAllowed):
        await ask_applicant(ctx, master_actor(m), m.id, "Show your certificate")
    with pytest.raises(InvalidInput):
        await ask_applicant(ctx, DESK, m.id, "   ")

    await ask_applicant(ctx, DESK, m.id, "Please send your <gas> certificate")
    question = kinds(await outbox(ctx), "master_question")
    assert question == [("master_question", 2001, None, {
        "master_id": m.id, "question": "Please send your <gas> certificate"})]
    with pytest.raises(InvalidInput):
        await answer_desk(ctx, 2001, "  ", [])
    cert = "document:cert-7:application/pdf:gas certificate.pdf"
    with pytest.raises(InvalidInput):  # only PDF, JPEG and PNG files, checked again here
        await answer_desk(ctx, 2001, "Here", ["document:x-1:application/x-msdownload:a.exe"])
    answered = await answer_desk(ctx, 2001, "Here it is", [cert])
    assert answered.answer == "Here it is"
    assert answered.documents == ("photo:passport-1", cert)
    box = await outbox(ctx)
    assert kinds(box, "desk_master_answer")[0][3]["answer"] == "Here it is"
    assert kinds(box, "master_docs")[-1][3]["files"] == [cert]
    assert box[-1][0] == "master_card"  # the card is redrawn with the answer

    # a stranger with no application, or after the decision, cannot answer
    with pytest.raises(NotFound):
        await answer_desk(ctx, 4242, "hi", [])
    await decide_master(ctx, DESK, m.id, True)
    with pytest.raises(Conflict):
        await answer_desk(ctx, 2001, "more", [])
    with pytest.raises(Conflict):
        await ask_applicant(ctx, DESK, m.id, "one more?")
    assert (await load_row(ctx, Master, m.id)).verified is True


async def test_rejection_needs_a_reason_and_tells_it(ctx):
    m = await make_master(ctx, 2001, approve=None)
    with pytest.raises(InvalidInput):
        await decide_master(ctx, DESK, m.id, False)
    with pytest.raises(InvalidInput):
        await decide_master(ctx, DESK, m.id, False, "i do not like him")
    assert (await load_row(ctx, Master, m.id)).status == "pending"
    rejected = await decide_master(ctx, DESK, m.id, False, "tax_id")
    assert (rejected.status, rejected.reject_reason) == ("rejected", "tax_id")
    assert kinds(await outbox(ctx), "master_decision")[-1][3] == {
        "master_id": m.id, "approved": False, "reason": "tax_id"}


async def test_a_rejected_applicant_waits_out_the_cool_down_before_applying_again(ctx, clock):
    await make_client(ctx, 2001)
    m = await apply_master(ctx, 2001, application())
    clock.advance(hours=1)
    await decide_master(ctx, DESK, m.id, False, "documents")
    clock.advance(hours=23, minutes=59)  # REAPPLY_COOLDOWN_HOURS defaults to 24
    with pytest.raises(NotAllowed) as refused:
        await apply_master(ctx, 2001, application())
    assert refused.value.key == "error.reapply_cooldown"
    assert refused.value.params["until"] == clock.now + timedelta(minutes=1)
    assert (await load_row(ctx, Master, m.id)).status == "rejected"  # nothing changed
    clock.advance(minutes=1)
    again = await apply_master(ctx, 2001, application())
    assert again.status == "pending"
    ctx.policy.reapply_cooldown = timedelta(0)  # 0 turns the cool-down off
    await decide_master(ctx, DESK, m.id, False, "documents")
    assert (await apply_master(ctx, 2001, application())).status == "pending"


async def test_districts_must_come_from_the_city_list(ctx):
    ctx.policy.districts = ("Centre", "North")
    await make_client(ctx, 2001)
    with pytest.raises(InvalidInput):  # the city has districts: at least one is needed
        await apply_master(ctx, 2001, application())
    with pytest.raises(InvalidInput):
        await apply_master(ctx, 2001, application(districts=("Mars",)))
    m = await apply_master(ctx, 2001, application(districts=("North", "Centre")))
    assert m.districts == ("Centre", "North")  # in the city's order


# --- profile -----------------------------------------------------------------------------------

async def test_profile_duty_services_districts_photo(ctx):
    ctx.policy.districts = ("Centre", "North")
    m = await make_master(ctx, 2001, districts=("Centre",))
    off = await update_profile(ctx, 2001, on_duty=False)
    assert off.on_duty is False
    with pytest.raises(InvalidInput):
        await update_profile(ctx, 2001, services=[])
    with pytest.raises(InvalidInput):
        await update_profile(ctx, 2001, services=["astrology"])
    with pytest.raises(InvalidInput):
        await update_profile(ctx, 2001, districts=["Mars"])
    changed = await update_profile(ctx, 2001, services=["electrical", "plumbing"],
                                   districts=["North"], photo="face-1")
    assert (changed.services, changed.districts, changed.photo) == (
        ("electrical", "plumbing"), ("North",), "face-1")
    with pytest.raises(NotFound):
        await update_profile(ctx, 4242, on_duty=True)
    async with ctx.tx() as s:
        actions = (await s.scalars(select(AuditEntry.reason).where(
            AuditEntry.master_id == m.id, AuditEntry.action == "profile"))).all()
    assert "off_duty" in actions[0]


# --- blocking ------------------------------------------------------------------------------------

async def test_block_takes_back_offers_alerts_the_desk_and_freezes_the_master(ctx):
    m = await make_master(ctx, 2001)
    job = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, job.id, m.id)
    await accept_offer(ctx, master_actor(m), job.id)
    offered = await make_order(ctx, 1002)
    await offer_order(ctx, DESK, offered.id, m.id)

    with pytest.raises(NotAllowed):
        await block_master(ctx, master_actor(m), m.id, "fraud")
    with pytest.raises(InvalidInput):
        await block_master(ctx, DESK, m.id, "  ")
    touched = await block_master(ctx, DESK, m.id, "Rude to a client")
    assert sorted(touched) == sorted([job.id, offered.id])
    with pytest.raises(Conflict):
        await block_master(ctx, DESK, m.id, "again")

    row = await load_row(ctx, Order, offered.id)
    assert (row.status, row.offered_master_id) == ("submitted", None)
    assert await offers_of(ctx, offered.id) == [(m.id, "withdrawn")]
    box = await outbox(ctx)
    notes = {(r[2], r[3]["note"]) for r in kinds(box, "desk_note")}
    assert {(offered.id, "offer_blocked"), (job.id, "master_blocked")} <= notes
    assert kinds(box, "master_blocked")[0][3]["reason"] == "Rude to a client"

    blocked = Actor(2001, master_id=m.id, blocked=True)
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed) as err:
        await mark_contacted(ctx, blocked, job.id)
    assert err.value.key == "error.master_blocked"
    with pytest.raises(NotAllowed):
        await ask(ctx, blocked, job.id, "release", "illness")
    with pytest.raises(InvalidInput):  # no new offers to him
        await offer_order(ctx, DESK, offered.id, m.id)
    assert await row_counts(ctx) == before

    # the desk takes the job away: back to matching, the client told
    with pytest.raises(NotAllowed):
        await take_away(ctx, STRANGER, job.id)
    back = await take_away(ctx, DESK, job.id)
    assert (back.status, back.master_id) == ("submitted", None)
    assert kinds(await outbox(ctx), "client_rematch")[-1][2] == job.id

    unblocked = await unblock_master(ctx, DESK, m.id)
    assert unblocked.blocked is False
    with pytest.raises(Conflict):
        await unblock_master(ctx, DESK, m.id)
    other = await make_master(ctx, 2002)
    j2 = await make_order(ctx, 1003)
    await offer_order(ctx, DESK, j2.id, other.id)
    await accept_offer(ctx, master_actor(other), j2.id)
    with pytest.raises(NotAllowed):  # only a blocked master's job can be taken away
        await take_away(ctx, DESK, j2.id)


# --- discipline and the client's view of the master --------------------------------------------

async def test_discipline_counts_declines_expiries_releases_and_late_callbacks(ctx, clock):
    m = await make_master(ctx, 2001)
    actor = master_actor(m)
    o1 = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, o1.id, m.id)
    await decline_offer(ctx, actor, o1.id)
    await offer_order(ctx, DESK, o1.id, m.id)
    clock.advance(minutes=16)
    await fire_due(ctx)  # the offer expires
    assert (await load_row(ctx, Order, o1.id)).status == "submitted"
    await offer_order(ctx, DESK, o1.id, m.id)
    await accept_offer(ctx, actor, o1.id)
    clock.advance(hours=2, minutes=1)
    await fire_due(ctx)  # the callback is late
    await ask(ctx, actor, o1.id, "release", "illness")
    await decide_release(ctx, DESK, o1.id, True)
    _stats, record = await master_record(ctx, m.id)
    assert record == Discipline(late_callbacks=1, missed_arrivals=0, releases=1, declined=2)


async def test_client_gets_the_masters_card_with_rating_and_jobs(ctx):
    m = await make_master(ctx, 2001)
    await update_profile(ctx, 2001, photo="face-1")
    done = await make_order(ctx, 1002)
    async with ctx.tx() as s:
        order = await s.get(Order, done.id)
        order.status, order.master_id = "completed", m.id
        s.add(Review(order_id=done.id, master_id=m.id, service="plumbing", stars=5,
                     created_at=order.created_at))
    job = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, job.id, m.id)
    await accept_offer(ctx, master_actor(m), job.id)
    card = kinds(await outbox(ctx), "client_assigned")[0]
    assert card[1] == CLIENT
    assert card[3] == {"photo": "face-1", "verified": True, "rating": 5.0, "reviews": 1,
                       "jobs": 1}


# --- ranking and Auto -------------------------------------------------------------------------

async def _with_review(ctx, master_id: int, stars: int, client: int) -> None:
    o = await make_order(ctx, client)
    async with ctx.tx() as s:
        order = await s.get(Order, o.id)
        order.status, order.master_id = "completed", master_id
        s.add(Review(order_id=o.id, master_id=master_id, service="plumbing", stars=stars,
                     created_at=order.created_at))


async def test_candidates_rank_by_district_duty_load_and_rating(ctx):
    ctx.policy.districts = ("Centre", "North")
    far = await make_master(ctx, 2001, districts=("North",))
    resting = await make_master(ctx, 2002, districts=("Centre",))
    await update_profile(ctx, 2002, on_duty=False)
    good = await make_master(ctx, 2003, districts=("Centre",))
    best = await make_master(ctx, 2004, districts=("Centre", "North"))
    await make_master(ctx, 2005, districts=("Centre",), approve=None)  # not verified
    for i in range(3):
        await _with_review(ctx, best.id, 5, 3000 + i)
    await _with_review(ctx, good.id, 3, 3100)
    order = await make_order(ctx, CLIENT, district="Centre")
    assert (await load_row(ctx, Order, order.id)).area == "Centre"  # the topic names it
    ranked = (await candidates(ctx, DESK, order.id)).candidates
    assert [c.master_id for c in ranked] == [best.id, good.id, resting.id, far.id]
    top = ranked[0]
    assert (top.serves_district, top.on_duty, top.reviews, top.jobs_done) == (True, True, 3, 3)
    assert ranked[-1].serves_district is False
    with pytest.raises(NotAllowed):
        await candidates(ctx, STRANGER, order.id)


async def test_auto_goes_down_the_list_on_decline_and_expiry_then_returns(ctx, clock):
    a = await make_master(ctx, 2001)
    b = await make_master(ctx, 2002)
    c = await make_master(ctx, 2003)
    await update_profile(ctx, 2003, on_duty=False)  # off duty: Auto skips him
    await _with_review(ctx, a.id, 5, 3000)
    order = await make_order(ctx, CLIENT)
    with pytest.raises(NotAllowed):
        await auto_offer(ctx, STRANGER, order.id)

    await auto_offer(ctx, DESK, order.id)
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id, row.auto_offer) == ("offered", a.id, True)
    await decline_offer(ctx, master_actor(a), order.id)  # → the next one at once
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id) == ("offered", b.id)
    box = await outbox(ctx)
    assert kinds(box, "master_offer")[-1][1] == b.user_id
    assert ("offered", "Master 2002", True) in {
        (r[3]["note"], r[3].get("master"), r[3].get("auto")) for r in kinds(box, "desk_note")}

    clock.advance(minutes=16)
    assert await fire_due(ctx) >= 1  # b lets it expire; nobody on duty is left
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id, row.auto_offer) == ("submitted", None, False)
    assert await offers_of(ctx, order.id) == [(a.id, "declined"), (b.id, "expired")]
    assert kinds(await outbox(ctx), "desk_note")[-1][3]["note"] == "auto_exhausted"
    assert c.id not in [m for m, _ in await offers_of(ctx, order.id)]

    with pytest.raises(InvalidInput):  # nothing left for Auto; the desk picks by hand
        await auto_offer(ctx, DESK, order.id)
    await offer_order(ctx, DESK, order.id, c.id)
    assert (await load_row(ctx, Order, order.id)).auto_offer is False


async def test_offer_expiry_without_auto_returns_to_the_desk(ctx, clock):
    a = await make_master(ctx, 2001)
    await make_master(ctx, 2002)
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, a.id)
    clock.advance(minutes=16)
    await fire_due(ctx)
    row = await load_row(ctx, Order, order.id)
    assert (row.status, row.offered_master_id) == ("submitted", None)
    assert [m for m, _ in await offers_of(ctx, order.id)] == [a.id]  # nobody else offered
    assert timedelta(0) <= clock() - row.updated_at


async def test_auto_spreads_offers_instead_of_piling_them_on_the_best_master(ctx):
    best = await make_master(ctx, 2001)
    other = await make_master(ctx, 2002)
    await _with_review(ctx, best.id, 5, 3000)
    first = await make_order(ctx, CLIENT)
    second = await make_order(ctx, 1002)
    await auto_offer(ctx, DESK, first.id)
    await auto_offer(ctx, DESK, second.id)
    assert (await load_row(ctx, Order, first.id)).offered_master_id == best.id
    assert (await load_row(ctx, Order, second.id)).offered_master_id == other.id
    ranked = (await candidates(ctx, DESK, second.id)).candidates
    assert {c.master_id: c.offered for c in ranked} == {best.id: 1, other.id: 0}


async def test_a_blocked_client_places_no_new_orders(ctx):
    from bot.services.orders import submit_order
    from bot.services.relay import write_to_desk
    from db.models import User

    try:
        from conftest import complete_draft
    except ImportError:  # tests/ became a package
        from tests.conftest import complete_draft

    order = await make_order(ctx, CLIENT)
    with pytest.raises(NotAllowed):
        await set_client_blocked(ctx, Actor(CLIENT), order.id, True, "spam")
    with pytest.raises(InvalidInput):
        await set_client_blocked(ctx, DESK, order.id, True, " ")
    assert await set_client_blocked(ctx, DESK, order.id, True, "False orders") == CLIENT
    with pytest.raises(Conflict):
        await set_client_blocked(ctx, DESK, order.id, True, "again")
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed) as err:
        await submit_order(ctx, CLIENT, complete_draft())
    assert err.value.key == "error.client_blocked"
    assert (await row_counts(ctx))["orders"] == before["orders"]
    assert await write_to_desk(ctx, Actor(CLIENT), order.id, "text", "Why?") == "client"
    assert kinds(await outbox(ctx), "client_blocked")[0][3] == {"blocked": True,
                                                                 "reason": "False orders"}
    await set_client_blocked(ctx, DESK, order.id, False)
    assert (await load_row(ctx, User, CLIENT)).blocked is False
    await submit_order(ctx, CLIENT, complete_draft())
