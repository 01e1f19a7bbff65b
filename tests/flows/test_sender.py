"""The outbox sender under Telegram's limits and errors (DESIGN.md "Durable by design").

The production app (bot.app.build_app) runs on a recording Bot API session that can be told to
answer some requests with aiogram's real exceptions (429, 403, 400, network, 5xx). Both clocks
are fake: the limiter's monotonic clock and the services' wall clock (`ctx.clock`, which the
sender uses for `next_attempt_at`); `Rig.advance` moves them together.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import CreateForumTopic, EditMessageText, SendMessage, TelegramMethod
from conftest import FixedClock, make_order
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.config import Settings
from bot.domain.rules import Actor
from bot.events import To
from bot.notify.limiter import Limiter
from bot.notify.sender import BATCH
from bot.services.base import CHAT, NORMAL, URGENT, outbox_priority
from bot.services.orders import reject_order
from db.models import Order, OutboxMessage, User
from tests.conftest import stored_row
from tests.flows.test_flows import MANAGER, approved_master, card_of, place_order
from tests.support.flowkit import DESK, TOKEN, Harness, RecordingSession

CLIENT = 100
UNLIMITED = dict(per_second=1e9, private_interval=0.0, group_per_minute=10**9)
PRODUCTION: dict[str, Any] = {}  # Limiter's defaults: Telegram's limits
CODE = re.compile(r"<b>(\d{6})</b>")


# --- the limiter on its own -----------------------------------------------------------------

def test_private_chat_gets_one_message_a_second() -> None:
    lim = Limiter(private_interval=1.0, private_burst=1, clock=lambda: 0.0)
    assert lim.ready_at(CLIENT, 0.0) == 0.0
    lim.record(CLIENT, 0.0)
    assert lim.ready_at(CLIENT, 0.0) == pytest.approx(1.0)  # the second: 1 s later
    assert lim.ready_at(CLIENT, 0.4) == pytest.approx(1.0)
    assert lim.ready_at(CLIENT, 1.0) == pytest.approx(1.0)
    lim.record(CLIENT, 1.0)
    assert lim.ready_at(CLIENT, 1.2) == pytest.approx(2.0)
    # another private chat only waits for the global spacing
    assert lim.ready_at(CLIENT + 1, 1.0) == pytest.approx(1.0 + 1 / 29)


def test_private_chat_default_is_a_short_burst_then_about_one_a_second() -> None:
    lim = Limiter(clock=lambda: 0.0)
    assert lim.private_burst <= 3 and lim.private_interval >= 1.0
    now, times = 0.0, []
    for _ in range(lim.private_burst + 3):
        at = lim.ready_at(CLIENT, now)
        times.append(at)
        lim.record(CLIENT, at)
        now = at
    burst = times[:lim.private_burst]
    assert burst[-1] < 0.1  # the first few go at once (global spacing only)
    rest = times[lim.private_burst - 1:]
    # then one per private_interval: never faster than one a second
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(rest[1:], rest[2:], strict=False))
    assert times[lim.private_burst] == pytest.approx(lim.private_interval)
    assert_private_pace(times, lim)


def test_group_gets_at_most_twenty_messages_a_minute() -> None:
    lim = Limiter(clock=lambda: 0.0)
    for i in range(20):
        t = float(i)
        assert lim.ready_at(DESK, t) == pytest.approx(t)
        lim.record(DESK, t)
    # the 21st waits until the first (sent at 0 s) leaves the window: 60 s and a tenth of
    # margin, so Telegram's clock never sees 21 in its minute
    assert lim.ready_at(DESK, 20.0) == pytest.approx(66.0)
    assert lim.ready_at(DESK, 65.9) == pytest.approx(66.0)
    assert lim.ready_at(DESK, 66.0) == pytest.approx(66.0)
    lim.record(DESK, 66.0)
    # now the second one (sent at 1 s) bounds the next
    assert lim.ready_at(DESK, 66.5) == pytest.approx(67.0)
    # another group has its own window
    assert lim.ready_at(DESK - 1, 66.5) == pytest.approx(66.5)


def test_edits_do_not_count_toward_the_group_limit() -> None:
    lim = Limiter(clock=lambda: 0.0)
    for i in range(30):  # 30 card edits in half a minute
        lim.record(DESK, i / 2, counts=False)
    assert lim.ready_at(DESK, 15.0) == pytest.approx(15.0)  # a new message may still go
    for i in range(20):
        lim.record(DESK, 15.0 + i, counts=True)
    assert lim.ready_at(DESK, 40.0) == pytest.approx(81.0)  # messages are limited...
    assert lim.ready_at(DESK, 40.0, counts=False) == pytest.approx(40.0)  # ...edits are not
    # nor do edits use up a private chat's allowance
    one = Limiter(private_interval=1.0, private_burst=1, clock=lambda: 0.0)
    one.record(CLIENT, 0.0, counts=False)
    assert one.ready_at(CLIENT, 0.5) == pytest.approx(0.5)


def test_global_spacing_keeps_under_thirty_messages_a_second() -> None:
    lim = Limiter(clock=lambda: 0.0)
    now, times = 0.0, []
    for chat in range(1, 61):  # 60 different private chats, each as soon as allowed
        at = lim.ready_at(chat, now)
        times.append(at)
        lim.record(chat, at)
        now = at
    assert all(b - a == pytest.approx(1 / 29) for a, b in zip(times, times[1:], strict=False))
    assert sum(1 for t in times if t < 1.0 - 1e-9) == 29  # any one second holds 29: a margin
    # spacing counts edits as well (they are requests too)
    lim.record(DESK, 10.0, counts=False)
    assert lim.ready_at(CLIENT, 10.0) == pytest.approx(10.0 + 1 / 29)


def assert_private_pace(times: list[float], lim: Limiter, slack: float = 0.05) -> None:
    """Token-bucket pace: n messages to one private chat span at least
    (n - burst) * private_interval (`slack` per message: the sender lets a message go up to
    50 ms early and the fake clock does not move while it waits)."""
    burst, interval = lim.private_burst, lim.private_interval
    for i in range(len(times)):
        for j in range(i + 1, len(times)):
            span = times[j] - times[i] + slack * (j - i)
            assert j - i + 1 <= burst + span / interval + 1e-9, (times, i, j)


def test_pause_delays_everything() -> None:
    lim = Limiter(clock=lambda: 0.0)
    lim.pause(5.0)
    assert lim.ready_at(CLIENT, 0.0) == 5.0
    assert lim.ready_at(DESK, 1.0) == 5.0
    assert lim.ready_at(DESK, 1.0, counts=False) == 5.0
    lim.pause(3.0)  # a shorter pause never shortens a longer one
    assert lim.ready_at(CLIENT, 2.0) == 5.0
    assert lim.ready_at(CLIENT, 6.0) == 6.0


# --- the rig: the production app with a session that can fail -------------------------------

class Clocks:
    """The limiter's monotonic clock and the services' wall clock, moved together."""

    def __init__(self) -> None:
        self.mono = 10_000.0
        self.wall = FixedClock()

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall.advance(seconds=seconds)


@dataclass
class Fault:
    match: Callable[[TelegramMethod[Any]], bool]
    error: Callable[[TelegramMethod[Any]], Exception]
    times: int | None  # None: for ever


@dataclass
class Call:
    at: float  # monotonic
    method: str
    chat_id: int | None
    outcome: str  # "ok" or the exception's class name


class FaultySession(RecordingSession):
    """RecordingSession that answers chosen requests with Telegram's errors, and logs every
    request with the (fake) monotonic time it reached "Telegram"."""

    def __init__(self, clocks: Clocks) -> None:
        super().__init__()
        self.clocks = clocks
        self.faults: list[Fault] = []
        self.log: list[Call] = []

    def fail(self, match: Callable[[TelegramMethod[Any]], bool],
             error: Callable[[TelegramMethod[Any]], Exception], times: int | None = 1) -> None:
        self.faults.append(Fault(match, error, times))

    def heal(self) -> None:
        self.faults.clear()

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        chat = getattr(method, "chat_id", None)
        chat = int(chat) if chat is not None else None
        for f in self.faults:
            if f.times != 0 and f.match(method):
                if f.times is not None:
                    f.times -= 1
                exc = f.error(method)
                self.log.append(Call(self.clocks.mono, type(method).__name__, chat,
                                     type(exc).__name__))
                raise exc
        result = await super().make_request(bot, method, timeout)
        self.log.append(Call(self.clocks.mono, type(method).__name__, chat, "ok"))
        return result

    def attempts(self, method: type, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.log if c.method == method.__name__
                and (chat_id is None or c.chat_id == chat_id)]


# matchers and Telegram's errors

def any_request(m: TelegramMethod[Any]) -> bool:
    return isinstance(m, (SendMessage, EditMessageText, CreateForumTopic))


def sends_to(chat_id: int, thread_id: int | None = None) -> Callable[[TelegramMethod[Any]], bool]:
    return lambda m: (isinstance(m, SendMessage) and int(m.chat_id) == chat_id
                      and (thread_id is None or m.message_thread_id == thread_id))


def text_has(fragment: str) -> Callable[[TelegramMethod[Any]], bool]:
    return lambda m: isinstance(m, SendMessage) and fragment in m.text


def is_edit(m: TelegramMethod[Any]) -> bool:
    return isinstance(m, EditMessageText)


def too_many(seconds: int = 5) -> Callable[[TelegramMethod[Any]], Exception]:
    return lambda m: TelegramRetryAfter(method=m, message=f"Too Many Requests: retry after "
                                        f"{seconds}", retry_after=seconds)


def blocked(m: TelegramMethod[Any]) -> Exception:
    return TelegramForbiddenError(method=m, message="Forbidden: bot was blocked by the user")


def chat_not_found(m: TelegramMethod[Any]) -> Exception:
    return TelegramBadRequest(method=m, message="Bad Request: chat not found")


def timeout(m: TelegramMethod[Any]) -> Exception:
    return TelegramNetworkError(method=m, message="Request timeout error")


def bad_gateway(m: TelegramMethod[Any]) -> Exception:
    return TelegramServerError(method=m, message="Bad Gateway")


def bad_request(text: str) -> Callable[[TelegramMethod[Any]], Exception]:
    return lambda m: TelegramBadRequest(method=m, message=text)


@dataclass
class Rig:
    h: Harness
    clocks: Clocks
    limiter: Limiter

    @property
    def app(self) -> App:
        return self.h.app

    @property
    def session(self) -> FaultySession:
        return self.h.session  # type: ignore[return-value]

    def advance(self, seconds: float) -> None:
        self.clocks.advance(seconds)

    async def queue(self, kind: str, chat_id: int | None = None, order_id: int | None = None,
                    **payload: Any) -> int:
        """Queue a message the way a use case does; returns the row id."""
        async with self.app.ctx.tx() as s:
            stored_row(s, self.clocks.wall(), kind, payload, To(chat_id, order_id))
            await s.flush()
            return int(await s.scalar(select(OutboxMessage.id).order_by(
                OutboxMessage.id.desc()).limit(1)) or 0)

    async def row(self, row_id: int) -> OutboxMessage:
        async with self.app.ctx.tx() as s:
            row = await s.get(OutboxMessage, row_id)
            assert row is not None
            return row

    async def rows(self) -> list[OutboxMessage]:
        async with self.app.ctx.tx() as s:
            return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
                        .all())

    async def pending(self) -> int:
        return sum(1 for r in await self.rows() if r.status == "pending")

    async def drain(self, step: float = 1.0, max_steps: int = 500) -> None:
        """Run the sender, letting `step` seconds pass between passes, until nothing is pending."""
        for _ in range(max_steps):
            await self.app.sender.run_once()
            if not await self.pending():
                return
            self.advance(step)
        raise AssertionError("the outbox did not drain")

    def codes(self, chat_id: int) -> list[str]:
        """The confirmation codes a chat received, in the order it received them."""
        return [m.group(1) for s in self.session.to(chat_id) if (m := CODE.search(s.text))]


async def start_app(db_url: str, clocks: Clocks, limits: dict[str, Any]) -> Rig:
    session = FaultySession(clocks)
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    # PostgreSQL: a fixed code secret, not one generated into ./data of the checkout
    secret = None if db_url.startswith("sqlite") else "sender-tests-code-secret"
    cfg = Settings(bot_token=TOKEN, desk_chat_id=DESK, database_url=db_url,  # type: ignore
                   admin_ids=[MANAGER], _env_file=None, code_secret=secret)
    limiter = Limiter(clock=clocks.monotonic, **limits)
    app = await build_app(cfg, bot, limiter=limiter)
    app.ctx.clock = clocks.wall  # the sender's next_attempt_at follows the fake wall clock
    return Rig(Harness(app, bot, session), clocks, limiter)


@asynccontextmanager
async def rig_for(db_url: str, limits: dict[str, Any] = UNLIMITED) -> AsyncIterator[Rig]:
    rig = await start_app(db_url, Clocks(), limits)
    try:
        yield rig
    finally:
        await rig.app.close()


@pytest.fixture
async def rig(db_url: str) -> AsyncIterator[Rig]:
    """No rate limits (only pauses), so the flows run fast; faults are armed per test."""
    async with rig_for(db_url) as r:
        yield r


@pytest.fixture
async def limited(db_url: str) -> AsyncIterator[Rig]:
    """Telegram's real limits on the fake monotonic clock."""
    async with rig_for(db_url, PRODUCTION) as r:
        yield r


