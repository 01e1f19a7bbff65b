"""Reviews (SPEC §2.3): the client rates a completed order once; a low mark alerts the desk
[H]; the desk may correct the text, never delete the review [R §7]. The stars feed the
masters' Bayesian rating per category [Q]."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.domain.deadlines import Kind
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.reviews import LOW, MAX_COMMENT, MAX_STARS, MIN_STARS, check_review
from bot.domain.rules import Actor, clip, desk_only
from bot.domain.states import Role, Status
from bot.events import DeskClientRated, DeskReview, MasterReview, To
from bot.services import clocks
from bot.services.base import Context, audit, card_changed, enqueue
from bot.services.common import load_order, load_own_job, master_user_id
from db import orders, reviews
from db.models import Review

REVIEWABLE = (Status.COMPLETED, Status.DISPUTED)


async def leave_review(ctx: Context, actor: Actor, order_id: int, stars: int,
                       comment: str | None) -> None:
    """The order's client rates it, once."""
    text = check_review(stars, comment)
    now = ctx.clock()
    try:
        async with ctx.tx() as s:
            order = await load_order(s, order_id)
            if order.client_id != actor.user_id:
                raise NotAllowed("error.not_allowed")
            if order.status not in REVIEWABLE or order.master_id is None:
                raise NotAllowed("error.wrong_state")
            if await master_user_id(s, order.master_id) == actor.user_id:
                # his own order as its master (never assignable now, but older rows may be):
                # the stars would feed his own ranking
                raise NotAllowed("error.own_order")
            if await reviews.of_order(s, order.id) is not None:
                raise Conflict("error.already_reviewed")
            # The unique order_id settles a double tap here.
            await reviews.add(s, Review(order_id=order.id, master_id=order.master_id,
                                        service=order.service, stars=stars, comment=text,
                                        created_at=now))
            # The review is in: the reminder that would ask for it is met.
            await clocks.cancel(s, [order.id], [Kind.REVIEW])
            audit(s, now, actor_id=actor.user_id, role=Role.CLIENT, action="review",
                  order_id=order.id, master_id=order.master_id, reason=f"{stars} {text or ''}")
            enqueue(s, now, DeskReview(stars=stars, comment=text, alert=stars <= LOW),
                    to=To.desk(order.id))
            enqueue(s, now, MasterReview(stars=stars, comment=text),
                    to=To.chat(await master_user_id(s, order.master_id), order.id))
            card_changed(s, now, order.id)
    except IntegrityError:
        raise Conflict("error.already_reviewed") from None


async def correct_review(ctx: Context, actor: Actor, order_id: int, text: str) -> None:
    """[R §7] a review cannot be deleted; the desk replaces its text (the old one stays in
    the audit log)."""
    desk_only(actor)
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("error.review_text")
    now = ctx.clock()
    async with ctx.tx() as s:
        review = await reviews.of_order(s, order_id)
        if review is None:
            raise NotAllowed("error.no_review")
        audit(s, now, actor_id=actor.user_id, role=Role.MANAGER, action="review_corrected",
              order_id=order_id, master_id=review.master_id, reason=review.comment)
        review.comment = clip(text, MAX_COMMENT)
        card_changed(s, now, order_id)


async def rate_client(ctx: Context, actor: Actor, order_id: int, stars: int) -> None:
    """[H] the master rates the client of his completed job, once, with one tap; a low mark
    is shown to the desk in the order's topic."""
    if not MIN_STARS <= stars <= MAX_STARS:
        raise InvalidInput("error.invalid_input")
    now = ctx.clock()
    async with ctx.tx() as s:
        order = await load_own_job(s, actor, order_id, REVIEWABLE)
        await orders.rate_client(s, order, stars)
        audit(s, now, actor_id=actor.user_id, role=Role.MASTER, action="rate_client",
              order_id=order.id, master_id=order.master_id, reason=str(stars))
        enqueue(s, now, DeskClientRated(stars=stars, alert=stars <= LOW), to=To.desk(order.id))
        card_changed(s, now, order.id)
