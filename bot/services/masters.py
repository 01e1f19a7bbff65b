"""Masters: the application, the desk's verification (approve, reject with a reason, ask for
more), the master's own profile, and blocking [R §1, §4, §8; Q]."""

from __future__ import annotations

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
from bot.domain.rules import Actor, clip, desk_only
from bot.domain.states import Role
from bot.domain.views import MasterView
from bot.events import (
    DeskMasterAnswer,
    MasterDecision,
    MasterDocuments,
    MasterQuestion,
    To,
)
from bot.services.base import Context, audit, enqueue, master_card_changed
from bot.services.views import master_view, master_views
from db import masters
from db.models import Master


async def _own(s: AsyncSession, user_id: int) -> Master:
    master = await masters.of_user(s, user_id)
    if master is None:
        raise NotFound("error.not_a_master")
    return master


async def apply_master(ctx: Context, user_id: int, app: Application) -> MasterView:
    """Send an application to the desk's verification queue (a card with the documents)."""
    now = ctx.clock()
    async with ctx.tx() as s:
        app = check_application(app, await masters.active_services(s), ctx.policy.districts)
        master = await masters.of_user(s, user_id)
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
            masters.add(s, master)
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
        await masters.set_services(s, master.id, app.services)
        audit(s, now, actor_id=user_id, role=Role.MASTER, action="apply", master_id=master.id)
        master_card_changed(s, now, master.id)
        enqueue(s, now, MasterDocuments(master_id=master.id, files=tuple(app.documents)),
                to=To.desk())
        await s.flush()
        return await master_view(s, master)


async def decide_master(ctx: Context, actor: Actor, master_id: int, approve: bool,
                        reason: str | None = None) -> MasterView:
    """Approve (the master is verified [Q]) or reject with one of MASTER_REJECT_REASONS."""
    desk_only(actor)
    if not approve and reason not in MASTER_REJECT_REASONS:
        raise InvalidInput("error.invalid_input")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await masters.load(s, master_id)
        # Compare-and-set: of two managers deciding at once, one wins, the other is told.
        await masters.decide(s, master, now, approve=approve, reason=reason,
                             by=actor.user_id)
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
    desk_only(actor)
    question = question.strip()
    if not question or question.startswith("/"):
        raise InvalidInput("error.question_empty")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await masters.load(s, master_id)
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
    desk_only(actor)
    async with ctx.read() as s:
        rows = await masters.pending(s, limit)
        return await master_views(s, rows)


async def desk_master(ctx: Context, actor: Actor, master_id: int) -> MasterView:
    """A master as the desk sees him (to redraw his card's buttons)."""
    desk_only(actor)
    async with ctx.read() as s:
        return await master_view(s, await masters.load(s, master_id))


async def show_card(ctx: Context, actor: Actor, master_id: int) -> MasterView:
    """Post the master's card (with his documents) again at the bottom of the desk."""
    desk_only(actor)
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await masters.load(s, master_id)
        master.card_message_id = None  # a new card below; the old one stays as history
        master_card_changed(s, now, master.id)
        if master.documents:
            enqueue(s, now, MasterDocuments(master_id=master.id, files=tuple(master.documents)),
                    to=To.desk())
        await s.flush()
        return await master_view(s, master)


# --- the master's own profile ---------------------------------------------------------------

async def get_own(ctx: Context, user_id: int) -> MasterView:
    async with ctx.read() as s:
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
            if not set(picked) <= await masters.active_services(s):
                raise InvalidInput("error.service_unknown")
            await masters.set_services(s, master.id, picked)
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
