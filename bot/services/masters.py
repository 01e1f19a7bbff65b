"""Masters: the first onboarding and the desk's decision."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.states import Role
from bot.domain.views import MasterView
from bot.services.base import Context, audit, enqueue
from bot.services.views import master_view
from db.models import Master, MasterService, Service


async def apply_master(
    ctx: Context, user_id: int, name: str, phone: str, services: list[str]
) -> MasterView:
    name = name.strip()
    if not (2 <= len(name) <= 128):
        raise InvalidInput("error.name_length")
    if not services:
        raise InvalidInput("error.services_empty")
    now = ctx.clock()
    async with ctx.tx() as s:
        known = set((await s.scalars(select(Service.code))).all())
        if not set(services) <= known:
            raise InvalidInput("error.service_unknown")
        master = await s.scalar(select(Master).where(Master.user_id == user_id))
        if master is not None and master.status in ("pending", "approved"):
            raise Conflict("error.master_exists")
        if master is None:
            master = Master(user_id=user_id, name=name, phone=phone, created_at=now)
            s.add(master)
            try:
                await s.flush()
            except IntegrityError:  # a second tap got there first
                raise Conflict("error.master_exists") from None
        else:  # a rejected applicant applies again
            master.name, master.phone, master.status = name, phone, "pending"
            master.decided_at = master.decided_by = None
            for old in (await s.scalars(
                select(MasterService).where(MasterService.master_id == master.id)
            )).all():
                await s.delete(old)
            await s.flush()
        for code in sorted(set(services)):
            s.add(MasterService(master_id=master.id, service=code))
        audit(s, now, actor_id=user_id, role=Role.MASTER, action="apply", master_id=master.id)
        enqueue(s, now, "master_card", master_id=master.id)
        await s.flush()
        return await master_view(s, master)


async def decide_master(ctx: Context, actor: Actor, master_id: int, approve: bool) -> MasterView:
    if not actor.is_desk:
        raise NotAllowed("error.not_allowed")
    now = ctx.clock()
    async with ctx.tx() as s:
        master = await s.get(Master, master_id)
        if master is None:
            raise NotFound("error.not_found")
        # Compare-and-set: of two managers deciding at once, one wins, the other is told.
        done = await s.execute(
            update(Master).where(Master.id == master_id, Master.status == "pending")
            .values(status="approved" if approve else "rejected", verified=approve,
                    decided_at=now, decided_by=actor.user_id)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise Conflict("error.already_decided")
        await s.refresh(master)
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER,
              action="approve_master" if approve else "reject_master", master_id=master.id)
        enqueue(s, now, "master_decision", chat_id=master.user_id, master_id=master.id,
                approved=approve)
        enqueue(s, now, "master_card", master_id=master.id)
        await s.flush()
        return await master_view(s, master)
