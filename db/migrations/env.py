"""Alembic environment: runs on a connection handed over by db.migrate, or, for
`alembic upgrade head` by hand, on DATABASE_URL read as the bot reads it (the environment, then
`.env` in the working directory, then the default)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from pydantic_settings import BaseSettings
from sqlalchemy.engine import Connection

from bot.config import Settings
from db.models import Base, UTCDateTime

target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Migrations use plain sa.DateTime: UTCDateTime only converts values in Python."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url(url: str) -> None:
    from db.engine import make_engine

    engine = make_engine(url)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


class _DatabaseSettings(BaseSettings):
    """Only DATABASE_URL, from the same sources as the bot's settings: migrating by hand needs
    no BOT_TOKEN."""

    model_config = Settings.model_config
    database_url: str = Settings.model_fields["database_url"].default


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_from_url(_DatabaseSettings().database_url))
