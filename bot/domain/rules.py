"""Small pure rules: who the actor is to an order, codes, prices, phones, text limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.states import Action, Role, Status, transition

# Typed dates and times live in bot/domain/typed.py; kept importable from here.
from bot.domain.typed import parse_date as parse_date
from bot.domain.typed import parse_visit as parse_visit

CODE_LENGTH = 6
MAX_PHOTOS = 10
MAX_DESCRIPTION = 2000
MAX_ADDRESS = 300
SLOTS = ("09-12", "12-15", "15-18", "18-21")


@dataclass(frozen=True)
class Actor:
    user_id: int
    is_desk: bool = False
    master_id: int | None = None  # set when the user is a registered master
    blocked: bool = False  # a blocked master cannot act on any order [R §8]


@dataclass(frozen=True)
class OrderParties:
    status: Status
    client_id: int
    master_id: int | None  # assigned master
    offered_master_id: int | None  # the master holding the pending offer


def role_for(actor: Actor, order: OrderParties, action: Action) -> Role:
    """The role in which `actor` may attempt `action` on the order, or NotAllowed.

    A master is a party only to his own job; the offered master only to accept or decline;
    a blocked master to nothing; the order's client never as its master (he would take his
    own order, accept his own work and review himself into the ranking).
    """
    if action in (Action.ACCEPT, Action.DECLINE):
        if actor.master_id is not None and actor.master_id == order.offered_master_id:
            return _master(actor, order)
    elif actor.master_id is not None and actor.master_id == order.master_id:
        if action not in (Action.CANCEL, Action.ACCEPT_WORK, Action.DISPUTE):
            return _master(actor, order)
    if actor.user_id == order.client_id and action in (
        Action.CANCEL, Action.ACCEPT_WORK, Action.DISPUTE
    ):
        if action == Action.ACCEPT_WORK and _is_its_master(actor, order):
            raise NotAllowed("error.own_order")  # accepting his own work
        return Role.CLIENT
    if actor.is_desk:
        return Role.MANAGER
    raise NotAllowed("error.not_allowed")


def _master(actor: Actor, order: OrderParties) -> Role:
    if actor.blocked:
        raise NotAllowed("error.master_blocked")
    if actor.user_id == order.client_id:
        raise NotAllowed("error.own_order")
    return Role.MASTER


def _is_its_master(actor: Actor, order: OrderParties) -> bool:
    return actor.master_id is not None and actor.master_id in (
        order.master_id, order.offered_master_id)


def desk_only(actor: Actor) -> None:
    """Only a desk member may do this."""
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")


def own_job(actor: Actor, order: OrderParties) -> None:
    """The actor is the master assigned to this order and may act on it."""
    if actor.master_id is None or actor.master_id != order.master_id:
        raise NotAllowed("error.not_allowed")
    _master(actor, order)


def may_serve(order: OrderParties, master_user_id: int) -> bool:
    """A master may be offered an order only if he is not its client."""
    return master_user_id != order.client_id


def check_may_serve(order: OrderParties, master_user_id: int) -> None:
    if not may_serve(order, master_user_id):
        raise NotAllowed("error.master_is_client")


def authorize(actor: Actor, order: OrderParties, action: Action) -> tuple[Role, Status]:
    role = role_for(actor, order, action)
    return role, transition(order.status, action, role)


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


KEYED = "k1:"  # marks a hash keyed with the server secret (older ones are plain hex)


def hash_code(secret: bytes, order_id: int, code: str) -> str:
    """The code's stored form: an HMAC keyed with the server secret, bound to the order. With
    10^6 possible codes, anything computable from the order number alone would be reversed
    offline by whoever reads the database."""
    mac = hmac.new(secret, f"{order_id}:{code}".encode(), hashlib.sha256).digest()
    return KEYED + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _legacy_hash(order_id: int, code: str) -> str:
    return hmac.new(str(order_id).encode(), code.encode(), hashlib.sha256).hexdigest()


_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces, hyphens, dashes


def code_digits(text: str) -> str | None:
    """The code in what the master typed ("123 456", "123-456", full-width digits), or None
    when it does not look like one. Only a code-like input is an attempt: chatter ("the
    client is not home") must not lock the order."""
    clean = _CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return clean if re.fullmatch(f"[0-9]{{{CODE_LENGTH}}}", clean) else None


def check_code_format(text: str) -> str:
    clean = code_digits(text)
    if clean is None:
        raise InvalidInput("error.code_format", n=CODE_LENGTH)
    return clean


def code_matches(secret: bytes, order_id: int, code: str, stored_hash: str | None) -> bool:
    clean = code_digits(code)
    if not stored_hash or clean is None:
        return False
    if stored_hash.startswith(KEYED):
        expected = hash_code(secret, order_id, clean)
    else:  # issued before the server secret: it keeps working until used or reissued
        expected = _legacy_hash(order_id, clean)
    return hmac.compare_digest(expected, stored_hash)


def same_person_contact(contact_user_id: int | None, sender_id: int) -> bool:
    """[R §3] the phone must be the sender's own, shared with Telegram's button."""
    return contact_user_id is not None and contact_user_id == sender_id


def normalize_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "+" + digits


def clip(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def slots_left(day: date, now: datetime) -> list[str]:
    """Slots that still start in the future on `day` (local time)."""
    if day > now.date():
        return list(SLOTS)
    return [s for s in SLOTS if int(s[:2]) > now.hour]


ARRIVAL_WINDOW = timedelta(hours=1)  # [C 3(2)] on site within ±1 h of the agreed time


def arrival_deviation(visit_at: datetime, checked_in_at: datetime) -> timedelta:
    """Positive: late; negative: early."""
    return checked_in_at - visit_at
