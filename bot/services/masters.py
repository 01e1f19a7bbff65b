"""Masters: the application, the desk's verification (approve, reject with a reason, ask for
more), the master's own profile, and blocking [R §1, §4, §8; Q]."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.files import check_refs
from bot.domain.masters import (
    MASTER_REJECT_REASONS,
    MAX_DOCUMENTS,
    MAX_QUESTION,
    Application,
    check_application,
    reapply_from,
)
from bot.domain.rules import Actor, clip
from bot.domain.states import Role, Status
from bot.domain.views import MasterView
from bot.events import (
    ClientBlocked,
    DeskMasterAnswer,
    DeskNote,
    MasterBlocked,
    MasterDecision,
    MasterDocuments,
    MasterJobBack,
    MasterQuestion,
    To,
)
from bot.services.base import Context, audit, card_changed, enqueue, master_card_changed
from bot.services.common import cas_status, close_pending_offers
from bot.services.job_messages import revoke_job
from bot.services.views import master_view
from db.models import Master, MasterService, Order, Service, User

IN_WORK = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE,
           Status.AWAITING_CONFIRMATION)


async def _his_jobs(s: AsyncSession, master_id: int) -> list[int]:
    """His orders whose job message shows the client's address and phone and still matter."""
    return list((await s.scalars(select(Order.id).where(
        Order.master_id == master_id,
        Order.status.in_([st.value for st in (*IN_WORK, Status.DISPUTED)])))).all())


def _desk(actor: Actor) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")


async def _load(s: AsyncSession, master_id: int) -> Master:
    master = await s.get(Master, master_id)
    if master is None:
        raise NotFound("error.master_not_found")
    return master


async def _own(s: AsyncSession, user_id: int) -> Master:
    master = await s.scalar(select(Master).where(Master.user_id == user_id))
    if master is None:
        raise NotFound("error.not_a_master")
    return master


async def _set_services(s: AsyncSession, master_id: int, services: tuple[str, ...]) -> None:
    await s.execute(delete(MasterService).where(MasterService.master_id == master_id))
    for code in services:
        s.add(MasterService(master_id=master_id, service=code))


async def _known_services(s: AsyncSession) -> set[str]:
    return set((await s.scalars(select(Service.code).where(Service.active.is_(True)))).all())


async def apply_master(ctx: Context, user_id: int, app: Application) -> MasterView:
    """Send an application to the desk's verification queue (a card with the documents)."""
    now = ctx.clock()
    async with ctx.tx() as s:
        app = check_application(app, await _known_services(s), ctx.policy.districts)
        master = await s.scalar(select(Master).where(Master.user_id == user_id))
        if master is not None and master.status in ("pending", "approved"):
            raise Conflict("error.master_exists")
        if master is not None:
            until = reapply_from(master.status, master.decided_at, ctx.policy.reapply_cooldown,
                                 now)
            if until is not None:
                raise NotAllowed("error.reapply_cooldown", until=until)
        fields = dict(name=app.name, phone=app.phone, legal_form=app.legal_form,
                      tax_id=app.tax_id, districts=list(app.districts),
                      documents=list(app.documents), status="pending", verified=False,
                      reject_reason=None, question=None, answer=None, decided_at=None,
                      decided_by=None)
        if master is None:
            master = Master(user_id=user_id, created_at=now, **fields)
            s.add(master)
            try:
                await s.flush()
            except IntegrityError:  # a second tap got there first
                raise Conflict("error.master_exists") from None
        else:  # a rejected applicant applies again: the same record, a fresh review and a
            # new card at the bottom of the desk (the old one stays as history)
            for key, value in fields.items():
                setattr(master, key, value)
            master.card_message_id = master.card_digest = None
            await s.flush()
        await _set_services(s, master.id, app.services)
        audit(s, now, actor_id=user_id, role=Role.MASTER, action="apply", master_id=master.id)
        master_card_changed(s, now, master.id)
        enqueue(s, now, MasterDocuments(master_id=master.id, files=tuple(app.documents)),
                to=To.desk())
        await s.flush()
        return await master_view(s, master)


