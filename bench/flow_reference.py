"""The bare-aiogram reference of bench/flow.py, run by it as its own process:
python bench/flow_reference.py (BOT_TOKEN, TELEGRAM_API_BASE and REFERENCE_DB from the env).

A 12-step FSM conversation shaped like Masterdesk's New order (the same updates, the same
answers: an answered callback, an edit where Masterdesk edits, a message with the button the
next step presses), with aiogram's in-memory FSM storage and one SQLite insert (and commit) per
step, SQLite in WAL mode with synchronous=NORMAL as Masterdesk's engine sets it. Buttons carry
Masterdesk's callback data (`v1:<action>:0:<x>`), so the same clients drive both bots.
"""

from __future__ import annotations

import asyncio
import os
from html import escape

import aiosqlite
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

router = Router()


class Flow(StatesGroup):
    menu = State()
    service = State()
    description = State()
    address = State()
    time = State()
    slot = State()
    phone = State()
    payment = State()
    summary = State()


def keyboard(code: str, n: int = 1) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=f"{code} {x}", callback_data=f"v1:{code}:0:{x}")]
            for x in range(n)]
    rows.append([InlineKeyboardButton(text="Cancel", callback_data="v1:cxl:0:0")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def reply_keyboard(contact: bool) -> ReplyKeyboardMarkup:
    button = KeyboardButton(text="Share", request_contact=contact, request_location=not contact)
    return ReplyKeyboardMarkup(keyboard=[[button], [KeyboardButton(text="Cancel")]],
                               resize_keyboard=True, one_time_keyboard=True)


async def step(db: aiosqlite.Connection, user_id: int, name: str, value: str = "") -> None:
    """The one SQLite write of a step."""
    await db.execute("INSERT INTO steps (user_id, step, value) VALUES (?, ?, ?)",
                     (user_id, name, value))
    await db.commit()


async def enter(query: CallbackQuery, db: aiosqlite.Connection, state: FSMContext,
                name: str, next_state: State) -> Message:
    """What every button step does first: answer the query, write, move the state."""
    await query.answer()
    await step(db, query.from_user.id, name, query.data or "")
    await state.set_state(next_state)
    assert isinstance(query.message, Message)
    return query.message


@router.message(CommandStart())
async def start(message: Message, state: FSMContext, db: aiosqlite.Connection) -> None:
    await step(db, message.chat.id, "start")
    await state.set_state(Flow.menu)
    await message.answer("Hello! What would you like to do?", reply_markup=keyboard("new"))


@router.callback_query(Flow.menu, F.data.startswith("v1:new:"))
async def new(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "new", Flow.service)
    await message.answer("Which service do you need?", reply_markup=keyboard("svc", 6))


@router.callback_query(Flow.service, F.data.startswith("v1:svc:"))
async def service(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "service", Flow.description)
    await state.update_data(service=query.data)
    await message.edit_text("Service: Plumbing")
    await message.answer("Describe the problem.", reply_markup=keyboard("next"))


@router.message(Flow.description, F.text)
async def description(message: Message, state: FSMContext, db: aiosqlite.Connection) -> None:
    await step(db, message.chat.id, "description", message.text or "")
    await state.update_data(description=message.text)
    await message.answer("Added.", reply_markup=keyboard("next"))


@router.message(Flow.description, F.photo)
async def photo(message: Message, state: FSMContext, db: aiosqlite.Connection) -> None:
    assert message.photo
    await step(db, message.chat.id, "photo", message.photo[-1].file_id)
    await state.update_data(photo=message.photo[-1].file_id)
    await message.answer("Photo 1 of 10 added.", reply_markup=keyboard("next"))


@router.callback_query(Flow.description, F.data.startswith("v1:next:"))
async def described(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "continue", Flow.address)
    await message.edit_reply_markup(reply_markup=None)
    await message.answer("Where should the master come?", reply_markup=reply_keyboard(False))


@router.message(Flow.address, F.text)
async def address(message: Message, state: FSMContext, db: aiosqlite.Connection) -> None:
    await step(db, message.chat.id, "address", message.text or "")
    await state.update_data(address=message.text)
    await state.set_state(Flow.time)
    await message.answer("Address saved.", reply_markup=ReplyKeyboardRemove())
    await message.answer("When should the master come?", reply_markup=keyboard("tk", 4))


@router.callback_query(Flow.time, F.data.startswith("v1:tk:"))
async def time_kind(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "day", Flow.slot)
    await message.answer("Choose a time slot", reply_markup=keyboard("slot", 4))


@router.callback_query(Flow.slot, F.data.startswith("v1:slot:"))
async def slot(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "slot", Flow.phone)
    await message.edit_reply_markup(reply_markup=None)
    await message.answer("Share your phone number.", reply_markup=reply_keyboard(True))


@router.message(Flow.phone, F.contact)
async def phone(message: Message, state: FSMContext, db: aiosqlite.Connection) -> None:
    assert message.contact
    await step(db, message.chat.id, "phone", message.contact.phone_number)
    await state.set_state(Flow.payment)
    await message.answer("Phone number saved.", reply_markup=ReplyKeyboardRemove())
    await message.answer("How will you pay?", reply_markup=keyboard("pay", 2))


@router.callback_query(Flow.payment, F.data.startswith("v1:pay:"))
async def payment(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "payment", Flow.summary)
    await message.edit_reply_markup(reply_markup=None)
    draft = escape(str(await state.get_data()))
    await message.answer(f"<b>Please check your order</b>\n{draft}", reply_markup=keyboard("ok"))


@router.callback_query(Flow.summary, F.data.startswith("v1:ok:"))
async def confirm(query: CallbackQuery, state: FSMContext, db: aiosqlite.Connection) -> None:
    message = await enter(query, db, state, "confirm", Flow.menu)
    await state.clear()
    await message.edit_reply_markup(reply_markup=None)
    await message.answer("Your order is placed.", reply_markup=keyboard("new"))


async def main() -> None:
    db = await aiosqlite.connect(os.environ["REFERENCE_DB"])
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=NORMAL")
    await db.execute("CREATE TABLE IF NOT EXISTS steps (id INTEGER PRIMARY KEY, "
                     "user_id INTEGER, step TEXT, value TEXT)")
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session,
              default=DefaultBotProperties(parse_mode="HTML"))
    dp = Dispatcher(storage=MemoryStorage(), db=db)
    dp.include_router(router)
    try:
        await dp.start_polling(bot, handle_signals=True)
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
