"""Housekeeping on the clock: what is no longer needed leaves the database.

- A conversation abandoned for FSM_TTL_DAYS (its FSM row untouched that long) is removed: a
  client who comes back after a month starts afresh rather than in a half-forgotten draft.
- A delivered outbox row older than OUTBOX_KEEP_DAYS is removed: its message is in Telegram
  and the change that caused it is in the audit log, which is kept. Rows still pending or
  given up (failed) are kept: they are work to do, or evidence of a message that never went.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.services.base import Context
from db import retention

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    fsm_ttl: timedelta
    outbox_keep: timedelta
    sql_fsm: bool = True  # False with Redis: its keys expire by themselves


@dataclass(frozen=True)
class Swept:
    conversations: int
    outbox_rows: int


async def sweep(ctx: Context, keep: Retention) -> Swept:
    now = ctx.clock()
    async with ctx.tx() as s:
        conversations = 0
        if keep.sql_fsm:
            conversations = await retention.purge_conversations(s, now - keep.fsm_ttl)
        sent = await retention.purge_sent_messages(s, now - keep.outbox_keep)
    if conversations or sent:
        logger.info("housekeeping: removed %s abandoned conversation(s) and %s delivered "
                    "outbox row(s)", conversations, sent)
    return Swept(conversations, sent)
