"""The conversations' states."""

from aiogram.fsm.state import State, StatesGroup


class NewOrder(StatesGroup):
    service = State()
    description = State()
    address = State()
    time = State()
    date = State()
    slot = State()
    phone = State()
    payment = State()
    summary = State()


class MasterSignup(StatesGroup):
    name = State()
    phone = State()
    services = State()


class Report(StatesGroup):
    photos = State()
    price = State()


class Code(StatesGroup):
    entering = State()


class Visit(StatesGroup):
    when = State()