async def client_with_order(rig: Rig, uid: int = CLIENT, name: str = "Anna") -> int:
    return await place_order(rig.h, rig.h.person(uid, name))


# --- the sender within the limits ----------------------------------------------------------

async def test_sender_keeps_to_one_message_a_second_per_chat_and_twenty_a_minute_per_group(
        limited: Rig) -> None:
    rig = limited
    order = await make_order(rig.app.ctx, CLIENT)  # queues the topic, card and photo
    codes = [f"{n}{n}{n}{n}{n}{n}" for n in range(1, 8)]
    for code in codes:
        await rig.queue("client_code", chat_id=CLIENT, order_id=order.id, code=code)
    for i in range(21):
        await rig.queue("desk_unreachable", user_id=9000 + i, name=f"User{i}")
    t0 = rig.clocks.mono
    await rig.drain(step=1.0)

    assert rig.codes(CLIENT) == codes
    to_client = [c.at - t0 for c in rig.session.attempts(SendMessage, CLIENT)]
    assert_private_pace(to_client, rig.limiter)
    assert to_client[-1] >= (len(codes) - rig.limiter.private_burst) * 1.0

    desk = [c.at - t0 for c in rig.session.log if c.chat_id == DESK
            and c.method in ("SendMessage", "CreateForumTopic", "SendPhoto")]
    assert len(desk) == 24  # topic + card + the order's photo + 21 notes, each exactly once
    assert sum(1 for t in desk if t < 60.0) == 20
    assert desk[20] >= 60.0
    notes = [s.text for s in rig.session.to(DESK) if "has blocked the bot" in s.text]
    assert [int(re.search(r"id (\d+)", t).group(1)) for t in notes] == list(  # type: ignore
        range(9000, 9021))