async def decide_master(ctx: Context, actor: Actor, master_id: int, approve: bool,
                        reason: str | None = None) -> MasterView:
    """Approve (the master is verified [Q]) or reject with one of MASTER_REJECT_REASONS."""
    _desk(actor)
    if not approve and reason not in MASTER_REJECT_REASONS:
        raise InvalidInput("error.invalid_input")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _load(s, master_id)
        # Compare-and-set: of two managers deciding at once, one wins, the other is told.
        done = await s.execute(
            update(Master).where(Master.id == master_id, Master.status == "pending")
            .values(status="approved" if approve else "rejected", verified=approve,
                    reject_reason=None if approve else reason, question=None,
                    decided_at=now, decided_by=actor.user_id)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise Conflict("error.already_decided")
        await s.refresh(master)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER,
              action="approve_master" if approve else "reject_master", master_id=master.id,
              reason=reason)
        enqueue(s, now, MasterDecision(master_id=master.id, approved=approve, reason=reason),
                to=To.chat(master.user_id))
        master_card_changed(s, now, master.id)
        await s.flush()
        return await master_view(s, master)


async def ask_applicant(ctx: Context, actor: Actor, master_id: int,
                        question: str) -> MasterView:
    """The desk asks a pending applicant for more (a document, a detail); the question
    reaches him and his answer comes back to the card."""
    _desk(actor)
    question = question.strip()
    if not question or question.startswith("/"):
        raise InvalidInput("error.question_empty")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _load(s, master_id)
        if master.status != "pending":
            raise Conflict("error.already_decided")
        master.question, master.answer = clip(question, MAX_QUESTION), None
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="ask_master",
              master_id=master.id, reason=master.question)
        enqueue(s, now, MasterQuestion(master_id=master.id, question=master.question),
                to=To.chat(master.user_id))
        master_card_changed(s, now, master.id)
        await s.flush()
        return await master_view(s, master)


async def answer_desk(ctx: Context, user_id: int, text: str,
                      files: list[str]) -> MasterView:
    """The applicant answers the desk's question: text and/or more documents."""
    text = text.strip()
    if not text and not files:
        raise InvalidInput("error.answer_empty")
    check_refs(files)
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _own(s, user_id)
        if master.status != "pending" or master.question is None:
            raise Conflict("error.no_question")
        docs = list(master.documents or ())
        if len(docs) + len(files) > MAX_DOCUMENTS + 10:  # room for what the desk asks for
            raise InvalidInput("error.documents_many")
        master.answer = clip(text, MAX_QUESTION) if text else None
        master.documents = docs + list(files)
        audit(s, now, actor_id=user_id, role=Role.MASTER, action="answer_desk",
              master_id=master.id, reason=master.answer)
        enqueue(s, now, DeskMasterAnswer(master_id=master.id, name=master.name,
                                         answer=master.answer, files=tuple(files)), to=To.desk())
        if files:
            enqueue(s, now, MasterDocuments(master_id=master.id, files=tuple(files)), to=To.desk())
        master_card_changed(s, now, master.id)
        await s.flush()
        return await master_view(s, master)


async def verification_queue(ctx: Context, actor: Actor, limit: int = 30) -> list[MasterView]:
    """Applications waiting for the desk, oldest first."""
    _desk(actor)
    async with ctx.tx() as s:
        rows = (await s.scalars(select(Master).where(Master.status == "pending")
                                .order_by(Master.created_at, Master.id).limit(limit))).all()
        return [await master_view(s, m) for m in rows]


async def desk_master(ctx: Context, actor: Actor, master_id: int) -> MasterView:
    """A master as the desk sees him (to redraw his card's buttons)."""
    _desk(actor)
    async with ctx.tx() as s:
        return await master_view(s, await _load(s, master_id))


async def show_card(ctx: Context, actor: Actor, master_id: int) -> MasterView:
    """Post the master's card (with his documents) again at the bottom of the desk."""
    _desk(actor)
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _load(s, master_id)
        master.card_message_id = None  # a new card below; the old one stays as history
        master_card_changed(s, now, master.id)
        if master.documents:
            enqueue(s, now, MasterDocuments(master_id=master.id, files=tuple(master.documents)),
                    to=To.desk())
        await s.flush()
        return await master_view(s, master)


# --- the master's own profile ---------------------------------------------------------------

async def get_own(ctx: Context, user_id: int) -> MasterView:
    async with ctx.tx() as s:
        return await master_view(s, await _own(s, user_id))


