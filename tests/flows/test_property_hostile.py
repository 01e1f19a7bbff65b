"""Issue 9, the property test: a stranger throws random updates at a live desk through the
production wiring (bot.app.build_app, tests.support.flowkit) and nothing gives.

After every generated burst of updates:
- no handler raised (the error middleware logs "update … failed" for anything unexpected);
- every Bot API call would be accepted by Telegram: HTML that parses, texts within 4,096 and
  captions within 1,024 UTF-16 units, callback data within 64 bytes, no empty button, topic
  titles within 128 characters (the strict checks of bot/sandbox/telegram/), each press
  answered once;
- nothing that belongs to someone else changed: every row of every table except the stranger's
  own user row, his conversation state and messages to him is as it was.

Examples are derandomised, so CI runs the same inputs every time; run with
`HYPOTHESIS_SEED=<n> python -m pytest tests/flows/test_property_hostile.py -p no:randomly` and
`derandomize` off to explore.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    EditForumTopic,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Chat, Message, Update, User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import bot.buttons
from bot.sandbox.telegram import (
    ApiError,
    EntityParseError,
    check_markup_on_server,
    parse_html,
    parse_reply_markup,
    utf16_len,
)
from db.models import Base
from tests.support.flowkit import BOT_USER, DESK, Harness, RecordingSession, harness

ROOT = Path(__file__).resolve().parents[2]
MANAGER, CLIENT, MASTER, STRANGER = 7, 1001, 2002, 6666
CONTROLS = "\u202e\u2066\u2069\u200b\u200d\u200f\ufeff"


class StrictSession(RecordingSession):
    """The recording session, plus Telegram's refusals written down instead of raised (a raise
    would turn into an error answer and hide the call that caused it)."""

    def __init__(self, admins: tuple[int, ...] = ()) -> None:
        super().__init__(admins)
        self.refused: list[str] = []
        self.answered: set[str] = set()

    def _check_text(self, method: str, text: str | None, limit: int, html: bool) -> None:
        if text is None:
            return
        try:
            plain = parse_html(text)[0] if html else text
        except EntityParseError as exc:
            self.refused.append(f"{method}: can't parse entities: {exc} in {text[:200]!r}")
            return
        if utf16_len(plain) > limit:
            self.refused.append(f"{method}: text of {utf16_len(plain)} > {limit}")
        if method in ("sendMessage", "editMessageText") and not plain.strip():
            self.refused.append(f"{method}: message text is empty")

    def _check_markup(self, method: str, markup: Any) -> None:
        if markup is None:
            return
        raw = markup.model_dump(mode="json", exclude_none=True)
        try:
            check_markup_on_server(parse_reply_markup(raw))
        except ApiError as exc:
            self.refused.append(f"{method}: {exc.description}")

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        name = type(method).__name__
        if isinstance(method, SendMessage | EditMessageText):
            self._check_text(name, method.text, 4096, method.parse_mode != "")
        if isinstance(method, SendPhoto | SendDocument | EditMessageCaption):
            self._check_text(name, method.caption, 1024, True)
        if isinstance(method, SendMediaGroup):
            for item in method.media:
                self._check_text(name, item.caption, 1024, True)
        if isinstance(method, CreateForumTopic | EditForumTopic):
            if method.name is not None and not 1 <= len(method.name) <= 128:
                self.refused.append(f"{name}: topic name of {len(method.name)} characters")
        if isinstance(method, AnswerCallbackQuery):
            if method.text is not None and len(method.text) > 200:
                self.refused.append(f"{name}: alert of {len(method.text)} > 200")
            if method.callback_query_id in self.answered:
                self.refused.append(f"{name}: query is too old (answered twice)")
            self.answered.add(method.callback_query_id)
        markup = getattr(method, "reply_markup", None)
        if isinstance(method, SendMessage | SendPhoto | SendDocument | EditMessageText
                      | EditMessageReplyMarkup):
            self._check_markup(name, markup)
        return await super().make_request(bot, method, timeout)


class Failures(logging.Handler):
    """Records what the error middleware logs for an update that raised."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.getMessage()} {record.exc_info[1]!r}"
                            if record.exc_info else record.getMessage())


