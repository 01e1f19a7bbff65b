"""The client changes a placed order (SPEC §1, §2.2 [R §3]): the description and photos, the
address, or the time he asked for, until the master is on site.

Each change is one transaction: the client's own order in a state that may still change, a
compare-and-set on the status as read, an audit row with old → new, the desk's card redrawn
in place, a note in the order's topic and, once a master has accepted, a message to him. An
offered master is not told: his offer shows only the coarse area, and he sees the rest after
Accept [SPEC §6]. A new time once the visit is agreed is not an edit but a proposal the other
side accepts (bot/services/visits.py); the service never changes (another service is another
order).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.edits import check_editable
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.rules import MAX_ADDRESS, MAX_DESCRIPTION, MAX_PHOTOS, SLOTS, Actor, slots_left
from bot.domain.states import Role, Status
from bot.domain.views import OrderView
from bot.events import DeskOrderEdited, MasterOrderEdited, OrderTitleChanged, To
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.common import master_user_id
from bot.services.orders import place_area
from bot.services.views import order_view
from db import orders
from db.models import Order

MIN_ADDRESS = 5
DAYS_AHEAD = 60  # as far ahead as New order lets a date be chosen (rules.parse_date)


async def _own_editable(s: AsyncSession, actor: Actor, order_id: int) -> Order:
    order = await orders.get(s, order_id)
    if order is None or order.client_id != actor.user_id:
        raise NotFound("error.not_found")  # another client's order does not exist for him
    check_editable(Status(order.status), order.stopped)
    return order


async def editable_order(ctx: Context, actor: Actor, order_id: int) -> OrderView:
    """The client's order while he may still change it; checked before asking anything, so
    nobody types a change only to be refused."""
    async with ctx.read() as s:
        return await order_view(s, await _own_editable(s, actor, order_id))


async def _save(ctx: Context, s: AsyncSession, actor: Actor, order: Order, field: str,
                values: dict[str, Any], change: dict[str, Any], reason: str) -> OrderView:
    now = ctx.clock()
    status = order.status
    await orders.save_edit(s, order, now, values)
    audit(s, now, actor_id=actor.user_id, role=Role.CLIENT, action=f"edit_{field}",
          order_id=order.id, master_id=order.master_id, from_status=status, to_status=status,
          reason=reason)
    card_changed(s, now, order.id)
    enqueue(s, now, DeskOrderEdited(field=field, **change), to=To.desk(order.id))
    if order.master_id is not None:  # assigned: he has seen the address and may act on it
        enqueue(s, now, MasterOrderEdited(field=field, **change),
                to=To.chat(await master_user_id(s, order.master_id), order.id))
    return await order_view(s, order)


async def edit_description(ctx: Context, actor: Actor, order_id: int, description: str,
                           photos: list[str]) -> OrderView:
    text = description.strip()
    if not text:
        raise InvalidInput("error.description_empty")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput("error.description_long", n=MAX_DESCRIPTION)
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("error.photos_many", n=MAX_PHOTOS)
    async with ctx.tx() as s:
        order = await _own_editable(s, actor, order_id)
        old_text, old_photos = order.description, list(order.photos or [])
        if text == old_text and photos == old_photos:
            raise InvalidInput("error.edit_same")
        change = {"old": old_text, "new": text, "photos_old": len(old_photos),
                  "photos_new": len(photos)}
        return await _save(ctx, s, actor, order, "description",
                           {"description": text, "photos": list(photos)}, change,
                           f"{old_text!r} → {text!r}; photos {len(old_photos)} → {len(photos)}")


def _place(address: str | None, lat: float | None, lon: float | None) -> dict[str, Any]:
    return {"address": address, "lat": lat, "lon": lon}


def _check_place(address: str | None, lat: float | None, lon: float | None) -> str | None:
    if address is not None:
        address = address.strip()
        if not MIN_ADDRESS <= len(address) <= MAX_ADDRESS or address.startswith("/"):
            raise InvalidInput("error.address_length", n=MAX_ADDRESS)
        return address
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("error.address_length", n=MAX_ADDRESS)
    return None


async def edit_address(ctx: Context, actor: Actor, order_id: int, address: str | None,
                       lat: float | None, lon: float | None,
                       district: str | None) -> OrderView:
    """A typed address or a shared point. The coarse area is recomputed (and the topic renamed
    when it changes); a master who has already accepted is told, and the desk warned."""
    address = _check_place(address, lat, lon)
    if address is not None:
        lat = lon = None
    async with ctx.tx() as s:
        order = await _own_editable(s, actor, order_id)
        district, area = place_area(ctx, district, address, lat, lon)
        old = _place(order.address, order.latitude, order.longitude)
        new = _place(address, lat, lon)
        if old == new and district == order.district:
            raise InvalidInput("error.edit_same")
        renamed = area != order.area
        change = {"old": old, "new": new, "accepted": order.master_id is not None}
        view = await _save(ctx, s, actor, order, "address",
                           {"address": address, "latitude": lat, "longitude": lon,
                            "district": district, "area": area}, change,
                           f"{old} → {new}; district {order.district} → {district}")
        if renamed:  # the topic's title shows the area
            enqueue(s, ctx.clock(), OrderTitleChanged(), to=To.desk(order.id))
        return view


def _wish(order: Order) -> dict[str, Any]:
    return {"urgent": bool(order.urgent), "percent": order.surcharge_percent,
            "date": order.visit_date.isoformat() if order.visit_date else None,
            "slot": order.visit_slot}


def _check_slot(day: date | None, slot: str | None, now_local: datetime) -> None:
    if day is None or slot not in SLOTS:
        raise InvalidInput("error.slot_gone")
    if not now_local.date() <= day <= now_local.date() + timedelta(days=DAYS_AHEAD):
        raise InvalidInput("error.slot_gone")
    if slot not in slots_left(day, now_local):
        raise InvalidInput("error.slot_gone")


async def edit_time(ctx: Context, actor: Actor, order_id: int, urgent: bool,
                    day: date | None, slot: str | None) -> OrderView:
    """The time the client asks for, before a visit is agreed. Urgent carries the surcharge
    the client was shown [R §2]; once the visit is agreed a new time is a proposal."""
    now = ctx.clock()
    if urgent:
        day = slot = None
    else:
        _check_slot(day, slot, now.astimezone(ctx.policy.timing.desk.tz))
    async with ctx.tx() as s:
        order = await _own_editable(s, actor, order_id)
        if order.status == Status.SCHEDULED:
            raise NotAllowed("error.visit_propose")
        percent = ctx.policy.urgent_surcharge_percent if urgent else 0
        old = _wish(order)
        if (bool(order.urgent), order.visit_date, order.visit_slot) == (urgent, day, slot):
            raise InvalidInput("error.edit_same")
        new = {"urgent": urgent, "percent": percent,
               "date": day.isoformat() if day else None, "slot": slot}
        return await _save(ctx, s, actor, order, "time",
                           {"urgent": urgent, "surcharge_percent": percent, "visit_date": day,
                            "visit_slot": slot}, {"old": old, "new": new}, f"{old} → {new}")
