"""Apply Alembic migrations at start, on the bot's own engine."""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return cfg


def _upgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


MIGRATION_LOCK = 7_412_001  # any constant: the key of PostgreSQL's advisory lock


async def migrate(engine: AsyncEngine) -> None:
    """Upgrade to head. Several bot processes starting together on one PostgreSQL database
    take turns (an advisory lock held for the transaction; DDL is transactional there), so the
    second finds the schema at head instead of racing to create it."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    async with _file_lock(database):
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            await conn.run_sync(_upgrade)


@asynccontextmanager
async def _file_lock(database: str | None) -> AsyncIterator[None]:
    """SQLite runs DDL outside a transaction: processes sharing the file take turns by an
    exclusive lock on a file beside it."""
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a+") as fp:
        await asyncio.to_thread(fcntl.flock, fp.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fp.fileno(), fcntl.LOCK_UN)
