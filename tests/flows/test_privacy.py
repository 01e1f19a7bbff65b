"""Issue 9: what leaves the bot before Accept, in /export and through files (SPEC §6)."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from aiogram.methods import CreateForumTopic, SendDocument
from sqlalchemy import select, text

from db.models import Master, Order, OutboxMessage
from tests.flows.test_flows import MANAGER, approved_master, card_of, place_order
from tests.support.flowkit import DESK, Harness, Person, harness

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
    migration = importlib.import_module("db.migrations.versions.0014_coarse_areas")
    async with engine.begin() as conn:
        await conn.run_sync(migration.recompute_areas)
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
    from bot.services.figures import csv_cell

    assert csv_cell(value) == "'" + value
    assert csv_cell("a" + value) == "a" + value


# --- item 10: /find treats % and _ as text --------------------------------------------------

async def test_find_escapes_like_wildcards(ctx) -> None:
    from bot.services.figures import find_orders

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


# --- item 11: only photos, PDF, JPEG and PNG as documents -----------------------------------

REFUSED = "is not accepted"
EXE = [("passport.pdf.exe", "application/x-msdownload"),
       ("passport.pdf.exe", "application/pdf"),  # a client may claim any type
       ("passport.pdf", "application/x-msdownload"),
       ("passport", "application/pdf"),
       (None, "application/pdf")]


async def to_documents(h: Harness, uid: int, name: str) -> Person:
    m = h.person(uid, name)
    await m.send("/become_master")
    await m.send(name)
    await m.contact("+48 111 222 333")
    await m.click(m.last(), "Self-employed")
    await m.send("770-708-3893")
    await m.click(m.last(), "Plumbing")
    await m.click(m.last(), "Done")
    assert "Send your documents" in m.last().text
    return m


def desk_files(h: Harness) -> list[str]:
    """Every file id posted in the desk, alone or in an album."""
    return [str(x.params.get("document") or x.params.get("photo") or x.params.get("media"))
            for x in h.session.to(DESK)
            if x.method in ("document", "photo", "media_document", "media_photo")]


async def test_onboarding_refuses_an_exe_and_takes_a_pdf(h: Harness) -> None:
    m = await to_documents(h, 310, "Olek Nowak")
    for file_name, mime in EXE:
        await m.document(name=file_name, mime=mime)
        told = m.last().text
        assert REFUSED in told and "PDF, JPEG or PNG" in told, (file_name, mime, told)
    await m.click(m.last(), "Continue")
    assert h.session.alerts()[-1] == "Send at least one document (your passport)."
    await m.document(name="passport <1>.PDF", mime="application/pdf")
    assert "Document 1 of 10 added." in m.last().text
    await m.document(name="diploma.jpeg", mime="image/jpeg")
    await m.photo()
    await m.click(m.last(), "Continue")
    await m.click(m.last(), "Send to the desk")
    async with h.app.ctx.tx() as s:
        row = await s.scalar(select(Master).where(Master.user_id == 310))
    assert row is not None and len(row.documents) == 3
    card = next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text).text
    assert "passport &lt;1&gt;.PDF" in card and "application/pdf" in card  # escaped
    assert "diploma.jpeg" in card and "image/jpeg" in card
    assert ".exe" not in card
    assert len(desk_files(h)) == 3  # the two files and the photo; nothing else reached the desk


async def test_the_applicants_answer_refuses_an_exe(h: Harness) -> None:
    m = await to_documents(h, 311, "Jan Novák")
    await m.photo()
    await m.click(m.last(), "Continue")
    await m.click(m.last(), "Send to the desk")
    mgr = h.manager(MANAGER)
    card = next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text)
    await mgr.click(card, "Ask for more")
    await mgr.send("Please send your certificate")
    await m.click(m.last(), "Answer")
    await m.document(name="certificate.pdf.exe", mime="application/x-msdownload")
    assert REFUSED in m.last().text
    await m.document(name="certificate.pdf", mime="application/pdf")
    await m.click(m.last(), "Send the answer")
    async with h.app.ctx.tx() as s:
        row = await s.scalar(select(Master).where(Master.user_id == 311))
    assert row is not None and len(row.documents) == 2
    assert not any(".exe" in ref for ref in row.documents)
    card = next(x for x in reversed(h.session.to(DESK)) if "Master #" in x.text)
    assert "certificate.pdf" in card.text and "Documents: 2 files" in card.text


async def test_relay_refuses_an_exe_and_passes_a_pdf(h: Harness) -> None:
    c = h.person(160, "Lena")
    order_id = await place_order(h, c)
    thread, _card = card_of(h, order_id)
    await c.send("/orders")
    await c.click(c.last(), f"Order #{order_id}")
    await c.click(c.last(), "Write to the manager")
    before = len(h.session.to(DESK, thread))
    for file_name, mime in EXE:
        await c.document(caption="my passport", name=file_name, mime=mime)
        assert REFUSED in c.last().text and "PDF, JPEG or PNG" in c.last().text
    assert len(h.session.to(DESK, thread)) == before  # nothing relayed
    async with h.app.ctx.tx() as s:
        relayed = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "relay"))).all()
    assert relayed == []
    await c.document(caption="Receipt", name="receipt.png", mime="image/png")
    assert "Sent to the desk" in c.last().text
    assert h.session.to(DESK, thread)[-1].method == "document"


async def test_the_masters_relay_refuses_an_exe(h: Harness) -> None:
    c = h.person(161, "Kira")
    master = await approved_master(h, 210, "Ivan Petrov")
    order_id = await place_order(h, c)
    thread, card = card_of(h, order_id)
    mgr = h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan Petrov")
    await master.click(master.last(), "Accept")
    job = next(x for x in reversed(h.session.to(210)) if "💬 Write to the desk" in x.buttons())
    await master.click(job, "Write to the desk")
    before = len(h.session.to(DESK, thread))
    await master.document(name="act.pdf.exe", mime="application/x-msdownload")
    assert REFUSED in master.last().text
    assert len(h.session.to(DESK, thread)) == before


@pytest.mark.parametrize(("name", "mime", "ok"), [
    ("scan.pdf", "application/pdf", True), ("SCAN.PDF", "Application/PDF", True),
    ("a.jpg", "image/jpeg", True), ("a.jpeg", "image/jpeg", True), ("a.png", "image/png", True),
    ("a.png", "image/jpeg", False), ("a.pdf.exe", "application/pdf", False),
    ("a.exe", "application/x-msdownload", False), ("a.svg", "image/svg+xml", False),
    ("a.html", "text/html", False), ("a.pdf", None, False), (None, "application/pdf", False)])
def test_the_document_allow_list(name: str | None, mime: str | None, ok: bool) -> None:
    from bot.domain.errors import InvalidInput
    from bot.domain.files import check_refs, document_ref, parse_ref

    if not ok:
        with pytest.raises(InvalidInput):
            document_ref("f1", name, mime)
        with pytest.raises(InvalidInput):  # also when the reference is forged
            check_refs([f"document:f1:{mime or ''}:{name or ''}"])
        return
    ref = document_ref("f1", name, mime)
    check_refs([ref, "photo:p1"])
    assert (parse_ref(ref).file_id, parse_ref(ref).name) == ("f1", name)


def test_a_file_name_may_hold_colons() -> None:
    from bot.domain.files import document_ref, parse_ref

    f = parse_ref(document_ref("BQAC-x_1", "a: b.pdf", "application/pdf"))
    assert (f.kind, f.file_id, f.mime, f.name) == ("document", "BQAC-x_1", "application/pdf",
                                                   "a: b.pdf")
