"""Amounts typed in the bot, end to end through the dispatcher (issue 12): read in the typing
person's locale, asked back when they can mean two things, echoed before they count."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Order, PriceItem, User
from tests.flows.test_flows import MANAGER, approved_master, card_of, place_order
from tests.support.flowkit import Harness, Person, harness


@pytest.fixture
async def h(db_url: str):  # type: ignore[no-untyped-def]
    async with harness(db_url, admin_ids=[MANAGER], currency="PLN") as h:
        yield h


async def _speaks(h: Harness, person: Person, locale: str) -> None:
    """As if he had chosen the language with /language."""
    async with h.app.ctx.tx() as s:
        user = await s.get(User, person.id)
        assert user is not None
        user.locale = locale


async def _amounts(h: Harness, order_id: int) -> list[tuple[str, int, str]]:
    async with h.app.ctx.tx() as s:
        rows = (await s.scalars(select(PriceItem).where(PriceItem.order_id == order_id)
                                .order_by(PriceItem.id))).all()
        return [(r.kind, r.amount, r.status) for r in rows]


async def _called(h: Harness, client: Person, master: Person) -> int:
    order_id = await place_order(h, client)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, master.name)
    await master.click(master.last(), "Accept")
    await master.click(master.last(), "I have called the client")
    return order_id


async def test_a_polish_master_types_12_50_and_sees_it_before_it_counts(h: Harness) -> None:
    client = h.person(140, "Vera")
    master = await approved_master(h, 240, "Paweł")
    order_id = await _called(h, client, master)
    await _speaks(h, master, "pl")
    job = master.last()
    await master.press(job, "qsend")
    assert "np. 150." in master.last().text  # the example in złoty, as Polish writes it

    await master.send("12,50")
    echo = master.last()
    assert echo.text.startswith("Wycena: <b>12,50\u00a0zł</b>")  # his format, before it counts
    assert await _amounts(h, order_id) == []
    assert echo.data("✏️ Zmień kwotę")  # a wrong amount can still be changed

    await master.press(echo, "qskip")
    assert await _amounts(h, order_id) == [("quote", 1250, "proposed")]  # grosze
    assert "PLN12.50" in client.last().text  # the English client reads it his way


async def test_twelve_comma_five_hundred_in_polish_is_asked_back(h: Harness) -> None:
    client = h.person(141, "Vera")
    master = await approved_master(h, 241, "Paweł")
    order_id = await _called(h, client, master)
    await _speaks(h, master, "pl")
    await master.press(master.last(), "qsend")

    await master.send("12,500")
    question = master.last()
    assert "<b>12,50\u00a0zł</b>" in question.text and "<b>12\u00a0500\u00a0zł</b>" in (
        question.text)
    assert question.buttons()[:2] == ["12,50\u00a0zł", "12\u00a0500\u00a0zł"]
    await master.click(question, "12\u00a0500\u00a0zł")
    assert question.buttons() == []  # answered once
    assert master.last().text.startswith("Wycena: <b>12\u00a0500\u00a0zł</b>")
    await master.press(master.last(), "qskip")
    assert await _amounts(h, order_id) == [("quote", 1_250_000, "proposed")]


async def test_an_english_master_is_asked_which_amount_he_meant(h: Harness) -> None:
    client = h.person(142, "Vera")
    master = await approved_master(h, 242, "Gleb")
    order_id = await _called(h, client, master)

    await master.press(master.last(), "qsend")
    await master.send("12,500")  # English grouping: twelve thousand five hundred, no question
    assert master.last().text.startswith("Quote: <b>PLN12,500</b>")
    await master.press(master.last(), "qskip")
    await client.click(client.last(), "Accept the quote")

    await master.click(master.last(), "Propose an extra")
    await master.send("Siphon")
    await master.send("1.500")  # 1.50, or 1,500 written the European way?
    first = master.last()
    assert "Did you mean <b>PLN1.50</b> or <b>PLN1,500</b>?" in first.text
    assert first.buttons() == ["PLN1.50", "PLN1,500", "✖️ Cancel"]
    await master.send("1.500")  # asked again: the first question's buttons are stale
    second = master.last()
    await master.click(first, "PLN1,500")
    assert h.session.alerts()[-1] == "This question is no longer open: type the amount again."
    assert await _amounts(h, order_id) == [("quote", 1_250_000, "accepted")]

    await master.click(second, "PLN1,500")
    assert master.last().text.startswith("Extra: Siphon — <b>PLN1,500</b>")
    assert await _amounts(h, order_id) == [("quote", 1_250_000, "accepted")]  # not yet
    await master.send("The old one is cracked")
    assert await _amounts(h, order_id) == [("quote", 1_250_000, "accepted"),
                                           ("extra", 150_000, "proposed")]
    assert "PLN1,500" in client.last().text


async def test_the_final_price_is_echoed_and_can_be_changed(h: Harness) -> None:
    client = h.person(143, "Vera")
    master = await approved_master(h, 243, "Gleb")
    order_id = await _called(h, client, master)
    await master.click(master.last(), "Done")
    await master.photo()
    await master.click(master.last(), "Continue")
    await master.send("twelve")
    assert master.last().text == "Type the amount as a number, for example 150 or 75.50."
    await master.send("1 250,5")  # only a decimal comma makes sense of it
    echo = master.last()
    assert echo.text.startswith("Final price: <b>PLN1,250.50</b>")
    await master.click(echo, "✏️ Change the amount")
    await master.send("600000")  # above the cap of one price in złoty
    assert master.last().text == "That is more than one price can be: at most PLN500,000."
    await master.send("900")
    await master.press(master.last(), "rwar", 2)
    await master.press(master.last(), "rskip")
    async with h.app.ctx.tx() as s:
        final = await s.scalar(select(Order.final_price).where(Order.id == order_id))
        quotes = await s.scalar(select(func.count()).select_from(PriceItem))
    assert (final, quotes) == (90_000, 0)
    assert "PLN900" in client.last().text


async def test_a_quote_typed_before_minor_units_is_asked_again(h: Harness) -> None:
    """A conversation saved before the upgrade held "2500.00" (major units): reading it as
    2500 grosze would quote a hundredth of the price, so the amount is asked again."""
    from aiogram.fsm.storage.base import StorageKey

    from fsm.states import Quote

    client = h.person(144, "Vera")
    master = await approved_master(h, 244, "Gleb")
    order_id = await _called(h, client, master)
    await master.press(master.last(), "qsend")
    await master.send("2500")
    note_step = master.last()
    key = StorageKey(bot_id=42, chat_id=master.id, user_id=master.id)
    await h.app.storage.set_state(key, Quote.note)
    await h.app.storage.set_data(key, {"quote": {"order_id": order_id, "amount": "2500.00"}})
    await master.press(note_step, "qskip")
    assert master.last().text.startswith("Type the amount as a number")
    assert await _amounts(h, order_id) == []
    await master.send("2500")
    await master.press(master.last(), "qskip")
    assert await _amounts(h, order_id) == [("quote", 250_000, "proposed")]
