"""Shared fixtures and factories for the service and migration tests.

Backends: every test that uses `db_url` (and so `engine` / `ctx`) runs on a temporary SQLite file,
and also on PostgreSQL when TEST_DATABASE_URL is set (e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/test). Each pytest process creates its own database
next to TEST_DATABASE_URL's (dropped at the end) and drops and recreates its `public` schema
before every test.

Factories are plain async helpers; import them with `from conftest import make_order, ...`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.domain.masters import Application
from bot.domain.order_request import OrderRequest
from bot.domain.rules import Actor
from bot.domain.views import MasterView, OrderView, UserView
from bot.events import To
from bot.services.base import Context, Policy, outbox_priority
from bot.services.masters import apply_master, decide_master
from bot.services.orders import submit_order
from bot.services.users import seed_catalogue, touch_user
from db.engine import make_engine, make_sessionmaker
from db.migrate import migrate
from db.models import AuditEntry, Master, Offer, Order, OutboxMessage, User
from fsm.draft import OrderDraft

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
DESK = Actor(999, is_desk=True)
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, inside desk hours


class FixedClock:
    """A clock that stands still until told to move: `clock()` -> aware UTC datetime."""

    def __init__(self, start: datetime = START) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment.astimezone(UTC)
        return self.now


# --- backends -----------------------------------------------------------------------------

async def reset_postgres(url: str) -> None:
    """Empty a disposable PostgreSQL database: drop and recreate the public schema."""
    eng = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with eng.connect() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await eng.dispose()


async def _admin(url: str, *statements: str) -> None:
    eng = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with eng.connect() as conn:
            for sql in statements:
                await conn.execute(text(sql))
    finally:
        await eng.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A private database for this pytest process, next to TEST_DATABASE_URL's database.

    TEST_DATABASE_URL's database is only used to connect from; this run creates
    `<name>_<pid>_<random>` and drops it at the end, so parallel runs (other workers, xdist)
    never reset each other's schema in the middle of a test. None without TEST_DATABASE_URL.
    """
    if not TEST_DATABASE_URL:
        yield None
        return
    base = make_url(TEST_DATABASE_URL)
    name = f"{base.database or 'test'}_{os.getpid()}_{secrets.token_hex(3)}"[:63]
    asyncio.run(_admin(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL not set"),
        ),
    ]
)
async def db_url(request: pytest.FixtureRequest, tmp_path,
                 postgres_url: str | None) -> AsyncIterator[str]:
    """The URL of an empty database (no tables): a fresh SQLite file, or a reset PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3"
    else:
        assert postgres_url
        await reset_postgres(postgres_url)
        yield postgres_url


@pytest.fixture
def backend(db_url: str) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgres"


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine made by the production `make_engine`; disposed after the test."""
    eng = make_engine(db_url)
    try:
        await migrate(eng)
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def ctx(engine: AsyncEngine, clock: FixedClock) -> Context:
    """A service Context on a migrated database with the catalogue seeded."""
    context = Context(sessions=make_sessionmaker(engine), clock=clock, policy=Policy())
    await seed_catalogue(context)
    return context


# --- factories ----------------------------------------------------------------------------

async def make_client(ctx: Context, user_id: int, first_name: str | None = None,
                      language_code: str | None = "en") -> UserView:
    user, _master = await touch_user(ctx, user_id, first_name or f"Client{user_id}", None,
                                     language_code)
    return user


async def make_master(
    ctx: Context,
    user_id: int,
    services: tuple[str, ...] | list[str] = ("plumbing",),
    approve: bool | None = True,
    desk: Actor = DESK,
    name: str | None = None,
    districts: tuple[str, ...] = (),
) -> MasterView:
    """A master who applied; approved (True), rejected (False) or left pending (None)."""
    await touch_user(ctx, user_id, name or f"Master{user_id}", None, "en")
    master = await apply_master(ctx, user_id, application(
        name or f"Master {user_id}", f"+4860000{user_id:04d}", services, districts))
    if approve is not None:
        master = await decide_master(ctx, desk, master.id, approve,
                                     None if approve else "documents")
    return master


def application(name: str = "Jan Kowalski", phone: str = "+48600111222",
                services: tuple[str, ...] | list[str] = ("plumbing",),
                districts: tuple[str, ...] = (), **overrides: Any) -> Application:
    """A complete, valid master application; override a field to make it invalid."""
    fields: dict[str, Any] = dict(name=name, phone=phone, legal_form="self_employed",
                                  tax_id="7707083893", services=tuple(services),
                                  districts=tuple(districts),
                                  documents=("photo:passport-1",))
    fields.update(overrides)
    return Application(**fields)


def master_actor(master: MasterView) -> Actor:
    return Actor(master.user_id, master_id=master.id)