async def update_profile(ctx: Context, user_id: int, *, on_duty: bool | None = None,
                         services: list[str] | None = None,
                         districts: list[str] | None = None,
                         photo: str | None = None) -> MasterView:
    """The master changes what he offers, where, whether he takes jobs now, his photo."""
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _own(s, user_id)
        changed = []
        if on_duty is not None:
            master.on_duty = on_duty
            changed.append("on_duty" if on_duty else "off_duty")
        if services is not None:
            picked = tuple(sorted(set(services)))
            if not picked:
                raise InvalidInput("error.services_empty")
            if not set(picked) <= await _known_services(s):
                raise InvalidInput("error.service_unknown")
            await _set_services(s, master.id, picked)
            changed.append("services=" + ",".join(picked))
        if districts is not None:
            known = ctx.policy.districts
            if not set(districts) <= set(known):
                raise InvalidInput("error.invalid_input")
            if known and not districts:
                raise InvalidInput("error.districts_empty")
            master.districts = [d for d in known if d in districts]
            changed.append("districts=" + ",".join(master.districts))
        if photo is not None:
            master.photo = photo
            changed.append("photo")
        audit(s, now, actor_id=user_id, role=Role.MASTER, action="profile",
              master_id=master.id, reason="; ".join(changed))
        await s.flush()
        return await master_view(s, master)


# --- blocking [R §8, Q] ---------------------------------------------------------------------

async def block_master(ctx: Context, actor: Actor, master_id: int, reason: str) -> list[int]:
    """Block a master: he gets no offers and cannot act on his jobs; a pending offer to him is
    taken back, and the desk is alerted in each open job's topic to reassign it. Returns the
    ids of the orders the desk must look at."""
    _desk(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("error.block_reason")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _load(s, master_id)
        done = await s.execute(
            update(Master).where(Master.id == master_id, Master.blocked.is_(False))
            .values(blocked=True, block_reason=clip(reason, 500))
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise Conflict("error.already_blocked")
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="block",
              master_id=master_id, reason=reason)
        touched: list[int] = []
        offered = (await s.scalars(select(Order).where(
            Order.offered_master_id == master_id, Order.status == Status.OFFERED))).all()
        for order in offered:
            await cas_status(ctx, s, order, Status.SUBMITTED, now, offered_master_id=None,
                             auto_offer=False)
            await close_pending_offers(s, order.id, "withdrawn", now)
            audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="withdraw",
                  order_id=order.id, master_id=master_id, from_status=Status.OFFERED,
                  to_status=Status.SUBMITTED, reason="blocked")
            enqueue(s, now, DeskNote(note="offer_blocked"), to=To.desk(order.id))
            card_changed(s, now, order.id)
            touched.append(order.id)
        jobs = (await s.scalars(select(Order.id).where(
            Order.master_id == master_id, Order.status.in_([st.value for st in IN_WORK]))
        )).all()
        for oid in jobs:
            enqueue(s, now, DeskNote(note="master_blocked"), to=To.desk(oid))
            card_changed(s, now, oid)
            touched.append(oid)
        for oid in await _his_jobs(s, master_id):  # his chat keeps no address or phone
            revoke_job(s, now, oid, master.user_id)
        enqueue(s, now, MasterBlocked(master_id=master_id, blocked=True, reason=reason),
                to=To.chat(master.user_id))
        master_card_changed(s, now, master_id)
        return touched


async def unblock_master(ctx: Context, actor: Actor, master_id: int) -> MasterView:
    _desk(actor)
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await _load(s, master_id)
        done = await s.execute(
            update(Master).where(Master.id == master_id, Master.blocked.is_(True))
            .values(blocked=False, block_reason=None)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise Conflict("error.not_blocked")
        await s.refresh(master)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="unblock",
              master_id=master_id)
        enqueue(s, now, MasterBlocked(master_id=master_id, blocked=False),
                to=To.chat(master.user_id))
        for oid in await _his_jobs(s, master_id):  # still his: the job, shown again
            enqueue(s, now, MasterJobBack(), to=To.chat(master.user_id, oid))
        master_card_changed(s, now, master_id)
        return await master_view(s, master)


# --- blocking a client [R §8, Q] ------------------------------------------------------------

async def set_client_blocked(ctx: Context, actor: Actor, order_id: int, blocked: bool,
                             reason: str = "") -> int:
    """Block (or unblock) the client of an order: a blocked client places no new orders; his
    orders stay, and he can still write to the desk about them. Returns his user id."""
    _desk(actor)
    reason = reason.strip()
    if blocked and not reason:
        raise InvalidInput("error.block_reason")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await s.get(Order, order_id)
        if order is None:
            raise NotFound("error.not_found")
        done = await s.execute(
            update(User).where(User.id == order.client_id, User.blocked.is_(not blocked))
            .values(blocked=blocked, block_reason=clip(reason, 500) if blocked else None)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise Conflict("error.already_blocked" if blocked else "error.not_blocked")
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER,
              action="block_client" if blocked else "unblock_client", order_id=order.id,
              reason=reason or None)
        enqueue(s, now, ClientBlocked(blocked=blocked, reason=reason),
                to=To.chat(order.client_id, order.id))
        return order.client_id
