"""Issue 9: what leaves the bot before Accept, in /export and through files (SPEC §6)."""

from __future__ import annotations

import csv
import io

import pytest
from aiogram.methods import CreateForumTopic, SendDocument
from sqlalchemy import text

from db.migrate import migrate
from db.models import Order
from tests.flowkit import DESK, Harness, harness
from tests.test_flows import MANAGER, approved_master, card_of, place_order

try:
    from conftest import make_order
except ImportError:  # tests/ became a package
    from tests.conftest import make_order


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


def topic_names(h: Harness) -> list[str]:
    return [c.name for c in h.session.calls if isinstance(c, CreateForumTopic)]


# --- item 2: the area before Accept ---------------------------------------------------------

@pytest.mark.parametrize(("address", "area", "leaks"), [
    ("ul. Marszałkowska 12/5, 00-001 Warszawa", "Warszawa", ("Marszałkowska", "12/5")),
    ("Lenina 5, flat 3, Moscow", "Moscow", ("Lenina", "flat")),
    ("Main street 5", "area not given", ("Main street",)),
])
async def test_offer_and_topic_title_show_the_locality_not_the_street(
        h: Harness, address: str, area: str, leaks: tuple[str, ...]) -> None:
    master = await approved_master(h, 200, "Ivan Petrov")
    c = h.person(110, "Kira")
    order_id = await place_order(h, c, address=address)
    title = topic_names(h)[-1]
    assert title == f"#{order_id} Plumbing — {area}"
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan Petrov")
    offer = master.last().text
    assert "New job offer" in offer and f"Area: {area}" in offer
    for leak in leaks:
        assert leak not in offer.replace(f"#{order_id}", "")
        assert leak not in title.replace(f"#{order_id}", "")


async def test_a_shared_location_is_shown_to_about_a_kilometre(h: Harness) -> None:
    c = h.person(111, "Boris")
    await c.send("/start")
    await c.click(c.last(), "New order")
    await c.click(c.last(), "Electrical")
    await c.send("No power in the bathroom")
    await c.click(c.last(), "Continue")
    await c.location(55.751244, 37.618423)
    await c.click(c.last(), "Urgent")
    await c.contact("+79991112233")
    await c.click(c.last(), "Cash after completion")
    await c.click(c.last(), "Confirm")
    assert topic_names(h)[-1].endswith(" — 55.75, 37.62")


async def test_areas_stored_by_the_old_rule_are_made_coarse(ctx, engine) -> None:
    """Orders placed before the fix kept the street as their area: the migration redoes it."""
    order = await make_order(ctx, 1001, address="Lenina 5, flat 3, Moscow")
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE orders SET area = 'Lenina 5' WHERE id = :id"),
                           {"id": order.id})
        await conn.execute(text("UPDATE alembic_version SET version_num = '0011'"))
    await migrate(engine)
    async with ctx.tx() as s:
        assert (await s.get(Order, order.id)).area == "Moscow"  # type: ignore[union-attr]


async def test_export_has_the_area_but_no_address_or_phone(h: Harness) -> None:
    c = h.person(112, "Zofia")
    await place_order(h, c, address="ul. Marszałkowska 12/5, 00-001 Warszawa")
    await h.manager(MANAGER).send("/export")
    sent = [call for call in h.session.calls if isinstance(call, SendDocument)]
    data = sent[-1].document.data.decode("utf-8-sig")  # type: ignore[union-attr]
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1][rows[0].index("area")] == "Warszawa"
    assert "Marszałkowska" not in data and "12/5" not in data and "00-001" not in data
    assert "999" not in data.replace(rows[1][1], "")  # the phone +79990001122 is not there


# --- item 7: CSV formula injection in /export -----------------------------------------------

async def test_export_neutralises_formulas(h: Harness) -> None:
    """OWASP CSV injection: a cell a spreadsheet would run as a formula starts with a quote."""
    master = await approved_master(h, 201, "@Ivan")
    c = h.person(113, "Olga")
    order_id = await place_order(h, c, address='Lenina 5, =HYPERLINK("http://x.io")')
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "@Ivan")
    await master.click(master.last(), "Accept")
    await h.manager(MANAGER).send("/export")
    sent = [call for call in h.session.calls if isinstance(call, SendDocument)]
    data = sent[-1].document.data.decode("utf-8-sig")  # type: ignore[union-attr]
    header, row = list(csv.reader(io.StringIO(data)))
    assert row[header.index("area")] == "'=HYPERLINK(\"http://x.io\")"
    assert row[header.index("master")] == "'@Ivan"
    assert '"\'=HYPERLINK(""http://x.io"")"' in data and '"\'@Ivan"' in data  # quoted too
    assert row[header.index("order")] == str(order_id)  # plain cells stay as they are


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_trigger_is_neutralised(value: str) -> None:
    from bot.services.reports import csv_cell

    assert csv_cell(value) == "'" + value
    assert csv_cell("a" + value) == "a" + value


# --- item 10: /find treats % and _ as text --------------------------------------------------

async def test_find_escapes_like_wildcards(ctx) -> None:
    from bot.services.reports import find_orders

    try:
        from conftest import DESK as DESK_ACTOR
    except ImportError:
        from tests.conftest import DESK as DESK_ACTOR
    a = await make_order(ctx, 1001, address="Lenina 5, Moscow")
    b = await make_order(ctx, 1002, address="Nowy Świat 5, Warszawa")
    for query in ("%", "%%", "__", "_%_", "/%", "\\%", "%/"):
        assert await find_orders(ctx, DESK_ACTOR, query) == [], query
    assert [o.id for o in await find_orders(ctx, DESK_ACTOR, "enin")] == [a.id]
    assert [o.id for o in await find_orders(ctx, DESK_ACTOR, "y Św")] == [b.id]
    odd = await make_order(ctx, 1003, address="Plac 100%_/x, Kraków")  # literally there
    for query in ("100%", "%_/", "_/x"):
        assert [o.id for o in await find_orders(ctx, DESK_ACTOR, query)] == [odd.id], query


async def test_find_percent_in_the_desk_matches_nothing(h: Harness) -> None:
    await place_order(h, h.person(114, "Ann"))
    await place_order(h, h.person(115, "Bob"))
    mgr = h.manager(MANAGER)
    await mgr.send("/find __")
    assert h.session.last(DESK).text == "Nothing found for «__»."
    await mgr.send("/find %%")
    assert h.session.last(DESK).text == "Nothing found for «%%»."
    await mgr.send("/find lenin")
    assert h.session.last(DESK).text.startswith("2 orders found:")
