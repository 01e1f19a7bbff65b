"""The desk's typed prompts (a question to an applicant, a block reason, a partial refund).

A manager's FSM state is kept per user in the desk chat, so a prompt would otherwise catch his
next message in ANY topic — a note meant for one client once went to an unverified applicant.
A prompt therefore remembers where it was asked and until when: only a message in the same
thread (or a reply to the prompt itself) answers it; anywhere else the state is hidden from the
handlers and the message is a normal desk message (a relay to that topic's client). After
PROMPT_TTL the prompt is cleared on the manager's next message and consumes nothing.

Kept in the FSM data rather than an FSM strategy per topic (FSMStrategy.USER_IN_TOPIC) so that
the storage keys of every existing conversation stay as they are and the expiry has one home.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message, TelegramObject

from bot.services.base import Context
from fsm.states import DeskInput

PROMPT_TTL = timedelta(minutes=10)
_KEY = "prompt"
_DESK_STATES = {s.state for s in DeskInput.__all_states__}


async def open_prompt(state: FSMContext, ctx: Context, new_state: State, card: Message,
                      prompt: Message, **data: Any) -> None:
    """Set the prompt's state once the prompt is posted under the card that was pressed: the
    card's thread (where the manager is), the prompt's id and the expiry."""
    await state.set_state(new_state)
    await state.set_data({**data, _KEY: {
        "thread": card.message_thread_id, "message": prompt.message_id,
        "until": (ctx.clock() + PROMPT_TTL).isoformat()}})


def answers(message: Message, prompt: dict[str, Any]) -> bool:
    reply = message.reply_to_message
    if reply is not None and reply.message_id == prompt.get("message"):
        return True
    return message.message_thread_id == prompt.get("thread")


def expired(prompt: dict[str, Any], now: datetime) -> bool:
    until = prompt.get("until")
    return until is None or datetime.fromisoformat(until) <= now  # None: set before this rule


class PromptScope(BaseMiddleware):
    """Outer middleware of the desk's messages, before any filter looks at the state."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if (isinstance(event, Message) and state is not None
                and data.get("raw_state") in _DESK_STATES):
            prompt = (await state.get_data()).get(_KEY) or {}
            ctx: Context = data["ctx"]
            if expired(prompt, ctx.clock()):
                await state.clear()
                data["raw_state"] = None
            elif not answers(event, prompt):
                data["raw_state"] = None  # not for this prompt: the state filters see none
        return await handler(event, data)
