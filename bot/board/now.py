"""The board's "Now" page: every open order grouped by state with its SLA countdown, master,
district and age; filters and search in the query string; the list polled every few seconds
and redrawn only when it changed."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web

from bot.board.context import Board, board_of, user_of
from bot.board.layout import PREFIX, age, h, page, select
from bot.domain.rules import Actor
from bot.i18n import _, fmt_span
from bot.notify.names import late_name
from bot.notify.render_base import order_link
from bot.services.board import OPEN, NowBoard, NowQuery, NowRow, now_board, now_version


def query_of(request: web.Request) -> NowQuery:
    q = request.query
    master = q.get("master", "")
    return NowQuery(status=q.get("state") or None, service=q.get("service") or None,
                    district=q.get("district") or None,
                    master_id=int(master) if master.isdigit() else None,
                    breached=q.get("breached") == "1", search=q.get("q", "")[:100])


def sla_label(state: str) -> str:
    return {"ok": _("on time"), "risk": _("at risk"), "breach": _("breached")}.get(state, state)


def countdown(row: NowRow, now: datetime) -> str:
    clock = row.clock
    if clock is None:
        return ""
    if clock.paused:
        text = _("paused")
    elif clock.due_at > now:
        text = _("due in {span}").format(span=fmt_span(clock.due_at - now))
    else:
        text = _("overdue by {span}").format(span=fmt_span(max(now - clock.due_at,
                                                               timedelta(0))))
    what = late_name(clock.kind)
    return f'<span title="{h(what)}">{h(text)}</span>'


def _line(board: Board, row: NowRow, now: datetime) -> str:
    o, r = row.order, board.app.renderer
    link = order_link(board.app.ctx.policy.desks, o)
    word = _("topic")
    topic = f'<a href="{h(link)}" target="_blank">{h(word)} ↗</a>' if link else ""
    master = o.master_name or o.offered_master_name or "—"
    return (f'<tr data-testid="order-{o.id}"><td><a href="{PREFIX}/order/{o.id}">#{o.id}</a>'
            f'</td><td>{h(r.service(o.service))}</td><td>{h(o.district or o.area)}</td>'
            f'<td>{h(master)}</td><td><span class="sla {h(o.sla_state)}">'
            f'{h(sla_label(o.sla_state))}</span> {countdown(row, now)}</td>'
            f'<td class="wide">{age(o.created_at, now)}</td><td>{topic}</td></tr>')


def rows_html(board: Board, b: NowBoard, version: str) -> str:
    now = board.app.ctx.clock()
    titles = [_("Service"), _("District"), _("Master"), _("SLA")]
    head = ("<tr><th>№</th>" + "".join(f"<th>{h(t)}</th>" for t in titles)
            + '<th class="wide">' + h(_("Age")) + "</th><th></th></tr>")
    parts = [f'<div id="rows" data-version="{h(version)}">']
    for status, lines in b.groups:
        parts.append(f'<h2 data-testid="group-{status.value}">'
                     f'{h(board.app.renderer.status(status))} '
                     f'<span class="hint">{len(lines)}</span></h2><table class="orders">{head}'
                     + "".join(_line(board, r, now) for r in lines) + "</table>")
    if not b.groups:
        parts.append('<p class="hint">' + h(_("No open order matches.")) + "</p>")
    if b.total > b.shown:
        parts.append('<p class="hint">' + h(_("The oldest {shown} of {total} are shown; "
                                              "narrow the list with the filters.").format(
            shown=b.shown, total=b.total)) + "</p>")
    return "".join(parts) + "</div>"


def filters_html(board: Board, q: NowQuery, b: NowBoard) -> str:
    r, settings = board.app.renderer, board.app.settings
    states = [(st.value, r.status(st)) for st in OPEN]
    services = sorted(((code, r.service(code)) for code in r.services), key=lambda x: x[1])
    districts = [(d, d) for d in settings.districts]
    masters = [(str(i), name) for i, name in b.masters]
    checked = " checked" if q.breached else ""
    hint, breached, search = (_("Number, phone, name, address"), _("Breached only"),
                              _("Search"))
    return ('<form class="filters" method="get">'
            f'<input type="search" name="q" value="{h(q.search)}" data-testid="search" '
            f'placeholder="{h(hint)}">'
            + select("state", states, q.status, _("All states"))
            + select("service", services, q.service, _("All services"))
            + (select("district", districts, q.district, _("All districts"))
               if districts else "")
            + select("master", masters, str(q.master_id) if q.master_id else None,
                     _("All masters"))
            + f'<label><input type="checkbox" name="breached" value="1"{checked} '
              f'data-testid="filter-breached"> {h(breached)}</label>'
            + f'<button type="submit">{h(search)}</button></form>')


async def now_page(request: web.Request) -> web.Response:
    board, q = board_of(request), query_of(request)
    actor = Actor(user_of(request), is_desk=True)
    version = await now_version(board.app.ctx, actor)
    b = await now_board(board.app.ctx, actor, q)
    body = filters_html(board, q, b) + rows_html(board, b, version)
    return web.Response(text=page(_("Open orders"), body, "now"), content_type="text/html")


async def rows(request: web.Request) -> web.Response:
    """The list alone, for the page's poll; 204 when it has not changed since `v`."""
    board = board_of(request)
    actor = Actor(user_of(request), is_desk=True)
    version = await now_version(board.app.ctx, actor)
    if request.query.get("v") == version:
        return web.Response(status=204)
    b = await now_board(board.app.ctx, actor, query_of(request))
    return web.Response(text=rows_html(board, b, version), content_type="text/html")
