"""The desk's /export and /stats at any size (issue 16, big desks): the export is read a page
at a time and is the same CSV as when it was built from every order at once; the figures are
computed by the database and are those of the stored rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import timedelta

import pytest
from aiogram.methods import SendDocument
from sqlalchemy import select

from bot.domain.errors import NotAllowed
from bot.domain.money import to_major
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.services import figures as figures_service
from bot.services.base import Context
from bot.services.figures import csv_cell, desk_stats, export_csv, export_file, write_export
from db.models import AuditEntry, Master, Order, Review
from tests.flows.test_flows import MANAGER, place_order
from tests.support.flowkit import Harness, harness

try:
    from conftest import DESK, make_master, make_order
except ImportError:  # tests/ became a package
    from tests.conftest import DESK, make_master, make_order


async def _varied_orders(ctx: Context, n: int) -> list[int]:
    """`n` orders whose export cells differ: with and without a district, a master (one whose
    name a spreadsheet would run), a price, a warranty (0 too), a breach and a review."""
    ivan = await make_master(ctx, 2001, name="@Ivan")
    jan = await make_master(ctx, 2002, name="Jan Kowalski")
    ids = [(await make_order(ctx, 1001 + i)).id for i in range(n)]
    async with ctx.tx() as s:
        for k, order_id in enumerate(ids):
            order = await s.get(Order, order_id)
            assert order is not None
            order.district = None if k % 3 == 0 else "Mokotów"
            order.area = "=1+2" if k == 1 else "Warszawa"
            order.urgent = k % 2 == 1
            if k % 4 != 3:
                order.master_id = (ivan if k % 2 else jan).id
                order.status = Status.COMPLETED
                order.final_price = 1_000 * k + 99
                order.warranty_months = k % 3 * 6
                if k % 2 == 0:
                    s.add(Review(order_id=order_id, master_id=order.master_id, stars=1 + k % 5,
                                 service=order.service, created_at=ctx.clock()))
            order.sla_state = "breach" if k == 3 else "ok"
    return ids


async def _export_as_built_before(ctx: Context) -> bytes:
    """The export as it was built before paging: every Order loaded, the reviews' stars in a
    dict, one writer over the whole file."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(figures_service.EXPORT_FIELDS)
    async with ctx.tx() as s:
        stars = dict((await s.execute(select(Review.order_id, Review.stars))).all())
        rows = (await s.execute(select(Order, Master.name)
                                .outerjoin(Master, Master.id == Order.master_id)
                                .order_by(Order.id))).all()
        for order, master in rows:
            cells = (order.id, order.created_at.isoformat(), order.status, order.service,
                     order.district or "", order.area, int(order.urgent), master or "",
                     "" if order.final_price is None
                     else str(to_major(order.final_price, ctx.policy.money)),
                     order.warranty_months or "", order.sla_state, stars.get(order.id, ""))
            writer.writerow([csv_cell(cell) for cell in cells])
    return out.getvalue().encode("utf-8-sig")


