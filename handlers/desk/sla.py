"""/sla in the desk: orders at risk and breached, oldest first, each linking its topic."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.domain.rules import Actor, desk_only
from bot.i18n import _, fmt_datetime, fmt_span
from bot.notify.fit import fit_list
from bot.notify.names import late_name
from bot.notify.render import Renderer, and_more, q
from bot.notify.render_base import order_link
from bot.services.base import Context
from bot.services.deadlines import sla_board


async def sla(message: Message, ctx: Context, actor: Actor, renderer: Renderer) -> None:
    desk_only(actor)
    lines = await sla_board(ctx, actor)
    if not lines:
        await message.answer(_("✅ No order is at risk or overdue."))
        return
    now = ctx.clock()
    out = []
    for line in lines:
        o = line.order
        title = q(renderer.topic_name(o))
        link = order_link(ctx.policy.desks, o)
        head = f'<a href="{link}">{title}</a>' if link else title
        what = late_name(line.kind)
        if o.sla_state == "breach":
            state = _("overdue by {span}").format(
                span=fmt_span(max(now - line.due_at, timedelta(0))))
        else:
            state = _("due {time}").format(time=fmt_datetime(line.due_at, renderer.tz))
        out.append(f"{head}: {what}, {state}")
    # Whole lines while they fit one message (HTML intact), then how many are left out.
    await message.answer(fit_list(_("<b>SLA: at risk and overdue</b>") + "\n", out,
                                  more=and_more))


def make_router() -> Router:
    router = Router(name="desk_sla")
    router.message.register(sla, Command("sla"))
    return router
