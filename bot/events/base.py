"""What an outbox row carries: a typed event (the payload) and its envelope (where and when).

Each message kind is one frozen dataclass, `class OfferMade(Event, kind="offer")`, its kind
the string stored in the outbox's `kind` column, so rows queued before an upgrade are still
read: a payload is parsed field by field, a key it lacks takes the field's default (what the
composer assumed before the events were typed), a key it has but the event does not know is
ignored.

The envelope (`To`) is apart from the payload: no payload key can re-route a message (the chat)
or hold it back (not-before).
"""

from __future__ import annotations

import types
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import datetime
from typing import (
    Any,
    ClassVar,
    TypeVar,
    Union,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

_KEY = "payload_key"  # the field's key in the payload, when not its name
_OMIT = "omit_default"  # left out of the payload while it holds its default

E = TypeVar("E", bound="Event")
EVENTS: dict[str, type[Event]] = {}  # kind -> event class


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Event:
    """One message kind. A subclass is made a frozen dataclass; one named with a `kind` is the
    event of that kind (one without, e.g. SlaFired, holds what its subclasses share)."""

    kind: ClassVar[str]
    # Payload keys that are secrets: needed until the message is out, then removed from the
    # row by the sender when it settles it (sent or failed) [C 二.8].
    secret: ClassVar[frozenset[str]] = frozenset()

    def carries(self) -> frozenset[str] | None:
        """The payload keys this variant of the event carries (an event whose variants carry
        different facts says which); None: all its fields, an `opt` one only when set."""
        return None

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
        if kind is not None:
            if kind in EVENTS:
                raise TypeError(f"two events of the kind {kind!r}")
            cls.kind = kind
            EVENTS[kind] = cls


def opt(default: Any = None, *, key: str | None = None) -> Any:
    """A field the producers may leave out: not written while it holds its default."""
    meta: dict[str, Any] = {_OMIT: True}
    if key is not None:
        meta[_KEY] = key
    return field(default=default, metadata=meta)


def named(key: str, default: Any = MISSING) -> Any:
    """A field stored under another payload key (e.g. "kind", which names the event itself)."""
    return field(default=default, metadata={_KEY: key})


def _key(f: Field[Any]) -> str:
    return str(f.metadata.get(_KEY, f.name))


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    return value


def to_payload(event: Event) -> dict[str, Any]:
    """The event as the JSON payload of its outbox row."""
    out: dict[str, Any] = {}
    keys = event.carries()
    for f in fields(event):  # type: ignore[arg-type]
        value = getattr(event, f.name)
        if keys is not None and _key(f) not in keys:
            continue
        if keys is None and f.metadata.get(_OMIT) and value == f.default:
            continue
        out[_key(f)] = _dump(value)
    return out


_HINTS: dict[type[Event], dict[str, Any]] = {}


def _hints(cls: type[Event]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _types(hint: Any) -> tuple[Any, ...]:
    if get_origin(hint) in (Union, types.UnionType):
        return get_args(hint)
    return (hint,)


def _load(hint: Any, value: Any) -> Any:
    kinds = _types(hint)
    if isinstance(value, str) and datetime in kinds:
        return datetime.fromisoformat(value)
    if isinstance(value, list) and any(get_origin(k) is tuple for k in kinds):
        return tuple(value)
    return value


def parse(cls: type[E], payload: dict[str, Any] | None) -> E:
    """The event a stored payload holds; KeyError when a key without a default is missing."""
    payload = payload or {}
    hints, values = _hints(cls), {}
    for f in fields(cls):  # type: ignore[arg-type]
        k = _key(f)
        if k in payload:
            values[f.name] = _load(hints[f.name], payload[k])
        elif f.default is MISSING and f.default_factory is MISSING:
            raise KeyError(k)
    return cls(**values)


def event_of(kind: str, payload: dict[str, Any] | None) -> Event:
    """The event of a stored row; KeyError for a kind no event has (an unknown row)."""
    cls = EVENTS.get(kind)
    if cls is None:
        raise KeyError(f"unknown outbox kind {kind!r}")
    return parse(cls, payload)


@dataclass(frozen=True)
class To:
    """The envelope: whom (a chat, or the desk when chat_id is None), about which order, and
    not before when (a desk notice outside desk hours waits for the opening)."""

    chat_id: int | None = None
    order_id: int | None = None
    not_before: datetime | None = None

    @classmethod
    def desk(cls, order_id: int | None = None, *, not_before: datetime | None = None) -> To:
        return cls(None, order_id, not_before)

    @classmethod
    def chat(cls, chat_id: int, order_id: int | None = None) -> To:
        return cls(chat_id, order_id)
