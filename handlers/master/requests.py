"""The master asks the desk for more time or to be released (he cannot cancel a job [V])."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.i18n import _
from bot.notify.render import EXTENSION_REASON_NAMES, RELEASE_REASON_NAMES, Renderer, button
from bot.services.base import Context
from bot.services.master_requests import EXTENSION_REASONS, RELEASE_REASONS, ask
from bot.services.orders import get_order

router = Router(name="master_requests")
KINDS = {"ext": ("extension", EXTENSION_REASONS, EXTENSION_REASON_NAMES, "extr"),
         "rel": ("release", RELEASE_REASONS, RELEASE_REASON_NAMES, "relr")}


@router.callback_query(Cb.filter(F.a.in_({"ext", "rel"})))
async def pick_reason(query: CallbackQuery, callback_data: Cb, ctx: Context,
                      actor: Actor) -> None:
    await get_order(ctx, actor, callback_data.o)  # his own job only
    _kind, reasons, names, code = KINDS[callback_data.a]
    question = (_("Why do you need more time?") if callback_data.a == "ext"
                else _("Why do you ask to be released? The desk decides; a release is recorded "
                       "in your discipline record."))
    rows = [[button(_(names[r]), code, callback_data.o, i)] for i, r in enumerate(reasons)]
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(question, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(Cb.filter(F.a.in_({"extr", "relr"})))
async def send(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    kind, reasons, _names, _code = KINDS[callback_data.a[:3]]
    if not 0 <= callback_data.x < len(reasons):
        raise NotAllowed("error.outdated")
    await ask(ctx, actor, callback_data.o, kind, reasons[callback_data.x])
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("Your request has been sent to the desk. We will write to "
                                    "you with the answer."))
