"""Several desk groups (DESK_ROUTES, issue 16): one Telegram group takes only about 20 messages
a minute from a bot, which bounds how many new orders a minute one desk can absorb, so a large
city splits its desk by district or by service.

`district:Центр=-1001111111111,service:plumbing=-1002222222222`: the routes are tried in the
order written and the first that matches a new order decides its desk group; an order no route
matches goes to DESK_CHAT_ID, the default desk, which also keeps everything that is not one
order's (master applications, unreachable recipients, notes about the whole desk). The order
stores its group (`orders.desk_chat_id`, NULL for the default desk), so its topic, card and
notes stay where they began even if the routes change later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KINDS = ("district", "service")
CHAT = re.compile(r"-100\d{7,}")
EXAMPLE = "district:Центр=-1001111111111,service:plumbing=-1002222222222"


@dataclass(frozen=True)
class Route:
    kind: str  # "district" or "service"
    value: str  # a district's name as in DISTRICTS, or a service's code
    chat_id: int

    def matches(self, district: str | None, service: str) -> bool:
        got = district if self.kind == "district" else service
        return got is not None and got.casefold() == self.value.casefold()


def _route(part: str) -> Route:
    kind, colon, rest = part.partition(":")
    value, equals, chat = rest.rpartition("=")
    kind, value, chat = kind.strip().lower(), " ".join(value.split()), chat.strip()
    if not (colon and equals and kind in KINDS and value and CHAT.fullmatch(chat)):
        raise ValueError(f"{part.strip()!r} is not district:<name>=<group id> or "
                         f"service:<code>=<group id> (a group id is -100 followed by digits), "
                         f"e.g. {EXAMPLE}")
    return Route(kind, value, int(chat))


def parse_routes(v: object) -> object:
    """DESK_ROUTES as written (comma-separated routes) into routes; empty: one desk."""
    if not isinstance(v, str):
        return v
    routes = tuple(_route(p) for p in v.split(",") if p.strip())
    seen: set[tuple[str, str]] = set()
    for r in routes:
        key = (r.kind, r.value.casefold())
        if key in seen:
            raise ValueError(f"{r.kind}:{r.value} is routed twice")
        seen.add(key)
    return routes


def check_routes(routes: Iterable[Route], districts: Sequence[str]) -> None:
    """Every district routed is one of DISTRICTS (an order only ever has one of those)."""
    known = {d.casefold() for d in districts}
    for r in routes:
        if r.kind == "district" and r.value.casefold() not in known:
            raise ValueError(f"DESK_ROUTES is invalid: the district {r.value!r} is not in "
                             f"DISTRICTS ({', '.join(districts) or 'not set'})")


def unknown_services(routes: Iterable[Route], services: Iterable[str]) -> list[str]:
    """The services routed that the catalogue does not have (checked at start)."""
    codes = {s.casefold() for s in services}
    return [r.value for r in routes if r.kind == "service" and r.value.casefold() not in codes]


@dataclass(frozen=True)
class Desks:
    """The default desk and the routed ones."""

    default: int = 0
    routes: tuple[Route, ...] = ()

    @property
    def chats(self) -> tuple[int, ...]:
        """Every desk group, the default first."""
        return tuple(dict.fromkeys((self.default, *(r.chat_id for r in self.routes))))

    def route(self, district: str | None, service: str) -> int | None:
        """The group a new order goes to, as stored: None for the default desk."""
        for r in self.routes:
            if r.matches(district, service):
                return None if r.chat_id == self.default else r.chat_id
        return None

    def chat_of(self, stored: int | None) -> int | None:
        """The group an order's topic is in: its own, the default one when it has none, None
        when its group is no longer configured (its route was removed: the sender opens it a
        new topic in the default desk when its card is next drawn)."""
        if stored is None:
            return self.default
        return stored if stored in self.chats else None

    def stored(self, chat_id: int | None) -> int | None:
        """How a group is stored on its orders: None for the default desk."""
        return None if chat_id is None or chat_id == self.default else chat_id

    def others(self) -> tuple[int, ...]:
        """The routed groups besides the default one."""
        return self.chats[1:]
