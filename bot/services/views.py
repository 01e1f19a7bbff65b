"""ORM rows to plain views (the only place that knows both)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pricing import PriceItemView
from bot.domain.states import Status
from bot.domain.views import MasterView, OrderView, UserView
from db import deadlines, prices
from db import masters as master_rows
from db import reviews as review_rows
from db import users as user_rows
from db.models import Master, Order, PriceItem, Review, User

# A view's fields are its row's columns of the same names (a master's services aside).
_USER_FIELDS = tuple(f.name for f in fields(UserView))
_MASTER_FIELDS = tuple(f.name for f in fields(MasterView) if f.name != "services")


def user_view(u: User) -> UserView:
    return UserView(u.id, u.first_name, u.username, u.language_code, u.locale, u.unreachable,
                    u.blocked)


def user_view_of(row: Mapping[str, Any]) -> UserView:
    """The view of a user read as a plain row (db/users.py `person`)."""
    return UserView(*(row[name] for name in _USER_FIELDS))


async def master_view(s: AsyncSession, m: Master) -> MasterView:
    return (await master_views(s, [m]))[0]


async def master_view_of(s: AsyncSession, row: Mapping[str, Any]) -> MasterView:
    """The view of a master read as a plain row (db/users.py `person`)."""
    services = await master_rows.services_of_many(s, [row["id"]])
    return _master_of(row, services.get(row["id"], []))


async def master_views(s: AsyncSession, rows: Sequence[Master]) -> list[MasterView]:
    """The views of several masters in one query for their services."""
    services = await master_rows.services_of_many(s, [m.id for m in rows])
    return [_master(m, services.get(m.id, [])) for m in rows]


def _master(m: Master, services: list[str]) -> MasterView:
    return _master_of({name: getattr(m, name) for name in _MASTER_FIELDS}, services)


def _master_of(row: Mapping[str, Any], services: list[str]) -> MasterView:
    values = {name: row[name] for name in _MASTER_FIELDS}
    values["districts"] = tuple(values["districts"] or ())
    values["documents"] = tuple(values["documents"] or ())
    return MasterView(services=tuple(sorted(services)), **values)


async def order_view(s: AsyncSession, o: Order) -> OrderView:
    return (await order_views(s, [o]))[0]


@dataclass(frozen=True)
class _Around:
    """What the views of several orders need besides the orders, read in a fixed number of
    queries (one per table) whatever the number and the states of the orders."""

    users: dict[int, User]
    masters: dict[int, Master]
    expires: dict[int, datetime]
    reviews: dict[int, Review]
    items: dict[int, list[PriceItemView]]


def _offered(o: Order) -> int | None:
    return o.offered_master_id if o.offered_master_id and o.status == Status.OFFERED else None


async def _around(s: AsyncSession, rows: Sequence[Order]) -> _Around:
    ids = [o.id for o in rows]
    masters = await master_rows.many(s, {m for o in rows for m in (o.master_id, _offered(o))
                                         if m})
    users = await user_rows.many(s, {o.client_id for o in rows}
                                 | {m.user_id for m in masters.values()})
    # Every order's, whatever its state, so that the statements do not depend on the states.
    expires = await deadlines.offers_expiring(s, ids)
    reviews = await review_rows.of_orders(s, ids)
    items: dict[int, list[PriceItemView]] = {i: [] for i in ids}
    for p in await prices.of_orders(s, ids):
        items[p.order_id].append(price_item_view(p))
    return _Around(users, masters, expires, reviews, items)


_REVIEWED = (Status.COMPLETED, Status.DISPUTED)


def new_order_view(o: Order, client: User | None) -> OrderView:
    """The view of an order created in this transaction: nothing around it exists yet (no
    master, offer, review or price), so nothing is read."""
    users = {client.id: client} if client is not None else {}
    return _view(o, _Around(users, {}, {}, {}, {o.id: []}))


async def order_views(s: AsyncSession, rows: Sequence[Order]) -> list[OrderView]:
    """The views of several orders (my orders, the SLA board, a search) in a fixed number of
    queries."""
    if not rows:
        return []
    around = await _around(s, rows)
    return [_view(o, around) for o in rows]


def _view(o: Order, a: _Around) -> OrderView:
    client = a.users.get(o.client_id)
    master = a.masters.get(o.master_id) if o.master_id else None
    offered_id = _offered(o)
    offered = a.masters.get(offered_id) if offered_id else None
    review = a.reviews.get(o.id) if o.status in _REVIEWED else None
    mover = master or offered
    return OrderView(
        id=o.id, client_id=o.client_id, service=o.service, description=o.description,
        photos=tuple(o.photos or ()), address=o.address, latitude=o.latitude,
        longitude=o.longitude, area=o.area, urgent=o.urgent,
        surcharge_percent=o.surcharge_percent, visit_date=o.visit_date,
        visit_slot=o.visit_slot, phone=o.phone, payment=o.payment, status=Status(o.status),
        master_id=o.master_id, offered_master_id=o.offered_master_id, topic_id=o.topic_id,
        desk_chat_id=o.desk_chat_id,
        card_message_id=o.card_message_id, reason=o.reason, final_price=o.final_price,
        report_photos=tuple(o.report_photos or ()), code_attempts=o.code_attempts,
        code_locked=o.code_locked, created_at=o.created_at, sla_state=o.sla_state,
        visit_at=o.visit_at, checked_in_at=o.checked_in_at, stopped=o.stopped,
        request=o.request, request_reason=o.request_reason,
        client_name=client.first_name if client else "",
        district=o.district, auto_offer=o.auto_offer,
        review_stars=review.stars if review else None,
        review_comment=review.comment if review else None, client_stars=o.client_stars,
        reported_at=o.reported_at, complaint=o.complaint,
        complaint_photos=tuple(o.complaint_photos or ()), resolution=o.resolution,
        resolution_note=o.resolution_note, refund=o.refund, rework_due=o.rework_due,
        master_blocked=bool(master and master.blocked),
        master_name=master.name if master else None,
        master_user_id=master.user_id if master else None,
        proposed_visit_at=o.proposed_visit_at, proposed_by=o.proposed_by,
        checkin_lat=o.checkin_lat, checkin_lon=o.checkin_lon,
        price_items=tuple(a.items.get(o.id, ())), warranty_months=o.warranty_months,
        report_notes=o.report_notes,
        offered_master_name=offered.name if offered else None,
        offer_expires_at=a.expires.get(o.id) if offered else None,
        client_locale=_locale(client),
        master_locale=_locale(a.users.get(mover.user_id)) if mover else None,
    )


def _locale(u: User | None) -> str | None:
    """His language as chosen (/language), else as Telegram reports it; the renderer resolves
    it the way the sender does."""
    return (u.locale or u.language_code) if u else None


def price_item_view(p: PriceItem) -> PriceItemView:
    return PriceItemView(p.id, p.kind, p.item, p.amount, p.reason, p.status, p.created_at)


async def price_items(s: AsyncSession, order_id: int) -> tuple[PriceItemView, ...]:
    return tuple(price_item_view(p) for p in await prices.of_orders(s, [order_id]))
