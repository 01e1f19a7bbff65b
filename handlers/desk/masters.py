"""The desk approves or rejects a master's application from its card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot.callbacks import Cb
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.i18n import _
from bot.services.base import Context
from bot.services.masters import decide_master

router = Router(name="desk_masters")


@router.callback_query(Cb.filter(F.a.in_({"mapp", "mrej"})))
async def decide(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    approve = callback_data.a == "mapp"
    await decide_master(ctx, actor, callback_data.o, approve)
    await query.answer(_("The master is approved.") if approve else _("The application is "
                                                                     "rejected."))
