"""People and the catalogue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from bot.domain.errors import InvalidInput
from bot.domain.spoof import visible
from bot.domain.views import MasterView, UserView
from bot.services.base import Context
from bot.services.views import master_view, master_view_of, user_view, user_view_of
from db import users
from db.models import Service, User

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "services.json"


@dataclass(frozen=True)
class ServiceItem:
    code: str
    names: dict[str, str]
    warranty_min_months: int = 1

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.code


async def touch_user(
    ctx: Context, user_id: int, first_name: str, username: str | None,
    language_code: str | None,
) -> tuple[UserView, MasterView | None]:
    """Load (creating or refreshing) the user behind an update, and his master record."""
    first_name = visible(first_name)  # a name that reorders itself could pass for another
    try:
        return await _touch(ctx, user_id, first_name, username, language_code)
    except IntegrityError:  # his first two updates raced to create him: the row is there now
        return await _touch(ctx, user_id, first_name, username, language_code)


async def _touch(
    ctx: Context, user_id: int, first_name: str, username: str | None,
    language_code: str | None,
) -> tuple[UserView, MasterView | None]:
    """Read; write only when he is new or his profile changed (most updates only read, and
    their read rides on the update's next write: db/scope.py)."""
    fresh = (first_name[:128], username, language_code, False)
    async with ctx.read() as s:
        row, master_row = await users.person(s, user_id)
        if row is not None and (row["first_name"], row["username"], row["language_code"],
                                row["unreachable"]) == fresh:
            return (user_view_of(row),
                    await master_view_of(s, master_row) if master_row else None)
    async with ctx.tx() as s:
        user, master = await users.with_master(s, user_id)
        if user is None:
            user = User(id=user_id, first_name=fresh[0], username=username,
                        language_code=language_code, created_at=ctx.clock())
            users.add(s, user)
        else:
            user.first_name, user.username = fresh[0], username
            user.language_code = language_code
            user.unreachable = False  # he writes to us, so he has unblocked the bot
        mv = await master_view(s, master) if master else None
        await s.flush()
        return user_view(user), mv


async def set_locale(ctx: Context, user_id: int, locale: str) -> None:
    async with ctx.tx() as s:
        user, master = await users.with_master(s, user_id)
        if user is None:
            raise InvalidInput("error.not_found")
        user.locale = locale
        user.unreachable = False


async def seed_catalogue(ctx: Context, path: Path = DEFAULT_CATALOGUE) -> int:
    """Fill the catalogue from JSON when it is empty; an edited table is never overwritten."""
    try:
        return await _seed(ctx, path)
    except IntegrityError:  # another process starting at the same moment seeded it
        return 0


async def _seed(ctx: Context, path: Path) -> int:
    async with ctx.tx() as s:
        if await users.has_services(s):
            return 0
        items = json.loads(path.read_text(encoding="utf-8"))
        for pos, item in enumerate(items):
            users.add_service(s, Service(
                code=item["code"], position=pos, names=item["names"], active=True,
                warranty_min_months=int(item.get("warranty_min_months", 1))))
        return len(items)


async def catalogue(ctx: Context) -> list[ServiceItem]:
    async with ctx.read() as s:
        rows = await users.active_services(s)
        return [ServiceItem(code, dict(names), warranty) for code, names, warranty in rows]
