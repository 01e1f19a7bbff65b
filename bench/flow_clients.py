"""The clients of bench/flow.py: Telegram users driven through the New order conversation
against bot/sandbox/telegram/, and the clock that times the bot's answers.

A button is found by its callback data's action code (`v1:<code>:...`), never by its label, so
the clients work in any language and while the handlers are refactored. An update's latency
runs from the moment the fake hands it out (the getUpdates answer that carries it) to the
moment the fake accepts the bot's answer that the next step needs.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.telegram import EDIT_METHODS, SEND_METHODS, FakeTelegram

STEP_TIMEOUT = 180.0
Message = dict[str, Any]


@dataclass(frozen=True)
class Step:
    name: str
    act: str  # command | click | text | photo | contact
    arg: str = ""  # the command, the text, the phone or the button's action code
    expect: str = ""  # the answer the next step needs: code:<action> | message | contact
    index: int = 0  # which of the buttons with that action code


# The 12 updates of one order; "day" presses the third time button (Tomorrow), as the flow
# tests do.
NEW_ORDER = (
    Step("/start", "command", "/start", "code:new"),
    Step("New order", "click", "new", "code:svc"),
    Step("service", "click", "svc", "code:next"),
    Step("description", "text", "The kitchen tap leaks", "code:next"),
    Step("photo", "photo", "", "code:next"),
    Step("Continue", "click", "next", "location"),
    Step("address", "text", "Lenina 5, flat 3, Moscow", "code:tk"),
    Step("day", "click", "tk", "code:slot", index=2),
    Step("slot", "click", "slot", "contact"),
    Step("contact", "contact", "+79990001122", "code:pay"),
    Step("payment", "click", "pay", "code:ok"),
    Step("Confirm", "click", "ok", "code:new"),
)


def codes(message: Message) -> list[tuple[str, str]]:
    """(action code, callback data) of the message's inline buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(str(b["callback_data"]).split(":")[1], str(b["callback_data"]))
            for row in rows for b in row if b.get("callback_data")]


def matches(expect: str, method: str, params: dict[str, Any], message: Message) -> bool:
    if expect.startswith("code:"):
        return any(code == expect[5:] for code, _ in codes(message))
    # the question that asks for it (its reply keyboard shares a contact or a location), not
    # any message: a question asked again meanwhile is not the answer to this step
    assert expect in ("contact", "location"), f"unknown expectation {expect!r}"
    markup = params.get("reply_markup")
    rows = markup.get("keyboard", []) if isinstance(markup, dict) else []
    return any(isinstance(b, dict) and b.get(f"request_{expect}") for row in rows for b in row)


@dataclass
class Waiter:
    expect: str
    future: asyncio.Future[tuple[Message, float]]


@dataclass
class Recorder:
    """Watches every API call the fake accepts (FakeTelegram.observers)."""

    fake: FakeTelegram
    desk_id: int
    more_desks: tuple[int, ...] = ()  # the other desk groups (DESK_ROUTES)
    handed: dict[int, float] = field(default_factory=dict)  # update_id -> first handed out
    waiting: dict[int, Waiter] = field(default_factory=dict)  # chat -> its client's wait
    polls: int = 0
    calls: Counter[str] = field(default_factory=Counter)  # method -> calls, getUpdates aside
    desk_sent: list[float] = field(default_factory=list)  # times of messages into the desk
    desk_chats: list[int] = field(default_factory=list)  # ... and into which group
    # (group, thread) -> created at; -> its card's arrival
    topics: dict[tuple[int, int], float] = field(default_factory=dict)
    cards: dict[tuple[int, int], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fake.observers.append(self.observe)

    def observe(self, method: str, params: dict[str, Any], result: Any) -> None:
        now = time.monotonic()
        if method == "getUpdates":
            self.polls += 1
            for update in result:
                self.handed.setdefault(update["update_id"], now)
            return
        self.calls[method] += 1
        if method == "createForumTopic":
            self.topics[int(params["chat_id"]), result["message_thread_id"]] = now
        elif method in SEND_METHODS or method in EDIT_METHODS:
            for message in result if isinstance(result, list) else [result]:
                if isinstance(message, dict) and "chat" in message:
                    self.answer(method, params, message, now)

    def answer(self, method: str, params: dict[str, Any], message: Message, now: float) -> None:
        chat = message["chat"]["id"]
        if chat == self.desk_id or chat in self.more_desks:
            if method in SEND_METHODS:
                self.desk_sent.append(now)
                self.desk_chats.append(chat)
                topic = (chat, message.get("message_thread_id"))
                if topic in self.topics and codes(message):
                    self.cards.setdefault(topic, now)
            return
        waiter = self.waiting.get(chat)
        if waiter and not waiter.future.done() and matches(waiter.expect, method, params,
                                                           message):
            waiter.future.set_result((message, now))
            del self.waiting[chat]

    def expect(self, chat: int, expect: str) -> asyncio.Future[tuple[Message, float]]:
        future: asyncio.Future[tuple[Message, float]] = (
            asyncio.get_running_loop().create_future())
        self.waiting[chat] = Waiter(expect, future)
        return future


def act(fake: FakeTelegram, uid: int, step: Step, answer: Message | None) -> dict[str, Any]:
    """The user does the step; returns the update the fake queued."""
    if step.act == "command":
        return fake.user_sends_command(uid, step.arg)
    if step.act == "text":
        return fake.user_sends_text(uid, step.arg)
    if step.act == "photo":
        return fake.user_sends_photo(uid)
    if step.act == "contact":
        return fake.user_sends_contact(uid, step.arg)
    assert answer is not None, f"nothing to press {step.arg!r} on"
    found = [data for code, data in codes(answer) if code == step.arg]
    assert found, f"no {step.arg!r} button in {codes(answer)}"
    data = found[min(step.index, len(found) - 1)]
    return fake.user_clicks_data(uid, uid, answer["message_id"], data)


@dataclass
class Conversation:
    latencies: list[float] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)  # (step, handed out at)
    last_at: float = 0.0
    answer: Message | None = None


