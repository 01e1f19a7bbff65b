"""The Alembic migrations build exactly the schema that db.models describes."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from db.engine import make_engine
from db.migrate import alembic_config, migrate
from db.models import Base


def _diff(connection: Connection) -> list[Any]:
    mc = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": False,
              "render_as_batch": connection.dialect.name == "sqlite"},
    )
    return compare_metadata(mc, Base.metadata)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_migrated_schema_matches_models(db_url, request):
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()  # starts empty
        await migrate(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
            tables = await conn.run_sync(_tables)
        assert diff == [], diff
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        await engine.dispose()


async def test_migrate_twice_is_a_noop(db_url):
    engine = make_engine(db_url)
    try:
        await migrate(engine)
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO services (code, position, names, active) "
                "VALUES ('probe', 0, '{}', true)"
            ))
        await migrate(engine)
        async with engine.connect() as conn:
            versions = (await conn.execute(
                text("SELECT version_num FROM alembic_version"))).scalars().all()
            probe = (await conn.execute(
                text("SELECT code FROM services WHERE code = 'probe'"))).scalars().all()
            tables = await conn.run_sync(_tables)
        assert versions == [_head()]
        assert probe == ["probe"]  # data survives a second start
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        await engine.dispose()


async def test_single_head():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


async def test_schema_check_sees_a_drift(db_url):
    """The comparison is not vacuous: a column the migrations lack is reported."""
    from sqlalchemy import Column, Integer, MetaData

    drifted = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["orders"].append_column(Column("drift", Integer))

    def diff(connection: Connection) -> list[Any]:
        mc = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(mc, drifted)

    engine = make_engine(db_url)
    try:
        await migrate(engine)
        async with engine.connect() as conn:
            found = await conn.run_sync(diff)
        assert any(d[0] == "add_column" and d[3].name == "drift" for d in found
                   if isinstance(d, tuple)), found
    finally:
        await engine.dispose()


async def test_two_processes_migrating_at_once_take_turns(db_url) -> None:
    """Bot processes starting together on one database must not race to create tables."""
    import asyncio

    from bot.services.base import Context
    from bot.services.users import catalogue, seed_catalogue
    from db.engine import make_engine, make_sessionmaker
    from db.migrate import migrate

    engines = [make_engine(db_url) for _ in range(3)]
    try:
        await asyncio.gather(*(migrate(e) for e in engines))
        ctxs = [Context(sessions=make_sessionmaker(e)) for e in engines]
        seeded = await asyncio.gather(*(seed_catalogue(c) for c in ctxs))
        assert sorted(seeded)[-1] == 6 and sum(seeded) == 6
        assert len(await catalogue(ctxs[0])) == 6
    finally:
        for e in engines:
            await e.dispose()


def test_alembic_upgrade_by_hand_reads_database_url_from_dotenv(tmp_path) -> None:
    """alembic.ini promises `alembic upgrade head` uses DATABASE_URL from the environment or
    `.env`, as the bot does; no BOT_TOKEN is needed to migrate."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    (tmp_path / ".env").write_text(
        f"DATABASE_URL=sqlite+aiosqlite:///{tmp_path}/from-dotenv.sqlite3\n")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BOT_TOKEN"}}
    env["PYTHONPATH"] = str(root)
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "from-dotenv.sqlite3") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (_head(),)
    assert not (tmp_path / "data").exists()  # not the default database


def _to(revision: str):
    from alembic import command

    def run(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    return run


def _fill(connection: Connection, table: str, **values: Any) -> None:
    """Insert a row into a table as the old schema has it, with dummy values for every
    required column the test does not care about."""
    from datetime import UTC, datetime

    from sqlalchemy import MetaData, Table
    from sqlalchemy import types as t

    meta = MetaData()
    tab = Table(table, meta, autoload_with=connection)
    row: dict[str, Any] = {}
    for col in tab.columns:
        if col.name in values or col.nullable or col.primary_key:
            continue
        kind = col.type
        row[col.name] = (datetime(2026, 1, 1, tzinfo=UTC) if isinstance(kind, t.DateTime)
                         else False if isinstance(kind, t.Boolean)
                         else 0 if isinstance(kind, t.Integer | t.Numeric)
                         else [] if isinstance(kind, t.JSON) else "x")
    connection.execute(tab.insert().values(**row, **values))


@pytest.mark.parametrize(("code", "scale"), [("RUB", 100), ("VND", 1)])
async def test_0016_converts_numeric_money_to_minor_units(db_url, monkeypatch, code, scale):
    """Existing prices, quotes, extras and refunds keep their value, in the CURRENCY's minor
    units (issue 12)."""
    from decimal import Decimal

    monkeypatch.setenv("CURRENCY", code)
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to("0015"))
            await conn.run_sync(lambda c: _fill(c, "users", id=1))
            await conn.run_sync(lambda c: _fill(c, "services", code="x"))
            await conn.run_sync(lambda c: _fill(c, "orders", id=7, client_id=1, draft_token="a",
                                                final_price=Decimal("1500000.29"),
                                                refund=Decimal("0.29")))
            await conn.run_sync(lambda c: _fill(c, "orders", id=8, client_id=1, draft_token="b",
                                                final_price=None, refund=None))
            for n, amount in enumerate(("2500.00", "12.50", "0.29")):
                await conn.run_sync(lambda c, n=n, a=amount: _fill(
                    c, "price_items", id=n + 1, order_id=7, amount=Decimal(a)))
        async with engine.begin() as conn:
            await conn.run_sync(_to("head"))
        async with engine.connect() as conn:
            orders = (await conn.execute(text(
                "SELECT id, final_price, refund FROM orders ORDER BY id"))).all()
            amounts = (await conn.execute(text(
                "SELECT amount FROM price_items ORDER BY id"))).scalars().all()
            diff = await conn.run_sync(_diff)
        if scale == 100:
            assert [tuple(o) for o in orders] == [(7, 150000029, 29), (8, None, None)]
            assert amounts == [250000, 1250, 29]
        else:  # đồng have no decimals: the cents of a mis-typed price round half up
            assert [tuple(o) for o in orders] == [(7, 1500000, 0), (8, None, None)]
            assert amounts == [2500, 13, 0]
        assert all(isinstance(a, int) for a in amounts)
        assert diff == [], diff
    finally:
        await engine.dispose()
