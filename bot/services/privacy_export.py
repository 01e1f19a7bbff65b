"""The rows of a person's data export (bot/services/privacy.py says what is in it and why)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.money import Currency
from bot.domain.money import plain as money_text
from bot.services.base import without_secrets
from db import masters as master_rows
from db import offers as offer_rows
from db import prices as price_rows
from db import privacy as rows
from db.models import Master, Order, User

# Payload keys of queued messages that name or show someone else (the master's photo on the
# "your master" card, a writer's name): left out of his copy.
_OTHERS = frozenset({"photo", "name", "master", "phone", "address"})


def plain(value: Any) -> Any:
    """JSON-safe: dates as ISO 8601, money as a decimal string."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _pick(row: Any, *names: str) -> dict[str, Any]:
    return {n: plain(getattr(row, n)) for n in names}


_MONEY = ("final_price", "refund", "amount")  # stored in minor units


def _with_money(row: dict[str, Any], cur: Currency) -> dict[str, Any]:
    """Amounts as people read them ("12.50 PLN"), not as stored (1250)."""
    return {k: money_text(v, cur) if k in _MONEY and isinstance(v, int) else v
            for k, v in row.items()}


def payload_for_export(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A queued message's payload without secrets and without other people's data."""
    kept = without_secrets(kind, payload) or dict(payload)
    return {k: plain(v) for k, v in kept.items() if k not in _OTHERS}


async def _order_rows(s: AsyncSession, orders: Sequence[Order], fields: tuple[str, ...],
                     stars_key: str, cur: Currency) -> list[dict[str, Any]]:
    """The orders' own fields with their price items, the items read in one query."""
    items = await price_rows.of_orders(s, [o.id for o in orders])
    prices: dict[int, list[dict[str, Any]]] = {o.id: [] for o in orders}
    for p in items:
        prices[p.order_id].append(_with_money(_pick(
            p, "kind", "item", "amount", "reason", "status", "created_at", "decided_at"), cur))
    return [{**_with_money(_pick(o, *fields), cur), stars_key: o.client_stars,
             "prices": prices[o.id]} for o in orders]


_CLIENT_FIELDS = (
    "id", "service", "status", "description", "photos", "address", "latitude", "longitude",
    "area", "district", "urgent", "surcharge_percent", "visit_date", "visit_slot", "visit_at",
    "phone", "payment", "reason", "final_price", "warranty_months", "report_notes",
    "report_photos", "complaint", "complaint_photos", "resolution", "resolution_note",
    "refund", "created_at", "completed_at")
# A job as its master did it: nothing that identifies the client or his home.
_JOB_FIELDS = (
    "id", "service", "status", "area", "district", "urgent", "visit_at", "checked_in_at",
    "final_price", "warranty_months", "report_notes", "reported_at", "resolution", "refund",
    "created_at", "completed_at")


async def export_rows(s: AsyncSession, user: User, master: Master | None,
                      now: datetime, cur: Currency) -> dict[str, Any]:
    orders = await rows.client_orders(s, user.id)
    as_client = await _order_rows(s, orders, _CLIENT_FIELDS, "stars_the_master_gave_you", cur)
    written = await rows.reviews_of_orders(s, [o.id for o in orders])
    queued = await rows.queued_to(s, user.id)
    actions = await rows.actions_of(s, user.id)
    data: dict[str, Any] = {
        "exported_at": plain(now),
        "user": _pick(user, "id", "first_name", "username", "language_code", "locale",
                      "blocked", "block_reason", "unreachable", "created_at"),
        "master": await _master(s, master) if master else None,
        "orders_as_client": as_client,
        "reviews_you_wrote": [_pick(r, "order_id", "service", "stars", "comment",
                                    "created_at") for r in written],
        "your_actions": [_pick(a, "order_id", "master_id", "actor_role", "action",
                               "from_status", "to_status", "reason", "created_at")
                         for a in actions],
        "messages_to_you": [{**_pick(m, "kind", "order_id", "status", "created_at",
                                     "sent_at"),
                             "payload": payload_for_export(m.kind, dict(m.payload or {}))}
                            for m in queued],
    }
    if master is not None:
        data.update(await _master_work(s, master, cur))
    return data


async def _master(s: AsyncSession, m: Master) -> dict[str, Any]:
    services = sorted(await master_rows.services_of(s, m.id))
    return {**_pick(m, "id", "name", "phone", "status", "verified", "blocked", "block_reason",
                    "legal_form", "tax_id", "districts", "documents", "photo", "on_duty",
                    "reject_reason", "question", "answer", "created_at", "decided_at"),
            "services": list(services)}


async def _master_work(s: AsyncSession, m: Master, cur: Currency) -> dict[str, Any]:
    jobs = await rows.master_jobs(s, m.id)
    as_master = await _order_rows(s, jobs, _JOB_FIELDS, "stars_you_gave_the_client", cur)
    offers = await offer_rows.of_master(s, m.id)
    received = await rows.reviews_of_master(s, m.id)
    return {
        "jobs_as_master": as_master,
        "offers_to_you": [_pick(o, "order_id", "status", "created_at", "decided_at")
                          for o in offers],
        "reviews_about_you": [_pick(r, "order_id", "service", "stars", "comment",
                                    "created_at") for r in received],
    }