# --- 429 --------------------------------------------------------------------------------------

async def test_429_postpones_the_row_and_its_chat_and_delivers_once_after_retry_after(
        rig: Rig) -> None:
    order_id = await client_with_order(rig)
    before = len(rig.session.to(CLIENT))
    rig.session.fail(sends_to(CLIENT), too_many(5), times=1)
    first = await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")
    second = await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="222222")
    now = rig.clocks.wall()

    await rig.app.sender.run_once()
    row = await rig.row(first)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == now + timedelta(seconds=5)
    assert row.locked_until is None and "429" in (row.last_error or "")
    later = await rig.row(second)
    assert later.status == "pending" and later.next_attempt_at >= row.next_attempt_at
    assert len(rig.session.to(CLIENT)) == before

    # a third message is queued while the chat waits
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="333333")
    for _ in range(4):
        rig.advance(1.2)  # up to 4.8 s: still inside retry_after
        await rig.app.sender.run_once()
        assert len(rig.session.to(CLIENT)) == before, "sent before retry_after passed"

    rig.advance(0.3)
    await rig.drain(step=0.5)
    assert rig.codes(CLIENT) == ["111111", "222222", "333333"]
    assert len(rig.session.attempts(SendMessage, CLIENT)) == before + 4  # one 429, 3 deliveries
    row = await rig.row(first)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, rig.clocks.wall())


