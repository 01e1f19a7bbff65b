"""/order N, /find, /stats, /export in the desk (SPEC §3)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.i18n import _, fmt_decimal, ngettext
from bot.notify.fit import fit_list
from bot.notify.render import Renderer, and_more, q
from bot.notify.render_base import order_link
from bot.services.base import Context
from bot.services.figures import desk_stats, export_file, find_orders, order_for_desk
from handlers.inputs import number_arg


def _line(ctx: Context, renderer: Renderer, o: OrderView) -> str:
    title = q(renderer.topic_name(o))
    link = order_link(ctx.policy.desks, o)
    head = f'<a href="{link}">{title}</a>' if link else title
    return f"{head} — {renderer.status(o.status)}"


async def order_cmd(message: Message, command: CommandObject, ctx: Context, actor: Actor,
                    renderer: Renderer) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    o = await order_for_desk(ctx, actor, number_arg(command.args or "", "error.order_usage"))
    text, _kb = renderer.card(o)
    await message.answer(_line(ctx, renderer, o) + "\n\n" + text)


async def find_cmd(message: Message, command: CommandObject, ctx: Context, actor: Actor,
                   renderer: Renderer) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    query = (command.args or "").strip()
    if not query:
        raise InvalidInput("error.find_usage")
    found = await find_orders(ctx, actor, query)
    if not found:
        await message.answer(_("Nothing found for «{query}».").format(query=q(query[:100])))
        return
    await message.answer(fit_list(
        ngettext("{n} order found:", "{n} orders found:", len(found)).format(n=len(found)),
        [_line(ctx, renderer, o) for o in found], more=and_more))


async def stats_cmd(message: Message, ctx: Context, actor: Actor, renderer: Renderer) -> None:
    st = await desk_stats(ctx, actor)
    lines = [_("<b>Desk figures</b>"), ""]
    for status in Status:
        if st.by_state.get(status.value):
            lines.append(f"{renderer.status(status)}: {st.by_state[status.value]}")
    lines += [
        "",
        _("Open orders: {n}").format(n=st.open_orders),
        _("Overdue now: {n}").format(n=st.overdue),
        _("SLA breaches so far: {n}").format(n=st.breaches),
        _("Average time to assign: {minutes} min").format(
            minutes=fmt_decimal(st.minutes_to_assign)) if st.minutes_to_assign is not None
        else _("Average time to assign: —"),
        ngettext("Average rating: {rating} ({n} review)",
                 "Average rating: {rating} ({n} reviews)", st.reviews).format(
            rating=fmt_decimal(st.rating), n=st.reviews) if st.rating is not None
        else _("Average rating: no reviews yet"),
    ]
    await message.answer("\n".join(lines))


async def export_cmd(message: Message, ctx: Context, actor: Actor) -> None:
    name = f"orders-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
    async with export_file(ctx, actor) as path:  # written page by page, removed after sending
        await message.answer_document(BufferedInputFile.from_file(path, filename=name),
                                      caption=_("All orders, without phones and addresses."))


def make_router() -> Router:
    router = Router(name="desk_reports")
    router.message.register(order_cmd, Command("order"))
    router.message.register(find_cmd, Command("find"))
    router.message.register(stats_cmd, Command("stats"))
    router.message.register(export_cmd, Command("export"))
    return router
