"""The desk's /order, /find, /stats and /export (SPEC §3): desk members only, and what they
show is what is stored."""

from __future__ import annotations

import csv
import io

import pytest
from aiogram.methods import SendDocument

from bot.domain.errors import NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.services.completion import accept_work, report_completion
from bot.services.figures import desk_stats, export_csv, find_orders, order_for_desk
from bot.services.offers import accept_offer, offer_order
from bot.services.reviews import leave_review
from tests.flows.test_flows import MANAGER, place_order
from tests.support.flowkit import DESK, Harness, harness

try:
    from conftest import DESK as DESK_ACTOR
    from conftest import make_master, make_order, master_actor
except ImportError:  # tests/ became a package
    from tests.conftest import DESK as DESK_ACTOR
    from tests.conftest import make_master, make_order, master_actor


async def test_reports_are_for_the_desk_only(ctx):
    order = await make_order(ctx, 1001)
    for call in (order_for_desk(ctx, Actor(1001), order.id), find_orders(ctx, Actor(1001), "x"),
                 desk_stats(ctx, Actor(1001)), export_csv(ctx, Actor(1001))):
        with pytest.raises(NotAllowed):
            await call
    with pytest.raises(NotFound):
        await order_for_desk(ctx, DESK_ACTOR, order.id + 100)


async def test_find_by_number_phone_name_and_address(ctx, clock):
    a = await make_order(ctx, 1001, address="Marszałkowska 1, Warszawa", phone="+48600111222")
    b = await make_order(ctx, 1002, address="Nowy Świat 5, Warszawa", phone="+48600999888")
    ids = lambda found: [o.id for o in found]  # noqa: E731
    assert ids(await find_orders(ctx, DESK_ACTOR, f"#{a.id}")) == [a.id]
    assert ids(await find_orders(ctx, DESK_ACTOR, "600 999-888")) == [b.id]
    assert ids(await find_orders(ctx, DESK_ACTOR, "nowy świat")) == [b.id]
    assert ids(await find_orders(ctx, DESK_ACTOR, "warszawa")) == [b.id, a.id]
    assert ids(await find_orders(ctx, DESK_ACTOR, "Client1001")) == [a.id]
    assert await find_orders(ctx, DESK_ACTOR, "Kraków") == []


async def test_stats_and_export_count_what_happened(ctx, clock):
    master = await make_master(ctx, 2001)
    done = await make_order(ctx, 1001)
    await make_order(ctx, 1002)
    clock.advance(minutes=30)
    await offer_order(ctx, DESK_ACTOR, done.id, master.id)
    await accept_offer(ctx, master_actor(master), done.id)
    await report_completion(ctx, master_actor(master), done.id, ["p"], 25_000,
                            warranty_months=6)
    await accept_work(ctx, Actor(1001), done.id)
    await leave_review(ctx, Actor(1001), done.id, 4, None)
    st = await desk_stats(ctx, DESK_ACTOR)
    assert st.by_state == {"completed": 1, "submitted": 1}
    assert (st.open_orders, st.overdue, st.reviews, st.rating) == (1, 0, 1, 4.0)
    assert st.minutes_to_assign == pytest.approx(30.0)
    rows = list(csv.reader(io.StringIO((await export_csv(ctx, DESK_ACTOR)).decode("utf-8-sig"))))
    assert rows[0][:3] == ["order", "created_at", "status"]
    assert [(r[0], r[2], r[7], r[8], r[9], r[11]) for r in rows[1:]] == [
        (str(done.id), "completed", "Master 2001", "250.00", "6", "4"),
        (str(done.id + 1), "submitted", "", "", "", "")]
    assert not any("+48" in cell for row in rows for cell in row)  # no phones leave the bot


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_the_desk_commands(h: Harness) -> None:
    c = h.person(160, "Zofia")
    order_id = await place_order(h, c)
    mgr = h.manager(MANAGER)
    await mgr.send(f"/order {order_id}")
    shown = h.session.last(DESK).text
    assert f'<a href="https://t.me/c/1234567890/500">#{order_id} Plumbing' in shown
    assert "+79990001122" in shown  # the card, for the desk
    await mgr.send("/order twelve")
    assert "Use: /order 12" in h.session.last(DESK).text
    await mgr.send("/find lenina")
    assert h.session.last(DESK).text.startswith("1 order found:")
    await mgr.send("/find <nothing>")
    assert h.session.last(DESK).text == "Nothing found for «&lt;nothing&gt;»."
    await mgr.send("/stats")
    stats = h.session.last(DESK).text
    assert "New — waiting for a master: 1" in stats and "Open orders: 1" in stats
    await mgr.send("/export")
    sent = [call for call in h.session.calls if isinstance(call, SendDocument)]
    assert sent and sent[-1].document.filename.endswith(".csv")  # type: ignore[union-attr]
    await h.manager(4444).send("/stats")  # a stranger in the desk
    assert "Only desk members" in h.session.last(DESK).text
