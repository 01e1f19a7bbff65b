"""The board's figures of a chosen period drawn as SVG charts, the CSV export of the same
period, and the masters' register with the verification queue."""

from __future__ import annotations

from datetime import date, timedelta

from aiohttp import web
from babel.dates import format_skeleton

from bot.board.charts import hbars, stacked_bars
from bot.board.context import Board, board_of, user_of
from bot.board.layout import PREFIX, h, page
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.i18n import _, current_locale, fmt_decimal, fmt_span, ngettext
from bot.notify.names import CANCEL_REASON_NAMES, clock_name
from bot.services.board_figures import (
    Figures,
    MasterLine,
    Period,
    Spread,
    figures_of,
    masters_of,
    period,
)
from bot.services.figures import export_file

BREACH_KINDS = ("triage", "callback", "arrival", "completion")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def period_of(request: web.Request, board: Board) -> Period:
    tz = board.app.renderer.tz
    today = board.app.ctx.clock().astimezone(tz).date()
    return period(_day(request.query.get("from")), _day(request.query.get("to")), today, tz)


def _minutes(value: float | None) -> str:
    if value is None:
        return "—"
    return fmt_span(timedelta(minutes=value))


def _spread(title: str, s: Spread) -> str:
    figures = _("median {median}, 90% within {p90}").format(median=_minutes(s.median),
                                                            p90=_minutes(s.p90))
    count = ngettext("{count} order", "{count} orders", s.count).format(count=s.count)
    return (f'<div class="card"><b>{h(title)}</b><br>{h(figures)}'
            f' <span class="hint">({h(count)})</span></div>')


def _charts(board: Board, f: Figures) -> str:
    r = board.app.renderer
    days = sorted(f.per_day)
    states = [st for st in Status if any(f.per_day[d].get(st.value) for d in days)]
    none = _("Nothing in this period.")
    per_day = stacked_bars([format_skeleton("Md", d, locale=current_locale()) for d in days],
                           [(r.status(st), [f.per_day[d].get(st.value, 0) for d in days])
                            for st in states], _("Orders per day by state"))
    breaches = hbars([(clock_name(k), f.breaches.get(k, 0), str(f.breaches.get(k, 0)))
                      for k in BREACH_KINDS], _("SLA breaches"), none)
    ratings = hbars([(r.service(sv), avg, f"{fmt_decimal(avg)} ★ ({n})")
                     for sv, avg, n in f.ratings], _("Ratings by service"), none)
    cancels = hbars([(_(CANCEL_REASON_NAMES[k]) if k in CANCEL_REASON_NAMES else k or "—",
                      n, str(n)) for k, n in sorted(f.cancellations.items())],
                    _("Cancellations by reason"), none)
    blocks = [(_("Orders per day by state"), per_day), (_("SLA breaches"), breaches),
              (_("Ratings by service"), ratings), (_("Cancellations by reason"), cancels)]
    return '<div class="charts">' + "".join(
        f'<div class="card{" full" if i == 0 else ""}"><h2>{h(t)}</h2>{svg}</div>'
        for i, (t, svg) in enumerate(blocks)) + "</div>"


async def figures_page(request: web.Request) -> web.Response:
    board = board_of(request)
    p = period_of(request, board)
    f = await figures_of(board.app.ctx, Actor(user_of(request), is_desk=True), p)
    span = f"from={p.first.isoformat()}&amp;to={p.last.isoformat()}"
    since, until, show, csv = _("From"), _("To"), _("Show"), _("CSV export of this period")
    form = (f'<form class="filters" method="get"><label>{h(since)} <input type="date" '
            f'name="from" value="{p.first.isoformat()}"></label><label>{h(until)} '
            f'<input type="date" name="to" value="{p.last.isoformat()}"></label>'
            f'<button type="submit">{h(show)}</button> '
            f'<a href="{PREFIX}/export.csv?{span}" data-testid="export">{h(csv)}</a></form>')
    body = (form + _spread(_("Time to assign a master"), f.to_assign)
            + _spread(_("Time to complete"), f.to_complete) + _charts(board, f))
    return web.Response(text=page(_("Figures"), body, "figures"), content_type="text/html")


async def export(request: web.Request) -> web.StreamResponse:
    board = board_of(request)
    p = period_of(request, board)
    actor = Actor(user_of(request), is_desk=True)
    name = f"orders-{p.first.isoformat()}-{p.last.isoformat()}.csv"
    async with export_file(board.app.ctx, actor, p.since, p.until) as path:
        return web.Response(body=path.read_bytes(), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _master_row(board: Board, line: MasterLine) -> str:
    m, r = line.master, board.app.renderer
    state = (_("blocked") if m.blocked else _("verified") if m.verified else h(m.status))
    duty = _("on duty") if m.on_duty else _("off duty")
    ratings = ", ".join(f"{r.service(sv)} {fmt_decimal(avg)}★ ({n})"
                        for sv, (avg, n) in sorted(line.ratings.items()))
    misses = ", ".join(f"{clock_name(k)}: {n}" for k, n in sorted(line.misses.items()))
    return (f'<tr data-testid="master-{m.id}"><td>{h(m.name)}</td><td>{h(state)}</td>'
            f'<td>{h(", ".join(r.service(s) for s in m.services))}</td>'
            f'<td class="wide">{h(", ".join(m.districts))}</td><td>{h(duty)}</td>'
            f'<td>{line.load}</td><td>{line.done}</td><td>{h(ratings)}</td>'
            f'<td>{h(misses or "—")}</td></tr>')


async def masters_page(request: web.Request) -> web.Response:
    board = board_of(request)
    mp = await masters_of(board.app.ctx, Actor(user_of(request), is_desk=True))
    titles = (_("Master"), _("State"), _("Services"), _("Districts"), _("Duty"),
              _("Open jobs"), _("Done"), _("Rating by service"), _("Missed clocks"))
    head = "<tr>" + "".join(f'<th{" class=wide" if i == 3 else ""}>{h(t)}</th>'
                            for i, t in enumerate(titles)) + "</tr>"
    rows = "".join(_master_row(board, line) for line in mp.lines if line.master.status
                   == "approved")
    queue = "".join(f"<li>{h(m.name)} — {h(', '.join(m.services))}</li>" for m in mp.queue)
    waiting, nobody = _("Waiting for verification"), _("Nobody.")
    body = (f"<table>{head}{rows}</table><h2>{h(waiting)}</h2>"
            + (f"<ul>{queue}</ul>" if queue else f'<p class="hint">{h(nobody)}</p>'))
    return web.Response(text=page(_("Masters"), body, "masters"), content_type="text/html")