async def test_429_pauses_other_chats_too(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    other = await client_with_order(rig, 101, "Boris")
    rig.session.fail(sends_to(CLIENT), too_many(3), times=1)
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")
    await rig.queue("client_code", chat_id=101, order_id=other, code="222222")
    await rig.app.sender.run_once()
    assert rig.codes(101) == []  # Telegram asked us to stop: nobody gets anything
    rig.advance(2.9)
    await rig.app.sender.run_once()
    assert rig.codes(101) == []
    rig.advance(0.2)
    await rig.drain()
    assert (rig.codes(CLIENT), rig.codes(101)) == (["111111"], ["222222"])


async def test_a_full_batch_is_followed_by_the_next_pass_at_once(rig: Rig) -> None:
    """A pass that delivered a whole batch leaves more rows due: the sender goes again at once
    instead of idling for its poll interval (a thousand notifications lost 0.5 s a hundred)."""
    for uid in range(1000, 1000 + BATCH + 20):
        order = await make_order(rig.app.ctx, uid)
        await rig.queue("client_code", chat_id=uid, order_id=order.id, code="123456")
    queued = await rig.pending()
    assert queued > BATCH
    delays = []
    while await rig.pending():
        delays.append(await rig.app.sender.run_once())
    assert len(delays) == -(-queued // BATCH)  # a full batch a pass
    assert delays[:-1] == [0.0] * (len(delays) - 1)  # and no idling while rows are due


async def test_429_storm_every_message_delivered_exactly_once(limited: Rig) -> None:
    rig = limited
    clients = (101, 102, 103)
    expected: dict[int, list[str]] = {}
    orders = {}
    for n, uid in enumerate(clients):
        order = await make_order(rig.app.ctx, uid)
        orders[uid] = order.id
        expected[uid] = [f"{uid}{n}{k:02d}" for k in range(4)]
        for code in expected[uid]:
            await rig.queue("client_code", chat_id=uid, order_id=order.id, code=code)
        await rig.queue("desk_note", order_id=order.id, note="reported")
    rows = len(await rig.rows())
    rig.session.fail(any_request, too_many(3), times=10)  # the first 10 requests: 429

    await rig.drain(step=1.0)

    stored = await rig.rows()
    assert len(stored) == rows and {r.status for r in stored} == {"sent"}
    for uid in clients:
        assert rig.codes(uid) == expected[uid]  # none lost, no duplicate, in order
    assert sum(1 for c in rig.session.log if c.outcome == "TelegramRetryAfter") == 10
    topics = [c for c in rig.session.log if c.method == "CreateForumTopic" and c.outcome == "ok"]
    assert len(topics) == len(clients)
    async with rig.app.ctx.tx() as s:
        saved = {o.id: (o.topic_id, o.card_message_id) for o in
                 (await s.scalars(select(Order))).all()}
    for oid in orders.values():
        topic_id, card_id = saved[oid]
        in_topic = rig.session.to(DESK, topic_id)
        assert [m.message_id for m in in_topic if f"Order #{oid}<" in m.text] == [card_id]
        assert sum("filed the completion report" in m.text for m in in_topic) == 1
    # nothing reached Telegram while it had asked us to wait
    for i, c in enumerate(rig.session.log):
        if c.outcome == "TelegramRetryAfter":
            assert all(d.at >= c.at + 3 for d in rig.session.log[i + 1:] if d.outcome == "ok")
    for uid in clients:
        assert_private_pace([c.at for c in rig.session.attempts(SendMessage, uid)], rig.limiter)


async def test_429_order_is_kept_across_a_restart(rig: Rig, db_url: str) -> None:
    order_id = await client_with_order(rig)
    rig.session.fail(sends_to(CLIENT), too_many(5), times=1)
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")
    await rig.app.sender.run_once()  # 429: the row waits 5 s
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="333333")
    await rig.app.close()  # the bot restarts within retry_after

    again = await start_app(db_url, rig.clocks, UNLIMITED)
    try:
        await again.drain(step=1.0)
        assert again.codes(CLIENT) == ["111111", "333333"]
    finally:
        await again.app.close()


# --- 403 and "chat not found" ---------------------------------------------------------------

async def test_a_blocked_client_is_marked_and_the_desk_told_once(rig: Rig) -> None:
    anna = rig.h.person(CLIENT, "Anna")
    first = await place_order(rig.h, anna)
    second = await place_order(rig.h, anna, description="The bathroom tap leaks too")
    rig.session.fail(sends_to(CLIENT), blocked, times=None)  # Anna blocks the bot

    for order_id in (first, second):
        thread, card = card_of(rig.h, order_id)
        mgr = rig.h.manager(MANAGER, thread_id=thread)
        await mgr.click(card, "Reject")
        await mgr.click(card, "No masters available")

    async with rig.app.ctx.tx() as s:
        assert [o.status for o in (await s.scalars(select(Order))).all()] == ["rejected"] * 2
        user = await s.get(User, CLIENT)
        assert user is not None and user.unreachable is True
    rejected = [r for r in await rig.rows() if r.kind == "client_rejected"]
    assert [r.status for r in rejected] == ["failed", "failed"]
    assert all("blocked" in (r.last_error or "") for r in rejected)
    assert all(r.attempts == 1 for r in rejected)  # never retried
    warnings = [m for m in rig.session.to(DESK) if "has blocked the bot" in m.text]
    assert len(warnings) == 1
    assert "Anna" in warnings[0].text and f"id {CLIENT}" in warnings[0].text
    assert warnings[0].thread_id == card_of(rig.h, first)[0]  # in the order's topic
    assert not [m for m in rig.session.to(CLIENT) if "rejected" in m.text]


@pytest.mark.parametrize("error", [blocked, chat_not_found], ids=["403", "chat-not-found"])
async def test_several_rows_to_an_unreachable_client_fail_with_one_desk_warning(
        rig: Rig, error: Callable[[TelegramMethod[Any]], Exception]) -> None:
    order_id = await client_with_order(rig)
    other = await client_with_order(rig, 101, "Boris")
    rig.session.fail(sends_to(CLIENT), error, times=None)
    ids = [await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code=f"11111{i}")
           for i in range(3)]
    await rig.queue("client_code", chat_id=101, order_id=other, code="222222")

    await rig.drain()
    assert [(await rig.row(i)).status for i in ids] == ["failed"] * 3
    assert rig.codes(CLIENT) == [] and rig.codes(101) == ["222222"]
    assert sum("has blocked the bot" in m.text for m in rig.session.to(DESK)) == 1
    assert [r.kind for r in await rig.rows()].count("desk_unreachable") == 1
    async with rig.app.ctx.tx() as s:
        assert (await s.get(User, CLIENT)).unreachable is True  # type: ignore[union-attr]
        assert (await s.get(User, 101)).unreachable is False  # type: ignore[union-attr]


