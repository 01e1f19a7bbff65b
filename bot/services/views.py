"""ORM rows to plain views (the only place that knows both)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pricing import PriceItemView
from bot.domain.states import Status
from bot.domain.views import MasterView, OrderView, UserView
from db.models import Deadline, Master, MasterService, Order, PriceItem, Review, User


def user_view(u: User) -> UserView:
    return UserView(u.id, u.first_name, u.username, u.language_code, u.locale, u.unreachable,
                    u.blocked)


async def master_view(s: AsyncSession, m: Master) -> MasterView:
    services = (await s.scalars(
        select(MasterService.service).where(MasterService.master_id == m.id)
    )).all()
    return MasterView(m.id, m.user_id, m.name, m.phone, m.status, m.verified, m.blocked,
                      tuple(sorted(services)), m.card_message_id, m.legal_form, m.tax_id,
                      tuple(m.districts or ()), tuple(m.documents or ()), m.photo, m.on_duty,
                      m.reject_reason, m.block_reason, m.question, m.answer, m.decided_at)


async def order_view(s: AsyncSession, o: Order) -> OrderView:
    client = await s.get(User, o.client_id)
    master = await s.get(Master, o.master_id) if o.master_id else None
    offered = await s.get(Master, o.offered_master_id) \
        if o.offered_master_id and o.status == Status.OFFERED else None
    expires = await s.scalar(select(Deadline.due_at).where(
        Deadline.order_id == o.id, Deadline.kind == "offer", Deadline.state == "pending")
        .order_by(Deadline.id.desc()).limit(1)) if offered else None
    review = await s.scalar(select(Review).where(Review.order_id == o.id)) \
        if o.status in (Status.COMPLETED, Status.DISPUTED) else None
    return OrderView(
        id=o.id, client_id=o.client_id, service=o.service, description=o.description,
        photos=tuple(o.photos or ()), address=o.address, latitude=o.latitude,
        longitude=o.longitude, area=o.area, urgent=o.urgent,
        surcharge_percent=o.surcharge_percent, visit_date=o.visit_date,
        visit_slot=o.visit_slot, phone=o.phone, payment=o.payment, status=Status(o.status),
        master_id=o.master_id, offered_master_id=o.offered_master_id, topic_id=o.topic_id,
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
        price_items=await price_items(s, o.id), warranty_months=o.warranty_months,
        report_notes=o.report_notes,
        offered_master_name=offered.name if offered else None, offer_expires_at=expires,
        client_locale=_locale(client),
        master_locale=_locale(await s.get(User, (master or offered).user_id))
        if master or offered else None,
    )


def _locale(u: User | None) -> str | None:
    """His language as chosen (/language), else as Telegram reports it; the renderer resolves
    it the way the sender does."""
    return (u.locale or u.language_code) if u else None


def price_item_view(p: PriceItem) -> PriceItemView:
    return PriceItemView(p.id, p.kind, p.item, p.amount, p.reason, p.status, p.created_at)


async def price_items(s: AsyncSession, order_id: int) -> tuple[PriceItemView, ...]:
    rows = (await s.scalars(
        select(PriceItem).where(PriceItem.order_id == order_id).order_by(PriceItem.id)
        .execution_options(populate_existing=True)  # rows moved by compare-and-set UPDATEs
    )).all()
    return tuple(price_item_view(p) for p in rows)
