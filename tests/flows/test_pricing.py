"""Quotes, extras, the price cap and the warranty [C 一.3, 五.2, 三.2; V; R §2].

Layer 1 (pure rules) first, then the use cases against a real database, then the rendering of
the completion act at its worst case.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from conftest import (
    DESK,
    audit,
    load_row,
    make_master,
    make_order,
    master_actor,
    outbox,
    row_counts,
)
from sqlalchemy import func, select

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.pricing import (
    ACCEPTED,
    DECLINED,
    EXTRA,
    MAX_ITEM,
    MAX_NOTES,
    PROPOSED,
    QUOTE,
    WITHDRAWN,
    PriceItemView,
    add_months,
    breakdown,
    can_decide,
    can_propose_extra,
    can_quote,
    check_final_price,
    check_text,
    check_warranty,
    parse_warranty,
    price_cap,
    warranty_choices,
)
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.services.base import Context
from bot.services.completion import report_completion
from bot.services.field import mark_contacted, resume_job, stop_job
from bot.services.offers import accept_offer, offer_order
from bot.services.pricing import (
    decide_extra,
    decide_quote,
    propose_extra,
    report_terms,
    send_quote,
)
from db.models import Order, PriceItem

# --- layer 1: the rules --------------------------------------------------------------------


def item(kind: str, amount: str, status: str, id_: int = 1, text: str = "") -> PriceItemView:
    return PriceItemView(id_, kind, text, int(Decimal(amount) * 100), None, status)  # kopecks


def test_no_cap_without_an_accepted_quote() -> None:
    assert price_cap([]) is None
    assert price_cap([item(QUOTE, "2000", PROPOSED), item(QUOTE, "1500", DECLINED)]) is None
    check_final_price(99_999_900, None)  # no cap: anything goes


def test_the_cap_is_the_accepted_quote_plus_approved_extras_only() -> None:
    items = [item(QUOTE, "1500", DECLINED, 1), item(QUOTE, "2000", ACCEPTED, 2),
             item(EXTRA, "500", ACCEPTED, 3), item(EXTRA, "300", PROPOSED, 4),
             item(EXTRA, "100", DECLINED, 5), item(EXTRA, "250.50", ACCEPTED, 6)]
    agreed = breakdown(items)
    assert agreed.quote is not None and agreed.quote.id == 2
    assert [e.id for e in agreed.extras] == [3, 6]
    assert agreed.cap == 275_050
    check_final_price(275_050, agreed.cap)  # the cap itself is allowed
    check_final_price(10_000, agreed.cap)
    with pytest.raises(InvalidInput) as e:
        check_final_price(275_051, agreed.cap)
    assert e.value.key == "error.price_above_cap" and e.value.params == {
        "cap": 275_050}


@pytest.mark.parametrize(("service_min", "choices"), [
    (1, list(range(1, 13))), (3, list(range(3, 13))), (0, list(range(1, 13))), (12, [12])])
def test_warranty_choices(service_min: int, choices: list[int]) -> None:
    assert warranty_choices(service_min) == choices


@pytest.mark.parametrize(("months", "service_min"), [(0, 1), (13, 1), (2, 3), (-1, 1)])
def test_warranty_refused(months: int, service_min: int) -> None:
    with pytest.raises(InvalidInput) as e:
        check_warranty(months, service_min)
    assert e.value.key == "error.warranty_range"
    assert e.value.params == {"min": max(service_min, 1), "max": 12}


def test_warranty_accepted_and_typed() -> None:
    assert check_warranty(3, 3) == 3 and check_warranty(12, 3) == 12
    assert parse_warranty(" 6 months", 3) == 6
    for bad in ("", "six", "2", "24"):
        with pytest.raises(InvalidInput):
            parse_warranty(bad, 3)


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2026, 3, 2), 3, date(2026, 6, 2)),
    (date(2026, 3, 2), 12, date(2027, 3, 2)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),  # a leap year
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
])
def test_add_months(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_texts_are_bounded() -> None:
    assert check_text("  a   tap  ", MAX_ITEM, one_line=True) == "a tap"
    assert check_text("line 1\nline 2 ", MAX_NOTES) == "line 1\nline 2"
    assert check_text("   ", MAX_NOTES, required=False) is None
    for bad in ("", " ", "x" * (MAX_ITEM + 1)):
        with pytest.raises(InvalidInput):
            check_text(bad, MAX_ITEM)


def test_who_may_quote_and_propose_when() -> None:
    with pytest.raises(NotAllowed) as e:
        can_quote(Status.ASSIGNED, False, [])  # not before the call
    assert e.value.key == "error.wrong_state"
    with pytest.raises(NotAllowed) as e:
        can_quote(Status.CONTACTED, True, [])
    assert e.value.key == "error.job_stopped"
    with pytest.raises(NotAllowed) as e:
        can_quote(Status.ON_SITE, False, [item(QUOTE, "10", ACCEPTED)])
    assert e.value.key == "error.quote_accepted"
    can_quote(Status.SCHEDULED, False, [item(QUOTE, "10", DECLINED)])  # replaced
    can_quote(Status.CONTACTED, False, [item(QUOTE, "10", PROPOSED)])
    with pytest.raises(NotAllowed) as e:
        can_propose_extra(Status.CONTACTED, False, [item(QUOTE, "10", PROPOSED)])
    assert e.value.key == "error.quote_needed"
    can_propose_extra(Status.ON_SITE, False, [item(QUOTE, "10", ACCEPTED)])
    with pytest.raises(NotAllowed):
        can_propose_extra(Status.AWAITING_CONFIRMATION, False, [item(QUOTE, "10", ACCEPTED)])


def test_a_proposal_is_answered_once() -> None:
    can_decide(Status.CONTACTED, False, item(QUOTE, "10", PROPOSED))
    with pytest.raises(Conflict):
        can_decide(Status.CONTACTED, False, item(QUOTE, "10", ACCEPTED))
    with pytest.raises(NotAllowed) as e:
        can_decide(Status.CONTACTED, False, item(QUOTE, "10", WITHDRAWN))
    assert e.value.key == "error.price_withdrawn"
    with pytest.raises(NotAllowed) as e:
        can_decide(Status.CONTACTED, True, item(EXTRA, "10", PROPOSED))
    assert e.value.key == "error.order_stopped"


# --- layer 2: the use cases ----------------------------------------------------------------

CLIENT = 100  # the client of every order here
OTHER_CLIENT = 101
PHOTOS = ["ph1"]


async def contacted(ctx: Context, service: str = "plumbing", client: int = CLIENT,
                    master_uid: int = 2001) -> tuple[int, Actor]:
    """An order whose master has called the client: (order id, the master)."""
    master = await make_master(ctx, master_uid, services=(service,))
    order = await make_order(ctx, client, service=service)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    await mark_contacted(ctx, master_actor(master), order.id)
    return order.id, master_actor(master)


async def items_of(ctx: Context, order_id: int) -> list[tuple[str, int, str]]:
    async with ctx.tx() as s:
        rows = (await s.scalars(select(PriceItem).where(PriceItem.order_id == order_id)
                                .order_by(PriceItem.id))).all()
        return [(r.kind, r.amount, r.status) for r in rows]


async def item_count(ctx: Context) -> int:
    async with ctx.tx() as s:
        return int(await s.scalar(select(func.count()).select_from(PriceItem)) or 0)


def kinds(box: list, kind: str) -> list:
    return [b for b in box if b[0] == kind]


async def test_only_the_assigned_master_quotes_after_the_call(ctx: Context) -> None:
    master = await make_master(ctx, 2001)
    other = master_actor(await make_master(ctx, 2002))
    order = await make_order(ctx, CLIENT)
    await offer_order(ctx, DESK, order.id, master.id)
    await accept_offer(ctx, master_actor(master), order.id)
    with pytest.raises(NotAllowed) as e:  # assigned, not yet called
        await send_quote(ctx, master_actor(master), order.id, 200_000)
    assert e.value.key == "error.wrong_state"
    await mark_contacted(ctx, master_actor(master), order.id)
    for stranger in (other, Actor(CLIENT), Actor(5555), DESK):
        with pytest.raises(NotAllowed):
            await send_quote(ctx, stranger, order.id, 200_000)
    await stop_job(ctx, Actor(CLIENT), order.id)
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed) as e:
        await send_quote(ctx, master_actor(master), order.id, 200_000)
    assert e.value.key == "error.job_stopped"
    assert await item_count(ctx) == 0 and await row_counts(ctx) == before
    await resume_job(ctx, DESK, order.id)
    await send_quote(ctx, master_actor(master), order.id, 200_000, "  labour  incl. ")
    async with ctx.tx() as s:
        quote = await s.scalar(select(PriceItem))
    assert quote is not None and (quote.kind, quote.item, quote.amount, quote.status) == (
        QUOTE, "labour incl.", 200_000, PROPOSED)


async def test_the_client_accepts_a_quote_once_and_it_cannot_be_replaced(ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    view = await send_quote(ctx, master, order_id, 200_000)
    quote = view.price_items[-1]
    box = await outbox(ctx)
    assert kinds(box, "client_quote") == [("client_quote", CLIENT, order_id,
                                           {"item_id": quote.id})]
    assert kinds(box, "desk_price")[-1][3] == {"item_id": quote.id, "event": PROPOSED}
    for stranger in (Actor(OTHER_CLIENT), Actor(master.user_id, master_id=master.master_id)):
        with pytest.raises(NotAllowed):
            await decide_quote(ctx, stranger, order_id, quote.id, True)
    view = await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, True)
    assert view.breakdown.cap == 200_000
    with pytest.raises(Conflict):  # a double tap
        await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, True)
    with pytest.raises(Conflict):  # the other button after the first
        await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, False)
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed) as e:
        await send_quote(ctx, master, order_id, 250_000)
    assert e.value.key == "error.quote_accepted"
    assert await row_counts(ctx) == before
    assert await items_of(ctx, order_id) == [(QUOTE, 200_000, ACCEPTED)]
    box = await outbox(ctx)
    assert kinds(box, "master_price") == [("master_price", master.user_id, order_id,
                                           {"item_id": quote.id})]
    assert kinds(box, "desk_price")[-1][3] == {"item_id": quote.id, "event": ACCEPTED}
    trail = [(a[0], a[1], a[2], a[5]) for a in await audit(ctx, order_id)]
    assert ("quote", master.user_id, "master", "2000.00") in trail
    assert ("quote_accepted", CLIENT, "client", "2000.00") in trail


async def test_a_declined_or_waiting_quote_is_replaced(ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    first = (await send_quote(ctx, master, order_id, 300_000)).price_items[-1]
    await decide_quote(ctx, Actor(CLIENT), order_id, first.id, False)
    second = (await send_quote(ctx, master, order_id, 250_000)).price_items[-1]
    third = (await send_quote(ctx, master, order_id, 240_000)).price_items[-1]
    assert await items_of(ctx, order_id) == [(QUOTE, 300_000, DECLINED),
                                             (QUOTE, 250_000, WITHDRAWN),
                                             (QUOTE, 240_000, PROPOSED)]
    with pytest.raises(NotAllowed) as e:  # the replaced one's buttons are dead
        await decide_quote(ctx, Actor(CLIENT), order_id, second.id, True)
    assert e.value.key == "error.price_withdrawn"
    view = await decide_quote(ctx, Actor(CLIENT), order_id, third.id, True)
    assert view.breakdown.cap == 240_000


async def test_no_extra_before_an_accepted_quote(ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    with pytest.raises(NotAllowed) as e:
        await propose_extra(ctx, master, order_id, "Siphon", 50_000, "Cracked")
    assert e.value.key == "error.quote_needed"
    await send_quote(ctx, master, order_id, 200_000)
    with pytest.raises(NotAllowed):  # proposed is not accepted
        await propose_extra(ctx, master, order_id, "Siphon", 50_000, "Cracked")
    assert await items_of(ctx, order_id) == [(QUOTE, 200_000, PROPOSED)]


async def accepted_quote(ctx: Context, order_id: int, master: Actor,
                         amount: str = "2000") -> None:
    quote = (await send_quote(ctx, master, order_id, int(Decimal(amount) * 100))).price_items[-1]
    await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, True)


async def test_extras_need_the_clients_own_approval(ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    other_order, other_master = await contacted(ctx, client=OTHER_CLIENT, master_uid=2002)
    await accepted_quote(ctx, order_id, master)
    with pytest.raises(NotAllowed):  # another master cannot propose on this job
        await propose_extra(ctx, other_master, order_id, "Siphon", 50_000, "Cracked")
    with pytest.raises(InvalidInput):
        await propose_extra(ctx, master, order_id, "x" * (MAX_ITEM + 1), 500, "Why")
    with pytest.raises(InvalidInput):
        await propose_extra(ctx, master, order_id, "Siphon", 50_000, "   ")
    view = await propose_extra(ctx, master, order_id, "Siphon", 50_000, "Cracked")
    siphon = view.price_items[-1]
    view = await propose_extra(ctx, master, order_id, "Valve", 30_000, "Leaks")
    valve = view.price_items[-1]  # several may wait at once
    assert [k for k in kinds(await outbox(ctx), "client_extra")] == [
        ("client_extra", CLIENT, order_id, {"item_id": siphon.id}),
        ("client_extra", CLIENT, order_id, {"item_id": valve.id})]
    before = await row_counts(ctx)
    with pytest.raises(NotAllowed):  # the other order's client
        await decide_extra(ctx, Actor(OTHER_CLIENT), order_id, siphon.id, True)
    with pytest.raises(NotFound):  # his own order, someone else's extra
        await decide_extra(ctx, Actor(OTHER_CLIENT), other_order, siphon.id, True)
    with pytest.raises(NotAllowed):  # the master cannot approve his own extra
        await decide_extra(ctx, master, order_id, siphon.id, True)
    with pytest.raises(NotFound):  # a quote's id is not an extra
        await decide_extra(ctx, Actor(CLIENT), order_id, view.price_items[0].id, True)
    assert await row_counts(ctx) == before
    view = await decide_extra(ctx, Actor(CLIENT), order_id, siphon.id, True)
    assert view.breakdown.cap == 250_000
    view = await decide_extra(ctx, Actor(CLIENT), order_id, valve.id, False)
    assert view.breakdown.cap == 250_000
    with pytest.raises(Conflict):
        await decide_extra(ctx, Actor(CLIENT), order_id, siphon.id, True)
    actions = [a[0] for a in await audit(ctx, order_id)]
    assert actions.count("extra") == 2 and "extra_accepted" in actions
    assert "extra_declined" in actions


async def test_the_final_price_cannot_exceed_the_quote_plus_approved_extras(
        ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    await accepted_quote(ctx, order_id, master)
    view = await propose_extra(ctx, master, order_id, "Siphon", 50_000, "Cracked")
    await decide_extra(ctx, Actor(CLIENT), order_id, view.price_items[-1].id, True)
    await propose_extra(ctx, master, order_id, "Valve", 30_000, "Leaks")  # unanswered
    assert (await report_terms(ctx, master, order_id)).cap == 250_000
    before = await row_counts(ctx)
    with pytest.raises(InvalidInput) as e:
        await report_completion(ctx, master, order_id, PHOTOS, 250_001,
                                warranty_months=3)
    assert e.value.key == "error.price_above_cap" and e.value.params["cap"] == 250_000
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.final_price, row.code_hash, row.warranty_months) == (
        "contacted", None, None, None)
    assert await row_counts(ctx) == before  # nothing stored, nobody told
    assert (await items_of(ctx, order_id))[-1][2] == PROPOSED
    await report_completion(ctx, master, order_id, PHOTOS, 250_000,
                            warranty_months=3, notes="Siphon replaced.\nDo not overtighten.")
    row = await load_row(ctx, Order, order_id)
    assert (row.status, row.final_price, row.warranty_months, row.report_notes) == (
        "awaiting_confirmation", 250_000, 3, "Siphon replaced.\nDo not overtighten.")
    assert (await items_of(ctx, order_id))[-1][2] == WITHDRAWN  # closed with the report
    code = kinds(await outbox(ctx), "client_code")[-1][3]
    assert set(code) == {"code", "done_at"}
    with pytest.raises(NotAllowed):  # after the report nothing more is agreed
        await propose_extra(ctx, master, order_id, "More", 100, "Why")


async def test_without_an_accepted_quote_there_is_no_cap(ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    await send_quote(ctx, master, order_id, 10_000)  # never answered
    assert (await report_terms(ctx, master, order_id)).cap is None
    await report_completion(ctx, master, order_id, PHOTOS, 900_000, warranty_months=1)
    assert (await load_row(ctx, Order, order_id)).final_price == 900_000


async def test_the_warranty_respects_the_service_minimum(ctx: Context) -> None:
    order_id, master = await contacted(ctx, service="furniture")
    terms = await report_terms(ctx, master, order_id)
    assert terms.warranty_min_months == 3  # [C 三.2] assembly
    before = await row_counts(ctx)
    for months in (0, 2, 13):
        with pytest.raises(InvalidInput) as e:
            await report_completion(ctx, master, order_id, PHOTOS, 10_000,
                                    warranty_months=months)
        assert e.value.key == "error.warranty_range" and e.value.params["min"] == 3
    assert await row_counts(ctx) == before
    assert (await load_row(ctx, Order, order_id)).status == "contacted"
    await report_completion(ctx, master, order_id, PHOTOS, 10_000, warranty_months=3)
    assert (await load_row(ctx, Order, order_id)).warranty_months == 3


async def test_report_terms_are_the_masters_own(ctx: Context) -> None:
    order_id, _master = await contacted(ctx)
    stranger = master_actor(await make_master(ctx, 2009))
    with pytest.raises(NotAllowed):
        await report_terms(ctx, stranger, order_id)
    with pytest.raises(NotAllowed):
        await report_terms(ctx, Actor(CLIENT), order_id)


async def test_no_answers_while_stopped_or_after_the_report(ctx: Context) -> None:
    order_id, master = await contacted(ctx)
    quote = (await send_quote(ctx, master, order_id, 200_000)).price_items[-1]
    await stop_job(ctx, Actor(CLIENT), order_id)
    with pytest.raises(NotAllowed) as e:
        await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, True)
    assert e.value.key == "error.order_stopped"
    await resume_job(ctx, DESK, order_id)
    await report_completion(ctx, master, order_id, PHOTOS, 10_000, warranty_months=1)
    with pytest.raises(NotAllowed) as e:
        await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, True)
    assert e.value.key == "error.wrong_state"


# --- rendering: the completion act at its longest ------------------------------------------

async def test_the_longest_act_fits_one_telegram_message(ctx: Context) -> None:
    from bot.i18n import make_i18n
    from bot.notify.messages import Target, compose
    from bot.notify.render import Renderer
    from bot.services.views import order_view
    from tests.support.flowkit import visible_length

    order_id, master = await contacted(ctx, service="appliances")
    quote = (await send_quote(ctx, master, order_id, 999_999_900,
                              "<q>" * 66)).price_items[-1]
    await decide_quote(ctx, Actor(CLIENT), order_id, quote.id, True)
    for n in range(10):
        view = await propose_extra(ctx, master, order_id, f"{n}<&>" * 50, 9_999_900,
                                   "<b>" * 166)
        await decide_extra(ctx, Actor(CLIENT), order_id, view.price_items[-1].id, True)
    await report_completion(ctx, master, order_id, PHOTOS, 1_000_000_000,
                            warranty_months=12, notes="&" * MAX_NOTES)
    payload = kinds(await outbox(ctx), "client_code")[-1][3]
    async with ctx.tx() as s:
        order = await order_view(s, await s.get(Order, order_id))
    i18n = make_i18n("en")
    renderer = Renderer(services={"appliances": {"en": "Appliance repair"}}, currency="RUB",
                        tz=ZoneInfo("Europe/Moscow"))
    with i18n.context(), i18n.use_locale("en"):
        draft = compose("client_code", payload, Target(CLIENT, None, "en", order, False),
                        renderer)
        card, _kb = renderer.card(order)
    assert visible_length(draft.text) <= 4096 and visible_length(card) <= 4096
    assert "<q>" not in draft.text and "&lt;q&gt;" in draft.text  # escaped, never raw
    assert "Agreed total: RUB10,999,989" in draft.text
    assert "Warranty: 12 months, until Mar 2, 2027" in draft.text
    assert draft.markup is not None and "Accept the work" in draft.markup.inline_keyboard[0][
        0].text


# --- layer 3: the dispatcher flow ----------------------------------------------------------

@pytest.fixture
async def h(db_url: str):  # type: ignore[no-untyped-def]
    from tests.flows.test_flows import MANAGER
    from tests.support.flowkit import harness

    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_quote_extra_cap_and_the_completion_act(h) -> None:  # type: ignore[no-untyped-def]
    import re
    from datetime import datetime

    from babel.dates import format_skeleton

    from tests.flows.test_flows import MANAGER, approved_master, card_of, place_order
    from tests.support.flowkit import DESK

    c = h.person(130, "Vera")
    master = await approved_master(h, 230, "Gleb")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Gleb")
    await master.click(master.last(), "Accept")
    job = master.last()
    assert "💬 Send a quote" not in job.buttons()  # not before the call
    await master.click(job, "I have called the client")
    assert "💬 Send a quote" in job.buttons()

    # a first quote, declined; a second one, accepted
    await master.click(job, "Send a quote")
    await master.send("a lot")
    assert "Type the amount as a number" in master.last().text
    await master.send("3 000")
    await master.click(master.last(), "Skip")
    assert "has been sent to the client" in master.last().text
    await c.click(c.last(), "Decline")
    assert "declined your quote of RUB3,000" in master.last().text
    await master.click(master.last(), "Send a quote")
    await master.send("2000")
    await master.send("Labour and <parts>")
    quote_msg = c.last()
    assert "quotes <b>RUB2,000</b>" in quote_msg.text
    assert "Labour and &lt;parts&gt;" in quote_msg.text
    await h.person(131, "Stranger").click_data(quote_msg, quote_msg.data("Accept the quote"))
    assert h.session.alerts()[-1] == "You cannot do this."
    await c.click(quote_msg, "Accept the quote")
    assert "You accepted the quote of RUB2,000" in c.last().text
    assert quote_msg.buttons() == []
    assert "accepted your quote of RUB2,000" in master.last().text
    assert "accepted the quote of RUB2,000" in h.session.to(DESK, thread)[-1].text
    assert "Quote: RUB2,000" in card.text and "(accepted)" in card.text

    # an extra, approved with one tap
    await master.click(master.last(), "Propose an extra")
    await master.send("Siphon")
    await master.send("five hundred")
    assert "Type the amount as a number" in master.last().text
    await master.send("500")
    await master.send("The old one is cracked")
    assert "sent to the client for approval" in master.last().text
    extra_msg = c.last()
    assert "Siphon" in extra_msg.text and "with this extra: RUB2,500" in extra_msg.text
    await c.click(extra_msg, "Approve the extra")
    assert "up to RUB2,500" in c.last().text
    assert "approved the extra «Siphon»" in master.last().text

    # the report: above the cap is refused at the price step, nothing typed is lost
    await master.click(master.last(), "Done")
    await master.photo()
    await master.click(master.last(), "Continue")
    await master.send("2 600")
    refusal = master.last()
    assert "cannot be more than RUB2,500" in refusal.text and "Propose an extra" in (
        refusal.text)
    assert (await h.app.storage.get_state(_key(master))) == "Report:price"
    await master.click(refusal, "Propose an extra")  # raise the cap from inside the report
    await master.send("Valve")
    await master.send("100")
    await master.send("Worn out")
    assert "Your report is kept" in master.last().text
    await c.click(c.last(), "Approve the extra")
    await master.send("2 600")
    assert "Warranty on the work" in master.last().text
    assert (await h.app.storage.get_data(_key(master)))["report"]["photos"]  # kept
    await master.press(master.last(), "rwar", 5)  # 6 months
    await master.send("Siphon and valve replaced")

    act = c.last()
    until = format_skeleton("yMMMd", add_months(datetime.now(h.app.renderer.tz).date(), 6),
                            locale="en")
    for line in ("Work: Plumbing", "Final price: RUB2,600", "Price breakdown:",
                 "• Quote: RUB2,000 — Labour and &lt;parts&gt;",
                 "• Extra: Siphon — RUB500", "• Extra: Valve — RUB100",
                 "Agreed total: RUB2,600", f"Warranty: 6 months, until {until}",
                 "Master's notes: Siphon and valve replaced"):
        assert line in act.text, (line, act.text)
    assert re.search(r"<b>(\d{6})</b>", act.text) and act.buttons() == ["✅ Accept the work"]
    async with h.app.ctx.tx() as s:
        row = await s.get(Order, order_id)
    assert row is not None and (row.status, row.final_price, row.warranty_months,
                                row.report_notes) == ("awaiting_confirmation",
                                                      260_000, 6,
                                                      "Siphon and valve replaced")
    assert "Warranty: 6 months" in card.text and "Extra: Valve" in card.text
    await c.click(act, "Accept the work")
    async with h.app.ctx.tx() as s:
        assert (await s.get(Order, order_id)).status == "completed"  # type: ignore[union-attr]


def _key(p):  # type: ignore[no-untyped-def]
    from aiogram.fsm.storage.base import StorageKey

    return StorageKey(bot_id=42, chat_id=p.id, user_id=p.id)