# --- network errors and 5xx -------------------------------------------------------------------

@pytest.mark.parametrize("error", [timeout, bad_gateway], ids=["network", "5xx"])
async def test_transient_errors_are_retried_with_growing_backoff(
        rig: Rig, error: Callable[[TelegramMethod[Any]], Exception]) -> None:
    order_id = await client_with_order(rig)
    rig.session.fail(sends_to(CLIENT), error, times=3)
    row_id = await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")

    delays = []
    for attempt in range(1, 4):
        now = rig.clocks.wall()
        await rig.app.sender.run_once()
        row = await rig.row(row_id)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert error.__name__ != "timeout" or "TelegramNetworkError" in (row.last_error or "")
        assert error.__name__ != "bad_gateway" or "TelegramServerError" in (row.last_error or "")
        delay = (row.next_attempt_at - now).total_seconds()
        delays.append(delay)
        rig.advance(delay - 0.1)
        await rig.app.sender.run_once()
        assert rig.codes(CLIENT) == [], "retried before its backoff"
        rig.advance(0.1)
    assert delays == [1.0, 2.0, 4.0]  # 2 ** attempts

    await rig.app.sender.run_once()
    row = await rig.row(row_id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 4, rig.clocks.wall())
    assert rig.codes(CLIENT) == ["111111"]


