"""The Alembic migrations build exactly the schema that db.models describes."""

from __future__ import annotations

from typing import Any

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

    root = Path(__file__).resolve().parent.parent
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
