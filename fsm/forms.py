"""One small engine for the form-like conversations.

A form is a typed draft (a pydantic model, JSON-safe) kept under ONE key of the conversation
data, and a table of steps: each step's state, its prompt (text and keyboard) and the hint
answered when the wrong kind of input arrives there (a sticker where an address is asked:
a clear message in the user's language, nothing lost). Parsers turn what was typed into a value
or raise an error carrying the user's message; `parsed` answers it and keeps the step.

Reading and writing the draft as often as a handler likes costs one storage read and one write
per update: the storage is buffered per update (fsm/buffer.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message
from pydantic import BaseModel

from bot.domain.errors import DomainError
from bot.texts import error_text

D = TypeVar("D", bound=BaseModel)
E = TypeVar("E")  # what the prompts need besides the draft (the services' context, policy…)
T = TypeVar("T")


class Refused(Exception):
    """A parser's refusal whose text is already in the user's language."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


async def parsed(message: Message, parse: Callable[[str], T]) -> T | None:
    """The value typed in `message`, or None after telling the user what is wrong."""
    try:
        return parse((message.text or "").strip())
    except Refused as exc:
        await message.answer(exc.text)
    except DomainError as exc:
        await message.answer(error_text(exc))
    return None


Prompt = Callable[[Message, D, E], Awaitable[None]]


@dataclass(frozen=True)
class Step(Generic[D, E]):
    state: State
    prompt: Prompt[D, E]
    hint: Callable[[], str] | None = None  # the wrong kind of input: what to send instead


EnvOf = Callable[[Mapping[str, Any]], E]  # the prompts' env from a handler's data


class Form(Generic[D, E]):
    def __init__(self, key: str, model: type[D], steps: Mapping[str, Step[D, E]],
                 env: EnvOf[E], merge: bool = False) -> None:
        self.key = key
        self.model = model
        self.steps = steps
        self.env = env
        self.merge = merge  # keep the conversation's other keys when saving
        for name, step in steps.items():
            _AT[step.state.state or ""] = (self, name)

    async def load(self, state: FSMContext) -> D:
        data = await state.get_data()
        return self.model.model_validate(data.get(self.key) or {})

    async def save(self, state: FSMContext, draft: D) -> None:
        value = draft.model_dump(mode="json")
        if self.merge:
            await state.update_data({self.key: value})
        else:
            await state.set_data({self.key: value})

    async def filled(self, state: FSMContext, field: str, value: object | None) -> D | None:
        """The draft with the step's answer `value` in `field`, for the next step; None when
        there is no answer (the user was already told why)."""
        if value is None:
            return None
        draft = await self.load(state)
        setattr(draft, field, value)  # pydantic refuses a name the draft does not have
        return draft

    async def enter(self, name: str, state: FSMContext, draft: D) -> None:
        """Go to step `name` without its prompt (the caller says it another way)."""
        await state.set_state(self.steps[name].state)
        await self.save(state, draft)

    async def ask(self, name: str, message: Message, state: FSMContext, draft: D,
                  env: E) -> None:
        """Go to step `name`: the state, the draft saved, the prompt sent."""
        await self.enter(name, state, draft)
        await self.steps[name].prompt(message, draft, env)

    async def at(self, state: FSMContext, name: str) -> bool:
        return await state.get_state() == self.steps[name].state.state

    def fallbacks(self, router: Router) -> None:
        """The hint of each step for input its handlers did not take; register last."""
        for step in self.steps.values():
            if step.hint is not None:
                router.message(step.state)(_hinter(step.hint))


# Which form and step each conversation state is (every Form registers its steps).
_AT: dict[str, tuple[Form[Any, Any], str]] = {}


async def ask_again(message: Message, state: FSMContext, data: Mapping[str, Any]) -> bool:
    """Send again the prompt of the step the conversation is at (an update delivered again
    after its step was stored: the process that stored it may have died before the prompt
    went out). False when the conversation is at no form's step."""
    at = _AT.get(await state.get_state() or "")
    if at is None:
        return False
    form, name = at
    await form.steps[name].prompt(message, await form.load(state), form.env(data))
    return True


def no_env(data: Mapping[str, Any]) -> None:
    """For a form whose prompts need nothing besides the draft."""
    return None


def _hinter(hint: Callable[[], str]) -> Callable[[Message], Awaitable[None]]:
    async def wrong_input(message: Message) -> None:
        await message.answer(hint())
    return wrong_input
