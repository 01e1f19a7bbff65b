"""Every text fits Telegram's limits: the fixed text is kept, the user parts are clipped.

A text is composed of fixed text (our templates, already HTML) and user parts (names, reasons,
notes, addresses...). `q()` in render.py escapes a user part and wraps it in two private-use
characters, so a part stays recognisable through `.format()`, joins and concatenation. Just
before a request leaves the bot (`FitToLimits`, a session middleware: the outbox sender and
every handler answer alike), `fit()` measures the text as Telegram does (UTF-16 code units of
the text after HTML entity parsing) and, when it is too long, shrinks the longest user parts
first, each cut marked with "…", until the whole fits; then the marks are removed. A cut never
falls inside a tag or an entity: parts are clipped as plain text and escaped again. Only when
the fixed text alone cannot fit (never for our own templates: a test renders them all at their
longest) is the whole text cut, still between tags, with the open tags closed.

Lists (candidates, /find, /sla) are cut by length, not by count, with a "… and N more" line
(`fit_list`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape, unescape

TEXT_LIMIT = 4096  # a message
CAPTION_LIMIT = 1024  # a photo's or a file's caption
TOPIC_LIMIT = 128  # a forum topic's title
ALERT_LIMIT = 200  # the answer to a button press (a toast or an alert)
CALLBACK_BYTES = 64  # a button's callback data

OPEN, CLOSE = "\ue000", "\ue001"  # around a user part; never shown (q() strips them from input)
ELLIPSIS = "…"
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"</?([a-zA-Z-]+)")


def mark(escaped: str) -> str:
    """A user part, already escaped, marked so `fit()` may shorten it."""
    return OPEN + escaped.replace(OPEN, "").replace(CLOSE, "") + CLOSE


def unmark(text: str) -> str:
    return text.replace(OPEN, "").replace(CLOSE, "")


def units(text: str) -> int:
    """UTF-16 code units: what Telegram's limits count."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _tokens(html: str) -> list[tuple[str, str, int]]:
    """(kind, source, visible units) for each tag, entity, character and mark of `html`."""
    out: list[tuple[str, str, int]] = []
    i, n = 0, len(html)
    while i < n:
        c = html[i]
        if c in (OPEN, CLOSE):
            out.append(("mark", c, 0))
            i += 1
        elif c == "<" and (end := html.find(">", i)) != -1:
            out.append(("tag", html[i:end + 1], 0))
            i = end + 1
        elif c == "&" and (m := _ENTITY.match(html, i)):
            out.append(("char", m.group(), units(unescape(m.group()))))
            i = m.end()
        else:
            out.append(("char", c, units(c)))
            i += 1
    return out


def tg_len(text: str, html: bool = True) -> int:
    """The length Telegram checks against its limits (tags vanish, an entity is its one
    character)."""
    text = unmark(text)
    if html:
        text = _ENTITY.sub(lambda m: unescape(m.group()), _TAG.sub("", text))
    return units(text)


def _split(text: str, html: bool) -> list[tuple[bool, str, int]]:
    """(is a user part, source, visible units) of the fixed stretches and the user parts."""
    out: list[tuple[bool, str, int]] = []
    inside, start = False, 0
    for i, c in enumerate(text):
        if c in (OPEN, CLOSE):
            if i > start:
                piece = text[start:i]
                out.append((inside, piece, tg_len(piece, html)))
            inside, start = c == OPEN, i + 1
    if start < len(text):
        piece = text[start:]
        out.append((inside, piece, tg_len(piece, html)))
    return out


def _clip_plain(text: str, limit: int) -> str:
    """At most `limit` UTF-16 units, the cut marked with "…" (never half a surrogate pair)."""
    if units(text) <= limit:
        return text
    if limit <= 0:
        return ""
    kept, used = [], 0
    for ch in text:
        if used + units(ch) > limit - 1:
            break
        kept.append(ch)
        used += units(ch)
    return "".join(kept).rstrip() + ELLIPSIS


def _clip_part(source: str, limit: int, html: bool) -> str:
    if not html:
        return _clip_plain(source, limit)
    return escape(_clip_plain(unescape(source), limit), quote=False)


def _cap(lengths: Sequence[int], excess: int) -> int:
    """The largest length c such that cutting every part longer than c down to c saves at
    least `excess` units: the longest parts give first, the short ones are left whole."""
    lo, hi = 0, max(lengths, default=0)
    while lo < hi:  # the largest c with saving(c) >= excess; saving falls as c grows
        mid = (lo + hi + 1) // 2
        if sum(max(0, n - mid) for n in lengths) >= excess:
            lo = mid
        else:
            hi = mid - 1
    return lo


def fit(text: str, limit: int = TEXT_LIMIT, html: bool = True) -> str:
    """`text` without its marks, its user parts shortened (the longest first) so that it is
    at most `limit` long as Telegram counts."""
    parts = _split(text, html)
    total = sum(n for _u, _s, n in parts)
    if total <= limit:
        return unmark(text)
    lengths = [n for user, _s, n in parts if user]
    cap = _cap(lengths, total - limit)
    out = "".join(_clip_part(s, cap, html) if user and n > cap else s
                  for user, s, n in parts)
    if tg_len(out, html) <= limit:
        return out
    return clip_html(out, limit) if html else _clip_plain(out, limit)


def clip_html(text: str, limit: int) -> str:
    """The last resort: the text cut after `limit` - 1 visible units, between tags and
    entities, "…" added and the tags left open closed again."""
    if tg_len(text) <= limit:
        return unmark(text)
    kept: list[str] = []
    opened: list[str] = []
    used = 0
    for kind, source, n in _tokens(text):
        if kind == "mark":
            continue
        if kind == "tag":
            name = _TAG_NAME.match(source)
            if name is None:
                continue
            if source.startswith("</"):
                if opened and opened[-1] == name.group(1).lower():
                    opened.pop()
                    kept.append(source)
            elif not source.endswith("/>"):
                opened.append(name.group(1).lower())
                kept.append(source)
            continue
        if used + n > limit - 1:
            break
        kept.append(source)
        used += n
    return "".join(kept).rstrip() + ELLIPSIS + "".join(f"</{t}>" for t in reversed(opened))


def fits_fixed(text: str, limit: int, html: bool = True) -> bool:
    """True when the fixed text leaves room for every user part (at least "…" each): `fit()`
    then shortens user parts only, never our own words."""
    parts = _split(text, html)
    return sum(1 if user else n for user, _s, n in parts) <= limit


def fit_list(head: str, items: Sequence[str], tail: str = "", *, more: Callable[[int], str],
             limit: int = TEXT_LIMIT, item_limit: int = 600) -> str:
    """A list that fits one message: the head, as many whole items as fit (each first cut to
    `item_limit`, its user parts first), a line saying how many are left out (`more(n)`), the
    tail. Cut by length, not by count."""
    head, tail = fit(head, limit // 2), fit(tail, limit // 4) if tail else ""
    fitted = [fit(item, item_limit) for item in items]
    budget = limit - tg_len(head) - (tg_len(tail) + 1 if tail else 0)
    reserve = tg_len(more(len(fitted))) + 1  # the "… and N more" line, should it be needed
    shown: list[str] = []
    used = 0
    for i, item in enumerate(fitted):
        need = 1 + tg_len(item)
        if used + need + (reserve if i < len(fitted) - 1 else 0) > budget:
            break
        shown.append(item)
        used += need
    lines = [head, *shown]
    if len(shown) < len(fitted):
        lines.append(more(len(fitted) - len(shown)))
    if tail:
        lines.append(tail)
    return fit("\n".join(lines), limit)
