"""Input steps that several conversations share: photos and the phone by shared contact."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.ids import is_id, parse_id
from bot.domain.rules import MAX_PHOTOS, normalize_phone, same_person_contact
from bot.i18n import _, ngettext
from handlers.keyboards import share_contact


def number_arg(token: str, usage: str, missing: str = "error.not_found") -> int:
    """The order (or master) number a desk command was given: not a number → the command's
    usage; a number no row can have → "not found"."""
    n = parse_id(token)
    if n is None:
        raise InvalidInput(usage)
    if not is_id(n):
        raise NotFound(missing)
    return n


def message_of(query: CallbackQuery) -> Message:
    """The bot's message a button was pressed on (always there for our own buttons)."""
    assert isinstance(query.message, Message)
    return query.message


async def take_photo(message: Message, photos: list[str]) -> bool:
    """Add the message's photo to `photos` (at most MAX_PHOTOS); False, with the reason told
    to the user, when it cannot be added."""
    assert message.photo
    if len(photos) >= MAX_PHOTOS:
        await message.answer(ngettext("You can attach at most {n} photo; this one was not added.",
                                      "You can attach at most {n} photos; this one was not "
                                      "added.", MAX_PHOTOS).format(n=MAX_PHOTOS))
        return False
    photos.append(message.photo[-1].file_id)
    return True


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
