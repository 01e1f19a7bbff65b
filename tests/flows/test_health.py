"""/healthz and /metrics (issue 10): served by the production routes over HTTP, on the app the
dispatcher flow tests build, so what they report is what the real wiring counts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.events import To
from bot.health import add_routes
from bot.metrics import Metrics
from bot.services.base import Context
from bot.services.deadlines import fire_due
from tests.conftest import FixedClock, make_order, stored_row
from tests.support.flowkit import Harness, harness

CLIENT = 501


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    # SQLite on purpose: "the file is gone" is the failure an operator meets with it.
    async with harness(f"sqlite+aiosqlite:///{tmp_path}/desk.sqlite3") as h:
        stop = asyncio.Event()
        h.app.sender_task = asyncio.create_task(h.app.sender.run(stop))
        await h.app.clock.start()
        try:
            yield h
        finally:
            stop.set()
            h.app.sender.wake()
            await asyncio.gather(h.app.sender_task, return_exceptions=True)


@pytest.fixture
async def http(h: Harness) -> AsyncIterator[TestClient]:
    web_app = web.Application()
    add_routes(web_app, h.app)
    async with TestClient(TestServer(web_app)) as client:
        yield client


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_healthz_is_200_with_every_part_working(h: Harness, http: TestClient) -> None:
    r = await http.get("/healthz")
    body = await r.json()
    assert r.status == 200, body
    assert body["ok"] is True
    assert body["database"] == {"ok": True}
    assert body["redis"] is None  # not configured: not checked
    assert body["sender"] == {"ok": True} and body["clock"] == {"ok": True}
    assert body["last_update_at"] is None
    assert body["outbox"] == {"pending": 0, "oldest_seconds": 0.0}
    await h.person(CLIENT, "Anna").send("/start")
    body = await (await http.get("/healthz")).json()
    assert body["last_update_at"] is not None


async def test_healthz_is_503_when_the_database_file_is_gone(h: Harness, http: TestClient,
                                                             tmp_path: Path) -> None:
    for f in tmp_path.glob("desk.sqlite3*"):
        f.unlink()
    r = await http.get("/healthz")
    body = await r.json()
    assert r.status == 503
    assert body["ok"] is False
    assert body["database"] == {"ok": False, "error": "the database file is gone"}


async def test_healthz_is_503_when_the_sender_has_died(h: Harness, http: TestClient) -> None:
    assert h.app.sender_task is not None
    h.app.sender_task.cancel()
    await asyncio.gather(h.app.sender_task, return_exceptions=True)
    r = await http.get("/healthz")
    assert r.status == 503
    assert (await r.json())["sender"] == {"ok": False}


async def test_healthz_is_503_when_the_clock_has_stopped(h: Harness, http: TestClient) -> None:
    await h.app.clock.shutdown()
    r = await http.get("/healthz")
    assert r.status == 503
    assert (await r.json())["clock"] == {"ok": False}


async def test_metrics_count_updates_failures_and_429s(h: Harness, http: TestClient,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    anna = h.person(CLIENT, "Anna")
    await anna.send("/start")
    await anna.send("/language")
    # Telegram refuses one answer with a 429: the answer is retried (and counted).
    real = h.session.make_request
    refused: list[bool] = []

    async def once_429(bot, method, timeout=None):  # type: ignore[no-untyped-def]
        if isinstance(method, SendMessage) and not refused:
            refused.append(True)
            raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=0)
        return await real(bot, method, timeout)

    monkeypatch.setattr(h.session, "make_request", once_429)
    await anna.send("/start")
    assert len([m for m in h.session.to(CLIENT) if "What would you like" in m.text]) == 2

    def broken(*_: object) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr("handlers.common.greeting", broken)
    await anna.send("/start")  # answered "something went wrong", and counted as failed

    r = await http.get("/metrics")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    got = samples(await r.text())
    assert got[("masterdesk_updates_total", (("type", "message"),))] == 4
    assert got[("masterdesk_updates_failed_total", (("type", "message"),))] == 1
    assert got[("masterdesk_update_seconds_count", ())] == 4
    assert got[("masterdesk_telegram_429_total", ())] == 1
    assert got[("masterdesk_database_up", ())] == 1
    assert got[("masterdesk_last_update_timestamp_seconds", ())] > 0


async def test_metrics_of_two_apps_in_one_process_are_their_own(tmp_path: Path) -> None:
    async with harness(f"sqlite+aiosqlite:///{tmp_path}/a.sqlite3") as a, \
            harness(f"sqlite+aiosqlite:///{tmp_path}/b.sqlite3") as b:
        await a.person(CLIENT, "Anna").send("/start")
        assert a.app.metrics.registry.get_sample_value(
            "masterdesk_updates_total", {"type": "message"}) == 1
        assert b.app.metrics.registry.get_sample_value(
            "masterdesk_updates_total", {"type": "message"}) is None


async def test_outbox_backlog_and_deadlines_are_read_at_scrape_time(
        ctx: Context, clock: FixedClock) -> None:
    metrics = Metrics()
    first = await make_order(ctx, CLIENT)
    clock.advance(minutes=10)
    await make_order(ctx, CLIENT)
    async with ctx.tx() as s:  # a message that cannot go out yet
        stored_row(s, clock(), "client_text", {}, To(CLIENT, first.id))
    clock.advance(hours=2)  # both triage deadlines are overdue by more than a minute
    assert await fire_due(ctx) == 2
    await make_order(ctx, CLIENT)  # and one still pending
    await metrics.refresh(ctx)
    value = metrics.registry.get_sample_value
    assert value("masterdesk_deadlines", {"state": "fired", "kind": "triage"}) == 2
    assert value("masterdesk_deadlines", {"state": "pending", "kind": "triage"}) == 1
    assert value("masterdesk_deadlines_late", {"kind": "triage"}) == 2
    assert value("masterdesk_outbox_backlog", {"kind": "client_text"}) == 1
    assert value("masterdesk_outbox_oldest_seconds", {"kind": "client_text"}) \
        == timedelta(hours=2).total_seconds()
    assert value("masterdesk_outbox_backlog", {"kind": "order_card"}) is None