async def test_backoff_is_capped_at_five_minutes(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    row_id = await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")
    async with rig.app.ctx.tx() as s:
        (await s.get(OutboxMessage, row_id)).attempts = 12  # type: ignore[union-attr]
    rig.session.fail(sends_to(CLIENT), timeout, times=1)
    now = rig.clocks.wall()
    await rig.app.sender.run_once()
    row = await rig.row(row_id)
    assert row.next_attempt_at - now == timedelta(seconds=300) and row.status == "pending"


async def test_a_network_error_holds_the_chats_later_rows(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    rig.session.fail(sends_to(CLIENT), timeout, times=1)
    for code in ("111111", "222222"):
        await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code=code)
    await rig.app.sender.run_once()
    assert rig.codes(CLIENT) == []
    await rig.drain(step=0.5)
    assert rig.codes(CLIENT) == ["111111", "222222"]


async def test_a_message_queued_during_a_network_retry_does_not_overtake(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    rig.session.fail(sends_to(CLIENT), timeout, times=1)
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")
    await rig.app.sender.run_once()  # timeout: retried in 1 s
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="222222")
    await rig.drain(step=0.5)
    assert rig.codes(CLIENT) == ["111111", "222222"]


# --- the order card ---------------------------------------------------------------------------

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")


async def test_card_edit_not_modified_counts_as_sent(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    async with rig.app.ctx.tx() as s:
        order = await s.get(Order, order_id)
        card_id = order.card_message_id  # type: ignore[union-attr]
        order.card_digest = None  # a card drawn before digests were kept: try the edit
    desk_before = len(rig.session.to(DESK))
    rig.session.fail(is_edit, bad_request(NOT_MODIFIED), times=None)
    row_id = await rig.queue("order_card", order_id=order_id)

    await rig.h.flush()
    row = await rig.row(row_id)
    assert (row.status, row.last_error, row.attempts) == ("sent", None, 1)
    assert len(rig.session.attempts(EditMessageText, DESK)) == 1
    assert len(rig.session.to(DESK)) == desk_before  # no second card was posted
    async with rig.app.ctx.tx() as s:
        assert (await s.get(Order, order_id)).card_message_id == card_id  # type: ignore


async def test_an_unchanged_card_is_not_edited_at_all(rig: Rig) -> None:
    """Telegram answers an edit that changes nothing with 400: the sender knows what the card
    shows and does not send it."""
    order_id = await client_with_order(rig)
    edits = len(rig.session.attempts(EditMessageText, DESK))
    row_id = await rig.queue("order_card", order_id=order_id)
    await rig.h.flush()
    assert (await rig.row(row_id)).status == "sent"
    assert len(rig.session.attempts(EditMessageText, DESK)) == edits
    await reject_order(rig.app.ctx, Actor(MANAGER, is_desk=True), order_id, "no_masters")
    await rig.h.flush()  # a real change is still drawn
    assert len(rig.session.attempts(EditMessageText, DESK)) == edits + 1


async def test_pending_card_updates_of_one_order_make_one_edit(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    _thread, card = card_of(rig.h, order_id)
    desk_before = len(rig.session.to(DESK))
    await rig.queue("order_card", order_id=order_id)
    await rig.queue("order_card", order_id=order_id)
    await reject_order(rig.app.ctx, Actor(MANAGER, is_desk=True), order_id, "no_masters")

    await rig.h.flush()
    assert [c.outcome for c in rig.session.attempts(EditMessageText, DESK)] == ["ok"]
    assert "Status: <b>Rejected</b>" in card.text  # the one edit shows the latest state
    assert len(rig.session.to(DESK)) == desk_before
    cards = [r for r in await rig.rows() if r.kind == "order_card"]
    assert {r.status for r in cards} == {"sent"}
    assert any("was rejected" in m.text for m in rig.session.to(CLIENT))


# --- a deleted topic and permanent 400s ------------------------------------------------------

async def test_a_desk_note_for_a_deleted_topic_goes_to_general(rig: Rig) -> None:
    ivan = await approved_master(rig.h, 200, "Ivan Petrov")
    order_id = await client_with_order(rig)
    thread, card = card_of(rig.h, order_id)
    mgr = rig.h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Assign")
    await mgr.click(card, "Ivan Petrov")
    # someone deletes the order's topic by hand
    rig.session.fail(sends_to(DESK, thread), bad_request("Bad Request: message thread not found"),
                     times=None)
    await ivan.click(ivan.last(), "Decline")

    notes = [m for m in rig.session.to(DESK) if "master declined the offer" in m.text]
    assert len(notes) == 1 and notes[0].thread_id is None
    assert [r.status for r in await rig.rows() if r.kind == "desk_note"
            and r.payload.get("note") == "declined"] == ["sent"]
    assert {r.status for r in await rig.rows()} == {"sent"}
    async with rig.app.ctx.tx() as s:
        assert (await s.get(Order, order_id)).status == "submitted"  # type: ignore


async def test_a_card_update_for_a_deleted_topic_still_reaches_the_desk(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    thread, _card = card_of(rig.h, order_id)
    # the topic is deleted by hand, and the card with it
    rig.session.fail(is_edit, bad_request("Bad Request: message to edit not found"), times=None)
    rig.session.fail(sends_to(DESK, thread), bad_request("Bad Request: message thread not found"),
                     times=None)
    await reject_order(rig.app.ctx, Actor(MANAGER, is_desk=True), order_id, "no_masters")
    await rig.h.flush()

    assert any("Status: <b>Rejected</b>" in m.text for m in rig.session.to(DESK))
    assert {r.status for r in await rig.rows()} == {"sent"}


async def test_a_permanent_400_fails_the_row_and_the_sender_goes_on(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    other = await client_with_order(rig, 101, "Boris")
    error = "Bad Request: can't parse entities: unsupported start tag \"x\" at byte offset 3"
    rig.session.fail(text_has("111111"), bad_request(error), times=None)
    bad = await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="111111")
    await rig.queue("client_code", chat_id=CLIENT, order_id=order_id, code="222222")
    await rig.queue("client_code", chat_id=101, order_id=other, code="333333")
    await rig.queue("desk_note", order_id=order_id, note="reported")

    await rig.app.sender.run_once()  # one pass: nothing waits for the refused row
    row = await rig.row(bad)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert row.last_error == error
    assert rig.codes(CLIENT) == ["222222"] and rig.codes(101) == ["333333"]
    assert sum("filed the completion report" in m.text for m in rig.session.to(DESK)) == 1
    assert [r.status for r in await rig.rows()].count("failed") == 1
    assert await rig.pending() == 0
    rig.advance(60)
    await rig.app.sender.run_once()  # a failed row is never tried again
    assert sum(1 for c in rig.session.log if c.outcome == "TelegramBadRequest") == 1


# --- the desk reads by priority (issue 9, item 6) ---------------------------------------------

def desk_texts(rig: Rig) -> list[str]:
    return [m.text for m in rig.session.to(DESK)]


async def desk_row(rig: Rig, kind: str, order_id: int, /, not_before: Any = None,
                   **payload: Any) -> int:
    """Queue a desk row whose payload has its own "kind" (Rig.queue takes kind as a name)."""
    async with rig.app.ctx.tx() as s:
        stored_row(s, rig.clocks.wall(), kind, payload, To.desk(order_id, not_before=not_before))
        await s.flush()
        return int(await s.scalar(select(func.max(OutboxMessage.id))) or 0)


async def relay_row(rig: Rig, order_id: int, text: str) -> int:
    return await desk_row(rig, "relay", order_id, side="client", kind="text", text=text,
                          file_id=None, name="Anna")


def sla(rig: Rig, kind: str) -> dict[str, Any]:
    now = rig.clocks.wall().isoformat()
    return dict(kind=kind, due=now, deadline=now, late=0)


async def test_a_safety_stop_overtakes_the_relays_queued_for_the_desk(limited: Rig) -> None:
    rig = limited
    order = await make_order(rig.app.ctx, CLIENT)
    await rig.drain()  # the topic, the card and the order's photo: 3 of the desk's 20 a minute
    for i in range(30):  # one client floods the manager chat
        await relay_row(rig, order.id, f"relay {i}")
    for _ in range(40):  # two seconds: the rest of this minute's budget, 17 relays
        await rig.app.sender.run_once()
        rig.advance(0.05)
    assert sum("relay " in t for t in desk_texts(rig)) == 17
    await rig.queue("desk_note", order_id=order.id, note="stopped")  # then he stops the job

    while await rig.pending():  # the desk's budget frees slot by slot
        rig.advance(1.0)
        await rig.app.sender.run_once()

    texts = [t for t in desk_texts(rig) if "relay " in t or "STOPPED" in t]
    stop = next(i for i, t in enumerate(texts) if "STOPPED" in t)
    assert stop == 17  # the first message the desk gets once it may get one
    relays = [t.rsplit("\n", 1)[1] for t in texts if "relay " in t]
    assert relays == [f"relay {i}" for i in range(30)]  # none lost, in the order written


async def test_a_relay_in_retry_holds_the_later_relays_but_not_an_alert(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    rig.session.fail(text_has("relay 0"), timeout, times=1)
    for i in range(3):
        await relay_row(rig, order_id, f"relay {i}")
    await desk_row(rig, "desk_sla", order_id, **sla(rig, "callback"))
    await rig.app.sender.run_once()  # relay 0: network error, retried in 1 s
    assert any("Overdue" in t for t in desk_texts(rig))
    assert not any("relay " in t for t in desk_texts(rig))  # 1 and 2 wait for 0
    await rig.drain(step=0.5)
    assert [t.rsplit("\n", 1)[1] for t in desk_texts(rig) if "relay " in t] == [
        "relay 0", "relay 1", "relay 2"]


async def test_an_urgent_row_about_a_new_order_opens_its_topic_first(rig: Rig) -> None:
    other = await client_with_order(rig, 101, "Boris")
    for i in range(3):
        await relay_row(rig, other, f"relay {i}")
    order = await make_order(rig.app.ctx, CLIENT)  # its topic is queued, not open yet
    await rig.queue("desk_note", order_id=order.id, note="stopped")
    await rig.app.sender.run_once()

    async with rig.app.ctx.tx() as s:
        topic = (await s.get(Order, order.id)).topic_id  # type: ignore[union-attr]
    assert topic is not None
    in_topic = [m.text for m in rig.session.to(DESK, topic)]
    assert f"Order #{order.id}<" in in_topic[0] and "STOPPED" in in_topic[1]
    sent = desk_texts(rig)
    assert sent.index(in_topic[1]) < min(i for i, t in enumerate(sent) if "relay " in t)


async def test_a_notice_held_until_the_desk_opens_does_not_hold_a_breach(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    risk = await desk_row(rig, "desk_sla", order_id, **sla(rig, "callback_reminder"),
                          not_before=rig.clocks.wall() + timedelta(hours=10))
    await desk_row(rig, "desk_sla", order_id, **sla(rig, "callback"))
    await rig.app.sender.run_once()
    assert any("Overdue" in t for t in desk_texts(rig))
    assert (await rig.row(risk)).status == "pending"  # it still waits for the morning


@pytest.mark.parametrize(("kind", "chat_id", "payload", "priority"), [
    ("desk_note", None, {"note": "stopped"}, URGENT),
    ("desk_note", None, {"note": "code_locked"}, URGENT),
    ("desk_sla", None, {"kind": "callback"}, URGENT),
    ("order_topic", None, {}, NORMAL),
    ("order_card", None, {}, NORMAL),
    ("desk_note", None, {"note": "assigned"}, NORMAL),
    ("master_card", None, {"master_id": 1}, NORMAL),
    ("relay", None, {"side": "client"}, CHAT),
    ("relay", CLIENT, {"side": "desk"}, NORMAL),  # a private chat is read in order
    ("client_code", CLIENT, {}, NORMAL),
])
def test_the_desks_reading_order_by_kind(kind: str, chat_id: int | None,
                                         payload: dict[str, Any], priority: int) -> None:
    assert outbox_priority(kind, chat_id, payload) == priority


# --- notes coalesce (issue 16: the desk's 20 messages a minute) ----------------------------

async def test_notes_waiting_for_one_topic_go_as_one_message_in_order(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    thread, _card = card_of(rig.h, order_id)
    before = len(rig.session.to(DESK, thread))
    for note in ("declined", "contacted", "reported", "completed"):
        await rig.queue("desk_note", order_id=order_id, note=note)
    await rig.app.sender.run_once()

    sent = rig.session.to(DESK, thread)[before:]
    assert len(sent) == 1  # four notes, one of the group's twenty messages a minute
    text = sent[0].text
    marks = [text.index(s) for s in ("declined the offer", "has called the client",
                                     "filed the completion report", "order is completed")]
    assert marks == sorted(marks)  # in the order they were queued
    assert {r.status for r in await rig.rows()} == {"sent"}


async def test_a_note_with_buttons_ends_the_run_and_keeps_its_place(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    thread, _card = card_of(rig.h, order_id)
    before = len(rig.session.to(DESK, thread))
    await rig.queue("desk_note", order_id=order_id, note="declined")
    await rig.queue("desk_master_answer", order_id=order_id, master_id=1, name="Ivan",
                    answer="I will bring a new tap")
    await rig.queue("desk_note", order_id=order_id, note="contacted")
    await rig.app.sender.run_once()

    sent = [m.text for m in rig.session.to(DESK, thread)[before:]]
    assert len(sent) == 3
    assert "declined the offer" in sent[0] and "new tap" in sent[1]
    assert "has called the client" in sent[2]


async def test_notes_that_rode_a_failed_send_go_out_later_once(rig: Rig) -> None:
    order_id = await client_with_order(rig)
    thread, _card = card_of(rig.h, order_id)
    before = len(rig.session.to(DESK, thread))
    for note in ("declined", "contacted", "reported"):
        await rig.queue("desk_note", order_id=order_id, note=note)
    rig.session.fail(sends_to(DESK, thread), timeout, times=1)
    await rig.app.sender.run_once()
    assert await rig.pending() == 3  # nothing went out; the followers are not held by a lease
    await rig.drain(step=5.0)

    texts = " ".join(m.text for m in rig.session.to(DESK, thread)[before:])
    for words in ("declined the offer", "has called the client", "filed the completion"):
        assert texts.count(words) == 1
    assert {r.status for r in await rig.rows()} == {"sent"}


async def test_a_press_answered_too_late_is_still_handled_without_an_error(rig: Rig) -> None:
    """A press that waited past Telegram's ~15 s (behind a replica that died): the answer is
    refused as too old, the press is still carried out and nobody is told it failed."""
    order_id = await client_with_order(rig)
    thread, card = card_of(rig.h, order_id)
    mgr = rig.h.manager(MANAGER, thread_id=thread)
    await mgr.click(card, "Reject")
    rig.session.fail(lambda m: type(m).__name__ == "AnswerCallbackQuery",
                     bad_request("Bad Request: query is too old and response timeout expired "
                                 "or query ID is invalid"), times=None)
    await mgr.click(card, "No masters available")
    async with rig.app.ctx.tx() as s:
        assert (await s.get(Order, order_id)).status == "rejected"  # type: ignore[union-attr]
    assert not any("went wrong" in m.text for m in rig.session.to(DESK))
    assert "was rejected" in rig.session.to(CLIENT)[-1].text