async def test_the_paged_export_is_the_csv_of_before(ctx: Context) -> None:
    ids = await _varied_orders(ctx, 8)
    before = await _export_as_built_before(ctx)
    assert await export_csv(ctx, DESK) == before
    assert await export_csv(ctx, DESK, chunk=3) == before
    rows = list(csv.reader(io.StringIO(before.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(i) for i in ids]
    assert rows[2][5] == "'=1+2" and rows[2][7] == "'@Ivan"  # still neutralised


async def test_a_paged_export_has_every_order_once(ctx: Context) -> None:
    ids = await _varied_orders(ctx, 11)
    out = io.BytesIO()
    assert await write_export(ctx, DESK, out, chunk=4) == 11  # pages of 4, 4 and 3
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert rows[0] == list(figures_service.EXPORT_FIELDS)
    assert [int(r[0]) for r in rows[1:]] == ids
    for chunk in (1, 11, 12):  # a page per order, one page exactly, one page with room left
        assert await export_csv(ctx, DESK, chunk=chunk) == out.getvalue()


async def test_an_outsider_gets_no_page(ctx: Context) -> None:
    await make_order(ctx, 1001)
    out = io.BytesIO()
    with pytest.raises(NotAllowed):
        await write_export(ctx, Actor(1001), out)
    assert out.getvalue() == b""  # not even the header


async def _accepts(ctx: Context, ids: list[int]) -> list[float]:
    """Acceptance entries at known delays (the second order taken twice: the first counts);
    returns each accepted order's minutes to its first acceptance."""
    delays = {ids[0]: [12.5], ids[1]: [30.0, 95.0], ids[4]: [61.25], ids[6]: [0.5]}
    async with ctx.tx() as s:
        created = {o.id: o.created_at for o in (await s.scalars(select(Order))).all()}
        for order_id, minutes in delays.items():
            for m in reversed(minutes):  # the later one written first: min(), not the first row
                s.add(AuditEntry(order_id=order_id, actor_role="master", action="accept",
                                 created_at=created[order_id] + timedelta(minutes=m)))
        for action in ("deadline:triage", "deadline:arrival", "deadline:arrival", "offer"):
            s.add(AuditEntry(order_id=ids[2], actor_role="system", action=action,
                             created_at=created[ids[2]]))
    return [m[0] for m in delays.values()]


@pytest.mark.parametrize("chunk", [5000, 2])  # one statement, or ranges of two orders
async def test_stats_are_the_figures_of_the_stored_rows(ctx: Context, clock, monkeypatch,
                                                         chunk: int) -> None:
    monkeypatch.setattr(figures_service, "STATS_CHUNK", chunk)
    ids = []
    for i in range(7):
        ids.append((await make_order(ctx, 1001 + i)).id)
        clock.advance(minutes=7)
    waits = await _accepts(ctx, ids)
    master = await make_master(ctx, 2001)
    async with ctx.tx() as s:
        for k, status in enumerate((Status.COMPLETED, Status.COMPLETED, Status.ASSIGNED,
                                    Status.CANCELLED, Status.ASSIGNED)):
            order = await s.get(Order, ids[k])
            assert order is not None
            order.status = status
            order.sla_state = "breach" if k in (2, 3) else "ok"  # 3 is closed: not overdue
        for k, stars in ((0, 5), (1, 2)):
            s.add(Review(order_id=ids[k], master_id=master.id, service="plumbing", stars=stars,
                         created_at=clock()))
    st = await desk_stats(ctx, DESK)
    assert st.by_state == {"completed": 2, "assigned": 2, "cancelled": 1, "submitted": 2}
    assert (st.open_orders, st.overdue, st.breaches) == (4, 1, 3)
    assert (st.rating, st.reviews) == (3.5, 2)
    assert st.minutes_to_assign == pytest.approx(sum(waits) / len(waits), abs=1e-4)


async def test_stats_of_an_empty_desk(ctx: Context) -> None:
    st = await desk_stats(ctx, DESK)
    assert (st.by_state, st.open_orders, st.overdue, st.breaches) == ({}, 0, 0, 0)
    assert (st.minutes_to_assign, st.rating, st.reviews) == (None, None, 0)


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_export_is_sent_as_a_file_that_is_then_removed(h: Harness, tmp_path,
                                                            monkeypatch) -> None:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))  # where mkstemp writes
    order_id = await place_order(h, h.person(160, "Zofia"))
    await h.manager(MANAGER).send("/export")
    sent = [call for call in h.session.calls if isinstance(call, SendDocument)]
    rows = list(csv.reader(io.StringIO(
        sent[-1].document.data.decode("utf-8-sig"))))  # type: ignore[union-attr]
    assert [r[0] for r in rows] == ["order", str(order_id)]
    assert list(folder.iterdir()) == []  # the temporary file is gone


async def test_the_export_file_lives_while_it_is_sent(ctx: Context, tmp_path,
                                                     monkeypatch) -> None:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    await _varied_orders(ctx, 3)
    async with export_file(ctx, DESK) as path:
        assert path.parent == folder
        assert path.read_bytes() == await export_csv(ctx, DESK)
    assert not path.exists()
    with pytest.raises(NotAllowed):
        async with export_file(ctx, Actor(1001)):
            pass
    assert list(folder.iterdir()) == []  # nothing written for an outsider