Pace = Callable[[int], Awaitable[None]]


async def converse(fake: FakeTelegram, rec: Recorder, uid: int, steps: tuple[Step, ...],
                   pace: Pace | None = None, answer: Message | None = None) -> Conversation:
    """One user through `steps`, each sent once the answer to the previous one is in (and,
    with `pace`, not before its time)."""
    out = Conversation(answer=answer)
    for k, step in enumerate(steps):
        if pace is not None:
            await pace(k)
        update = act(fake, uid, step, out.answer)
        future = rec.expect(uid, step.expect)
        try:
            out.answer, out.last_at = await asyncio.wait_for(future, STEP_TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"user {uid}: no answer to {step.name!r} in "
                                 f"{STEP_TIMEOUT:.0f} s") from None
        handed = rec.handed.get(update["update_id"], out.last_at)
        out.latencies.append(out.last_at - handed)
        out.steps.append((step.name, handed))
    return out


@dataclass
class Run:
    updates: int
    seconds: float
    latencies: list[float]
    failures: list[str]
    steps: list[tuple[str, float]] = field(default_factory=list)  # per latency: step, when

    def slow_steps(self, over: float = 0.05) -> str:
        """Per step: how many answers took longer than `over`, and the worst (BENCH_DETAIL)."""
        worst: dict[str, list[float]] = {}
        for (name, _at), x in zip(self.steps, self.latencies, strict=True):
            worst.setdefault(name, []).append(x)
        return "; ".join(f"{n} {sum(x > over for x in xs)}/{len(xs)} max {max(xs):.3f}s"
                         for n, xs in worst.items())

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else float("nan")

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


async def gather_run(t0: float, runs: list[Awaitable[Conversation]]) -> Run:
    results = await asyncio.gather(*runs, return_exceptions=True)
    done = [r for r in results if isinstance(r, Conversation)]
    failures = [str(r) for r in results if not isinstance(r, Conversation)]
    latencies = [x for r in done for x in r.latencies]
    steps = [(name, at - t0) for r in done for name, at in r.steps]
    end = max((r.last_at for r in done), default=t0)
    return Run(len(latencies), end - t0, latencies, failures, steps)


def add_users(fake: FakeTelegram, first: int, n: int) -> list[int]:
    for uid in range(first, first + n):
        fake.add_user(uid, f"Client {uid}", language_code="en")
    return list(range(first, first + n))


async def at_once(fake: FakeTelegram, rec: Recorder, users: list[int],
                  steps: tuple[Step, ...] = NEW_ORDER) -> Run:
    """Every user starts at once and goes as fast as the answers come."""
    t0 = time.monotonic()
    return await gather_run(t0, [converse(fake, rec, uid, steps) for uid in users])


async def paced(fake: FakeTelegram, rec: Recorder, users: list[int], rate: float,
                think: float, steps: tuple[Step, ...] = NEW_ORDER) -> Run:
    """len(users) = rate × think users, started 1/rate apart; each sends a step every `think`
    seconds (later if the answer is late), so together they offer `rate` updates a second."""
    t0 = time.monotonic() + 0.1

    def pacer(i: int) -> Pace:
        async def pace(k: int) -> None:
            delay = t0 + i / rate + k * think - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        return pace

    return await gather_run(t0, [converse(fake, rec, uid, steps, pacer(i))
                                 for i, uid in enumerate(users)])