# --- the desk the stranger attacks ----------------------------------------------------------

class Desk:
    """One live desk for the whole test: built once, attacked by every example."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.session = StrictSession(admins=())
        self._cm = harness(f"sqlite+aiosqlite:///{tmp}/p.sqlite3", admin_ids=[MANAGER])
        self.h: Harness = self.run(self._enter())
        # each run_until_complete is a task with a copy of this context: set it here, once
        self.h.app.i18n.set_current(self.h.app.i18n)
        self.failures = Failures()
        logging.getLogger().addHandler(self.failures)
        self.data: list[str] = []
        self.topics: list[int] = []
        self.run(self._populate())

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _enter(self) -> Harness:
        h = await self._cm.__aenter__()
        # the strict session replaces the recording one for every call from now on
        self.session.admins = h.session.admins
        self.session.middleware = h.session.middleware  # the production request middlewares
        h.bot.session = self.session
        h.session = self.session
        return h

    async def _populate(self) -> None:
        from tests.flows.test_flows import approved_master, place_order

        h = self.h
        client = h.person(CLIENT, "Anna")
        first = await place_order(h, client)
        await place_order(h, client, description="The sink is blocked",
                          address="Tverskaya 1, Moscow")
        master = await approved_master(h, MASTER, "Jan Kowalski")
        card = next(m for m in h.session.to(DESK) if f"Order #{first}" in m.text and m.markup)
        manager = h.manager(MANAGER, thread_id=card.thread_id)
        await manager.click(card, "Assign")
        await manager.click(card, "Jan Kowalski")
        await master.click(master.last(), "Accept")
        # every button anyone was shown, with its real ids: the stranger replays them all
        self.data = sorted({b.callback_data for m in h.session.messages if m.markup
                            for row in m.markup.inline_keyboard for b in row
                            if b.callback_data})
        self.topics = sorted({m.thread_id for m in h.session.to(DESK) if m.thread_id})
        self.session.refused.clear()
        self.failures.records.clear()

    def close(self) -> None:
        logging.getLogger().removeHandler(self.failures)
        self.run(self._cm.__aexit__(None, None, None))
        self.loop.close()

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table that is not the stranger's own."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        async with self.h.app.ctx.tx() as s:
            for table in Base.metadata.sorted_tables:
                if table.name == "fsm_state":
                    continue
                rows = (await s.execute(select(table))).all()
                keep = []
                for row in rows:
                    m = row._mapping
                    if table.name == "users" and m["id"] == STRANGER:
                        continue
                    if table.name == "outbox" and m.get("chat_id") == STRANGER:
                        continue
                    keep.append(tuple(str(v) for v in row))
                out[table.name] = sorted(keep)
        return out


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    d = Desk(tmp_path_factory.mktemp("hostile"))
    try:
        yield d
    finally:
        d.close()


# --- what the stranger sends ----------------------------------------------------------------

def _codes() -> list[str]:
    """Every legacy (v1) action code a handler still listens for (none)."""
    found: set[str] = set()
    for path in (ROOT / "handlers").rglob("*.py"):
        src = path.read_text()
        found |= set(re.findall(r'F\.a == "([a-z]+)"', src))
        for group in re.findall(r"F\.a\.in_\(\{([^}]*)\}", src):
            found |= set(re.findall(r'"([a-z]+)"', group))
    return sorted(found)


def _typed() -> list[tuple[str, str, int]]:
    """(prefix, action, how many ids follow) of every typed button in bot/buttons."""
    found = set()
    for info in pkgutil.iter_modules(bot.buttons.__path__):
        if info.name == "base":
            continue  # the generic bases (Press, OrderPress, …), no feature's buttons
        module = importlib.import_module(f"bot.buttons.{info.name}")
        for cls in vars(module).values():
            if (isinstance(cls, type) and issubclass(cls, CallbackData)
                    and cls.__module__ == module.__name__):
                actions = cls.model_fields["action"].annotation
                assert isinstance(actions, type) and issubclass(actions, StrEnum), cls
                found |= {(cls.__prefix__, a.value, len(cls.model_fields) - 1) for a in actions}
    return sorted(found)


TYPED = _typed()
# The old v1 buttons carried the same action codes: every one is forged in the old format too
# (no handler reads it any more, so each must be answered as outdated).
LEGACY = sorted({a for _prefix, a, _n in TYPED})
CODES = sorted({*LEGACY, *(a for _prefix, a, _n in TYPED)})
nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from("<>&/\"'#%_ab1" + CONTROLS), max_size=80),
    st.builds(lambda s, n: s * n, st.sampled_from(["<b>", "&amp;", "é", "漢", "😀",
                                                   "\u202e", "a" * 97]), st.integers(1, 5000)),
)
big_int = st.one_of(st.integers(-3, 12), st.integers(-(2**70), 2**70),
                    st.sampled_from([2**31 - 1, 2**31, 2**63, 10**20]))
forged = st.one_of(
    st.text(max_size=70),
    st.builds(lambda a, o, x: f"v1:{a}:{o}:{x}", st.sampled_from(LEGACY), big_int, big_int),
    st.sampled_from(TYPED).flatmap(lambda t: st.lists(big_int, min_size=t[2], max_size=t[2]).map(
        lambda ids: ":".join([t[0], t[1], *map(str, ids)]))),
)
commands = st.builds(lambda c, arg: f"/{c} {arg}", st.sampled_from(
    ["order", "find", "block", "block client", "unblock", "unblock client", "review", "m",
     "stats", "export", "sla", "masters", "start", "cancel", "new", "orders", "profile",
     "become_master", "language"]), st.one_of(nasty_text, big_int.map(str)))


@st.composite
def update_spec(draw: st.DrawFn, desk: Desk) -> tuple[str, Any, bool, int | None]:
    """(kind, payload, in the desk?, topic)"""
    in_desk = draw(st.booleans())
    topic = draw(st.sampled_from([None, *desk.topics])) if in_desk else None
    kind = draw(st.sampled_from(["press", "replay", "text", "command"]))
    if kind == "press":
        return kind, draw(forged), in_desk, topic
    if kind == "replay":
        return kind, draw(st.sampled_from(desk.data)), in_desk, topic
    if kind == "text":
        return kind, draw(nasty_text), in_desk, topic
    return kind, draw(commands), in_desk, topic


async def send(desk: Desk, kind: str, payload: str, in_desk: bool, topic: int | None) -> None:
    h = desk.h
    stranger = User(id=STRANGER, is_bot=False, first_name="Mallory", language_code="en")
    chat = (Chat(id=DESK, type="supergroup", is_forum=True) if in_desk
            else Chat(id=STRANGER, type="private"))
    n = next(h.ids)
    if kind in ("press", "replay"):
        anchor = Message(message_id=10**6 + n, date=datetime.now(UTC), chat=chat,
                         from_user=BOT_USER, text="…", message_thread_id=topic)
        update = Update(update_id=n, callback_query=CallbackQuery(
            id=str(n), from_user=stranger, chat_instance="ci", message=anchor, data=payload))
    else:
        update = Update(update_id=n, message=Message(
            message_id=n, date=datetime.now(UTC), chat=chat, from_user=stranger, text=payload,
            message_thread_id=topic))
    await h.feed(update)


def test_a_stranger_changes_nothing_and_breaks_nothing(desk: Desk) -> None:
    before = desk.run(desk.snapshot())

    @settings(max_examples=120, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(update_spec(desk), min_size=1, max_size=4))
    def attack(specs: list[tuple[str, Any, bool, int | None]]) -> None:
        for spec in specs:
            desk.run(send(desk, *spec))
        assert desk.failures.records == [], specs
        assert desk.session.refused == [], specs
        assert desk.run(desk.snapshot()) == before, specs

    attack()


def test_the_codes_are_found() -> None:
    # the property test is only as good as its list of actions
    assert {"vord", "dasg", "dpick", "dcr", "acc", "mapp", "mblk"} <= set(CODES), CODES
    assert _codes() == []  # every handler reads typed callback data
