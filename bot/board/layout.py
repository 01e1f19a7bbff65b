"""The board's page shell: the header with its four pages, the theme's stylesheet, the script.
Every text passes through gettext in the viewer's language; every value through `h`."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import _, current_locale, fmt_datetime, fmt_span

PREFIX = "/board"  # where the board is mounted on the bot's web server
STATIC = Path(__file__).resolve().parent / "static"
POLL_MS = 3000  # how often the Now page asks whether its list changed


def h(value: object) -> str:
    """A value as HTML text."""
    return escape("" if value is None else str(value), quote=True)


def nav() -> list[tuple[str, str]]:
    return [("now", _("Now")), ("masters", _("Masters")), ("figures", _("Figures"))]


def page(title: str, body: str, active: str = "", *, script: bool = True) -> str:
    links = "".join(
        f'<a href="{PREFIX}/{"" if key == "now" else key}"'
        f'{" class=on" if key == active else ""} data-testid="nav-{key}">{h(label)}</a>'
        for key, label in nav())
    js = f'<script src="{PREFIX}/static/board.js"></script>' if script else ""
    return (f'<!doctype html><html lang="{h(current_locale())}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{h(title)}</title>'
            f'<link rel="stylesheet" href="{PREFIX}/static/board.css"></head>'
            f'<body data-base="{PREFIX}" data-poll="{POLL_MS}"><header>{links}</header>'
            f'<main><h1>{h(title)}</h1>{body}</main>{js}</body></html>')


def bare(title: str, body: str) -> str:
    """A page without the header: signing in, refused, not found."""
    return (f'<!doctype html><html lang="{h(current_locale())}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{h(title)}</title>'
            f'<link rel="stylesheet" href="{PREFIX}/static/board.css"></head>'
            f'<body data-base="{PREFIX}"><main><h1>{h(title)}</h1>{body}</main>'
            f'<script src="{PREFIX}/static/board.js"></script></body></html>')


def when(moment: datetime | None, tz: ZoneInfo) -> str:
    return h(fmt_datetime(moment, tz)) if moment else ""


def age(since: datetime, now: datetime) -> str:
    return h(fmt_span(max(now - since, timedelta(0))))


def select(name: str, options: list[tuple[str, str]], chosen: str | None, everyone: str) -> str:
    """A filter's drop-down: `everyone` first (no filter), then the options."""
    items = [f'<option value="">{h(everyone)}</option>']
    items += [f'<option value="{h(v)}"{" selected" if v == chosen else ""}>{h(label)}</option>'
              for v, label in options]
    return f'<select name="{h(name)}" data-testid="filter-{h(name)}">{"".join(items)}</select>'