def complete_draft(**overrides: Any) -> OrderRequest:
    """What a New order draft with these fields asks for (InvalidInput when one is missing)."""
    fields: dict[str, Any] = dict(
        service="plumbing",
        description="The kitchen tap drips",
        photos=["photo-1"],
        address="Marszałkowska 1, Warszawa",
        time_kind="tomorrow",
        phone="+48600000001",
        payment="cash",
    )
    fields.update(overrides)
    return OrderDraft(**fields).request()


async def make_order(ctx: Context, client_id: int, **draft_overrides: Any) -> OrderView:
    """A submitted order of `client_id` (created as a user if needed)."""
    await make_client(ctx, client_id)
    return await submit_order(ctx, client_id, complete_draft(**draft_overrides))


def stored_row(s: AsyncSession, now: datetime, kind: str, payload: dict[str, Any],
               to: To | None = None) -> None:
    """An outbox row as any version stored it, by its kind and JSON payload: rows queued
    before an upgrade (or that no event reads) are delivered like the ones queued now."""
    to = to or To()
    s.add(OutboxMessage(kind=kind, chat_id=to.chat_id, order_id=to.order_id, payload=payload,
                        priority=outbox_priority(kind, to.chat_id, payload),
                        next_attempt_at=max(to.not_before or now, now), created_at=now))


async def outbox(ctx: Context) -> list[tuple[str, int | None, int | None, dict[str, Any]]]:
    """Every outbox row, oldest first, as (kind, chat_id, order_id, payload)."""
    async with ctx.tx() as s:
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        return [(r.kind, r.chat_id, r.order_id, dict(r.payload or {})) for r in rows]


async def audit(ctx: Context, order_id: int) -> list[tuple[str, int | None, str, str | None,
                                                           str | None, str | None]]:
    """The order's audit trail, oldest first, as
    (action, actor_id, actor_role, from_status, to_status, reason)."""
    async with ctx.tx() as s:
        rows = (await s.scalars(
            select(AuditEntry).where(AuditEntry.order_id == order_id).order_by(AuditEntry.id)
        )).all()
        return [(str(r.action), r.actor_id, str(r.actor_role), r.from_status, r.to_status,
                 r.reason) for r in rows]


async def row_counts(ctx: Context) -> dict[str, int]:
    """How many rows each table that a use case writes holds (for "nothing stored" checks)."""
    out = {}
    async with ctx.tx() as s:
        for name, model in (("orders", Order), ("offers", Offer), ("audit", AuditEntry),
                            ("outbox", OutboxMessage), ("masters", Master), ("users", User)):
            out[name] = await s.scalar(select(func.count()).select_from(model))
    return out


async def load_row(ctx: Context, model: type, key: Any) -> Any:
    """A fresh copy of one row straight from the database (not from a view)."""
    async with ctx.tx() as s:
        return await s.get(model, key)


async def offers_of(ctx: Context, order_id: int) -> list[tuple[int, str]]:
    """The order's offers, oldest first, as (master_id, status)."""
    async with ctx.tx() as s:
        rows = (await s.scalars(
            select(Offer).where(Offer.order_id == order_id).order_by(Offer.id)
        )).all()
        return [(r.master_id, r.status) for r in rows]


# --- forcing a race ------------------------------------------------------------------------

def lockstep(ctx: Context, parties: int, steps: int = 1, timeout: float = 5.0) -> Context:
    """A Context whose transactions run their first `steps` statements in lockstep.

    Each of the next `parties` transactions waits, after each of its first `steps` statements
    (get/scalar/execute; scalars goes through execute), until all `parties` transactions
    reached the same point. So under `asyncio.gather` every caller has *read* before any of
    them writes: the interleaving a race needs happens every time instead of by luck. If
    someone blocks (a row lock), the barrier gives up after `timeout` seconds and everyone
    runs on freely.

    On SQLite (one pooled connection: transactions queue, they cannot interleave) the same
    Context is returned unchanged.
    """
    bind = ctx.sessions.kw.get("bind")
    if bind is None or bind.dialect.name == "sqlite":
        return ctx
    barriers = [asyncio.Barrier(parties) for _ in range(steps)]

    class LockstepSession(AsyncSession):
        _step = 0

        async def _sync(self) -> None:
            if self._step >= steps:
                return
            barrier = barriers[self._step]
            self._step += 1
            try:
                await asyncio.wait_for(barrier.wait(), timeout)
            except (TimeoutError, asyncio.BrokenBarrierError):
                await barrier.abort()

        async def get(self, *a: Any, **kw: Any) -> Any:
            out = await super().get(*a, **kw)
            await self._sync()
            return out

        async def scalar(self, *a: Any, **kw: Any) -> Any:
            out = await super().scalar(*a, **kw)
            await self._sync()
            return out

        async def execute(self, *a: Any, **kw: Any) -> Any:
            out = await super().execute(*a, **kw)
            await self._sync()
            return out

    sessions = async_sessionmaker(bind, class_=LockstepSession, expire_on_commit=False)
    return Context(sessions=sessions, clock=ctx.clock, policy=ctx.policy)
