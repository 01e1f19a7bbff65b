"""Input steps that several conversations share: photos and the phone by shared contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove

from bot.album_parts import AlbumCollector, Parts
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.ids import is_id, parse_id
from bot.domain.rules import MAX_PHOTOS, normalize_phone, same_person_contact
from bot.i18n import _, ngettext
from bot.notify.render import Renderer
from bot.services.base import Context
from handlers.keyboards import share_contact

T = TypeVar("T")


def number_arg(token: str, usage: str, missing: str = "error.not_found") -> int:
    """The order (or master) number a desk command was given: not a number → the command's
    usage; a number no row can have → "not found"."""
    n = parse_id(token)
    if n is None:
        raise InvalidInput(usage)
    if not is_id(n):
        raise NotFound(missing)
    return n


def chosen(choices: Sequence[T], index: int) -> T:
    """What a button picked from a list by its index; an index the list no longer has (the
    list changed since the button was drawn, or the press is forged): outdated."""
    if not 0 <= index < len(choices):
        raise NotAllowed("error.outdated")
    return choices[index]


def message_of(query: CallbackQuery) -> Message:
    """The bot's message a button was pressed on (always there for our own buttons)."""
    assert isinstance(query.message, Message)
    return query.message


async def close_press(query: CallbackQuery, told: str | None = None) -> Message:
    """Answer a one-time press (with `told`, if any) and take the buttons off its message, so
    it cannot be pressed again; that message, for what follows."""
    await query.answer(told)
    message = message_of(query)
    await message.edit_reply_markup(reply_markup=None)
    return message


async def leave_by_press(query: CallbackQuery, state: FSMContext, at: State, text: str) -> None:
    """A press that ends the conversation if it is still at `at`, and says `text` in place of
    the message it was pressed on."""
    if await state.get_state() == at.state:
        await state.clear()
    await query.answer()
    await message_of(query).edit_text(text)


def add_photo(message: Message, photos: list[str]) -> str | None:
    """Add the message's photo to `photos` (at most MAX_PHOTOS); the reason, for the user,
    when it cannot be added."""
    assert message.photo
    if len(photos) >= MAX_PHOTOS:
        if message.media_group_id is not None:  # said once for the whole album
            return ngettext("You can attach at most {n} photo; the rest were not added.",
                            "You can attach at most {n} photos; the rest were not added.",
                            MAX_PHOTOS).format(n=MAX_PHOTOS)
        return ngettext("You can attach at most {n} photo; this one was not added.",
                        "You can attach at most {n} photos; this one was not added.",
                        MAX_PHOTOS).format(n=MAX_PHOTOS)
    photos.append(message.photo[-1].file_id)
    return None


def photos_added(parts: Parts, count: int) -> str:
    """What was added, for one photo or for an album (bot/album_parts.py)."""
    if parts.count == 1:
        return _("Photo {count} of {n} added.").format(count=count, n=MAX_PHOTOS)
    return _("Photos added: {added}. Now {count} of {n}.").format(
        added=parts.added, count=count, n=MAX_PHOTOS)


async def take_photo(message: Message, albums: AlbumCollector, photos: list[str],
                     keep: Callable[[], Awaitable[None]], markup: InlineKeyboardMarkup) -> None:
    """A form's photo step: the photo added to `photos` and the draft kept (`keep`), or the
    reason it was not; an album answered once."""
    refusal = add_photo(message, photos)
    if refusal is None:
        await keep()
    await answer_once(message, albums, refusal, lambda p: photos_added(p, len(photos)), markup)


async def answer_once(message: Message, albums: AlbumCollector, refusal: str | None,
                      added: Callable[[Parts], str], markup: InlineKeyboardMarkup | None
                      ) -> None:
    """Answer a photo or file that was just stored (or refused, `refusal`): a lone one at
    once; an album once, from its last part, with each reason for a refusal once and then
    what was added (`added`)."""
    parts = await albums.settle(message, refusal)
    if parts is None:
        return
    lines = list(parts.refusals)
    if parts.added:
        lines.append(added(parts))
    await message.answer("\n".join(lines), reply_markup=markup)


async def take_own_phone(message: Message) -> str | None:
    """The sender's own phone from a shared contact [R §3]; None, and the user told why, for
    someone else's contact."""
    assert message.contact and message.from_user
    if not same_person_contact(message.contact.user_id, message.from_user.id):
        await message.answer(_("This is someone else's contact. Please share your own number "
                               "with the button below."), reply_markup=share_contact())
        return None
    await message.answer(_("Phone number saved."), reply_markup=ReplyKeyboardRemove())
    return normalize_phone(message.contact.phone_number)


async def refuse_typed_phone(message: Message) -> None:
    await message.answer(_("A typed number cannot be accepted: please press «📱 Share my phone "
                           "number» below, so we know the number is really yours."),
                         reply_markup=share_contact())


@dataclass(frozen=True)
class ServiceEnv:
    """What a form's prompts need besides the draft: the services' context and the renderer
    (the quote and extra forms, the master's signup)."""

    ctx: Context
    renderer: Renderer

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ServiceEnv:
        """From a handler's data (fsm/forms.py asks a step again with it)."""
        return cls(data["ctx"], data["renderer"])
