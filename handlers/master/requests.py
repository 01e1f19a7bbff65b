"""The master asks the desk for more time or to be released (he cannot cancel a job [V])."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.buttons.jobs import Job, JobAction, JobReason, reasons_keyboard
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.i18n import _
from bot.notify.render import EXTENSION_REASON_NAMES, RELEASE_REASON_NAMES, Renderer
from bot.services.base import Context
from bot.services.master_requests import EXTENSION_REASONS, RELEASE_REASONS, ask
from bot.services.orders import get_order

# (what the desk is asked for, its reasons, their names, the press that picks one)
KINDS = {JobAction.EXTEND: ("extension", EXTENSION_REASONS, EXTENSION_REASON_NAMES,
                            JobAction.EXTEND_FOR),
         JobAction.RELEASE: ("release", RELEASE_REASONS, RELEASE_REASON_NAMES,
                             JobAction.RELEASE_FOR)}
PICKED = {follow: kind for kind, (*_rest, follow) in KINDS.items()}


async def pick_reason(query: CallbackQuery, callback_data: Job, ctx: Context,
                      actor: Actor) -> None:
    await get_order(ctx, actor, callback_data.order_id)  # his own job only
    _kind, reasons, names, follow = KINDS[callback_data.action]
    question = (_("Why do you need more time?") if callback_data.action == JobAction.EXTEND
                else _("Why do you ask to be released? The desk decides; a release is recorded "
                       "in your discipline record."))
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(question, reply_markup=reasons_keyboard(
        follow, callback_data.order_id, [_(names[r]) for r in reasons]))


async def send(query: CallbackQuery, callback_data: JobReason, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    kind, reasons, _names, _follow = KINDS[PICKED[callback_data.action]]
    if not 0 <= callback_data.index < len(reasons):
        raise NotAllowed("error.outdated")
    await ask(ctx, actor, callback_data.order_id, kind, reasons[callback_data.index])
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("Your request has been sent to the desk. We will write to "
                                    "you with the answer."))


def make_router() -> Router:
    router = Router(name="master_requests")
    router.callback_query.register(pick_reason, Job.filter(F.action.in_(set(KINDS))))
    router.callback_query.register(send, JobReason.filter(F.action.in_(set(PICKED))))
    return router
