"""The board's order page: the card's facts, the timeline from the audit log with the
deadlines as planned, fired (and how late) or met, the photos, the quote and extras, the
review. The photos come through the bot's getFile, so the page never shows a file id."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiogram.exceptions import TelegramAPIError
from aiohttp import web

from bot.board.context import Board, board_of, user_of
from bot.board.layout import PREFIX, h, page, when
from bot.board.now import countdown, sla_label
from bot.board.words import ROLE_NAMES, STATE_NAMES, action_name
from bot.domain.errors import NotFound
from bot.domain.files import parse_ref
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.i18n import _, fmt_datetime, fmt_span
from bot.notify.names import clock_name
from bot.notify.render_base import order_link
from bot.services.board import NowRow, OrderPage, Step
from bot.services.board import order_page as read_order
from bot.services.figures import order_for_desk

logger = logging.getLogger(__name__)
ALBUMS = {"order": "photos", "report": "report_photos", "claim": "complaint_photos"}


def _place(o: OrderView) -> str:
    if o.address:
        return o.address
    if o.latitude is None or o.longitude is None:
        return "—"
    return f"{o.latitude:.5f}, {o.longitude:.5f}"


def _facts(board: Board, o: OrderView) -> str:
    r = board.app.renderer
    pairs = [(_("State"), h(r.status(o.status))), (_("Service"), h(r.service(o.service))),
             (_("Problem"), h(o.description)), (_("Client"), h(o.client_name)),
             (_("Phone"), h(o.phone)), (_("Address"), h(_place(o))),
             (_("District"), h(o.district or o.area)), (_("When"), h(r.when(o))),
             (_("Master"), h(o.master_name or o.offered_master_name or "—")),
             (_("Placed"), when(o.created_at, r.tz))]
    if o.visit_at:
        pairs.append((_("Visit"), when(o.visit_at, r.tz)))
    if o.final_price is not None:
        pairs.append((_("Final price"), h(r.money(o.final_price))))
    if o.warranty_months:
        pairs.append((_("Warranty, months"), h(o.warranty_months)))
    if o.complaint:
        pairs.append((_("Claim"), h(o.complaint)))
    return '<div class="card facts">' + "".join(
        f"<span class=hint>{h(k)}</span><span>{v}</span>" for k, v in pairs) + "</div>"


def _planned(board: Board, st: Step) -> str:
    tz = board.app.renderer.tz
    kind = st.action.removeprefix("plan:")
    text = _("deadline planned: {what}, due {due}").format(
        what=clock_name(kind), due=fmt_datetime(st.due_at, tz) if st.due_at else "")
    state = _(STATE_NAMES[st.state]) if st.state in STATE_NAMES else st.state or ""
    late = ""
    if st.late_seconds:
        span = fmt_span(timedelta(seconds=st.late_seconds))
        text_late = _("late by {span}").format(span=span)
        late = f' <span class="late">{h(text_late)}</span>'
    return (f'<li data-testid="deadline-{h(kind)}">{when(st.at, tz)} — ⏰ {h(text)} '
            f'<span class="hint">({h(state)})</span>{late}</li>')


STATUSES = frozenset(st.value for st in Status)


def _step(board: Board, st: Step) -> str:
    r = board.app.renderer
    at = when(st.at, r.tz)
    if st.action.startswith("plan:"):
        return _planned(board, st)
    if st.action.startswith("deadline:"):
        text = _("deadline fired: {what}").format(
            what=clock_name(st.action.removeprefix("deadline:")))
        return f'<li class="late">{at} — 🔔 {h(text)}</li>'
    who = _(ROLE_NAMES[st.role]) if st.role in ROLE_NAMES else (st.role or "")
    if st.actor:
        who = f"{who} {st.actor}"
    move = ""
    if st.from_status in STATUSES and st.to_status in STATUSES:
        move = f" {r.status(Status(st.from_status))} → {r.status(Status(st.to_status))}"
    reason = f' <span class="hint">{h(st.reason)}</span>' if st.reason else ""
    return (f'<li>{at} — {h(who)}: <span title="{h(st.action)}">{h(action_name(st.action))}'
            f"</span>{h(move)}{reason}</li>")


def photo_id(ref: str) -> str | None:
    """The file id of a kept photo: a bare id (the order's own photos) or `photo:<id>`; None
    for a document."""
    if ":" not in ref:
        return ref
    f = parse_ref(ref)
    return f.file_id if f.kind == "photo" else None


def _photos(o: OrderView) -> str:
    out = []
    for kind, field in ALBUMS.items():
        refs = getattr(o, field)
        out += [f'<a href="{PREFIX}/file/{o.id}/{kind}/{i}" target="_blank">'
                f'<img src="{PREFIX}/file/{o.id}/{kind}/{i}" alt="{h(kind)} {i + 1}"></a>'
                for i, ref in enumerate(refs) if photo_id(ref)]
    return f'<div class="photos">{"".join(out)}</div>' if out else ""


def _money(board: Board, o: OrderView) -> str:
    r = board.app.renderer
    quote, extra = _("Quote"), _("Extra")
    items = [f'<li>{h(quote if p.kind == "quote" else extra)}: {h(p.item)} — '
             f'{h(r.money(p.amount))} <span class="hint">({h(p.status)})</span></li>'
             for p in o.price_items]
    review = ""
    if o.review_stars is not None:
        review = (f'<p data-testid="review">{"★" * o.review_stars}{"☆" * (5 - o.review_stars)}'
                  f' {h(o.review_comment or "")}</p>')
    return (f"<ul>{''.join(items)}</ul>" if items else "") + review


def _body(board: Board, p: OrderPage) -> str:
    o = p.order
    link = order_link(board.app.ctx.policy.desks, o)
    word, money, timeline = _("topic"), _("Price and review"), _("Timeline")
    head = (f'<p><span class="sla {h(o.sla_state)}">{h(sla_label(o.sla_state))}</span> '
            f'{countdown(NowRow(o, p.clock), board.app.ctx.clock())}'
            + (f' · <a href="{h(link)}" target="_blank">{h(word)} ↗</a>' if link else "")
            + "</p>")
    steps = "".join(_step(board, st) for st in p.steps)
    return (head + _facts(board, o) + _photos(o) + f'<h2>{h(money)}</h2>'
            + (_money(board, o) or '<p class="hint">—</p>')
            + f'<h2>{h(timeline)}</h2><ul class="timeline" data-testid="timeline">'
            + steps + "</ul>")


async def order_page(request: web.Request) -> web.Response:
    board = board_of(request)
    number = int(request.match_info["number"])
    p = await read_order(board.app.ctx, Actor(user_of(request), is_desk=True), number)
    if p is None:
        return web.Response(status=404, content_type="text/html",
                            text=page(_("No such order"), "", "now"))
    title = _("Order #{number}").format(number=number)
    return web.Response(text=page(title, _body(board, p), "now"), content_type="text/html")


async def photo(request: web.Request) -> web.Response:
    """One of the order's photos, fetched from Telegram by its file id."""
    board = board_of(request)
    number, kind = int(request.match_info["number"]), request.match_info["kind"]
    index = int(request.match_info["index"])
    try:
        o = await order_for_desk(board.app.ctx, Actor(user_of(request), is_desk=True), number)
    except NotFound:
        raise web.HTTPNotFound() from None
    refs = getattr(o, ALBUMS[kind]) if kind in ALBUMS else ()
    file_id = photo_id(refs[index]) if index < len(refs) else None
    if file_id is None:
        raise web.HTTPNotFound()
    try:
        file = await board.bot.get_file(file_id)
        data = await board.bot.download_file(file.file_path or "")
    except TelegramAPIError as exc:
        logger.warning("board: cannot fetch a photo of order %s: %s", number, exc)
        raise web.HTTPNotFound() from None
    assert data is not None
    return web.Response(body=data.read(), content_type="image/jpeg",
                        headers={"Cache-Control": "private, max-age=3600"})
