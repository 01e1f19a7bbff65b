"""bot/buttons/base.py draws a button once per label and press and shares it between the
keyboards that show it (the menus and steps are drawn on every update): what the reader sees
and what a press sends are as before, and nothing sending a keyboard changes a shared one."""

from __future__ import annotations

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.buttons.base import labelled
from bot.buttons.menus import Menu, MenuAction, menu
from bot.i18n import make_i18n
from bot.notify.fit import mark
from bot.notify.fitting import fit_method

BOT = Bot("42:" + "A" * 35)


def test_the_same_label_and_press_give_the_same_button() -> None:
    first = labelled("📋 My orders", Menu(action=MenuAction.MY_ORDERS))
    again = labelled("📋 My orders", Menu(action=MenuAction.MY_ORDERS))
    assert first is again
    assert first.callback_data == Menu(action=MenuAction.MY_ORDERS).pack()
    other = labelled("📋 My orders", Menu(action=MenuAction.LANGUAGE))
    assert other is not first and other.callback_data == Menu(action=MenuAction.LANGUAGE).pack()


def test_a_label_with_a_user_part_is_drawn_without_its_marks_and_stays_so() -> None:
    name = "Anna " + mark("Kowalska") + "\u202e"  # a user part and a bidi control
    button = labelled(name, Menu(action=MenuAction.PROFILE))
    assert button.text == "Anna Kowalska"
    method = SendMessage(chat_id=1, text="x", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[button]]))
    fit_method(BOT, method)
    assert labelled(name, Menu(action=MenuAction.PROFILE)).text == "Anna Kowalska"


def test_two_menus_drawn_one_after_the_other_are_equal_and_share_their_buttons() -> None:
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale("pl"):
        a, b = menu(), menu()
        assert a.inline_keyboard[0][0].text == "🛠 Nowe zlecenie"
    with i18n.context(), i18n.use_locale("en"):
        assert menu().inline_keyboard[0][0].text == "🛠 New order"  # each language its own
    assert a == b
    assert a.inline_keyboard[0][0] is b.inline_keyboard[0][0]
    assert a.inline_keyboard is not b.inline_keyboard  # each keyboard its own rows
