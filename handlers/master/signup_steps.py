"""The master onboarding form's step table (SPEC §2.5): each step's prompt and keyboard, the
order of the steps (the first field still missing), the summary with an edit button per field.
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message

from bot.buttons import onboarding as kb
from bot.domain.errors import DomainError
from bot.domain.masters import MAX_DOCUMENTS, TaxIdRule, legal_forms_for, tax_id_rule
from bot.i18n import _, current_locale, ngettext
from bot.notify.render import legal_form_name, q
from bot.services.base import Context
from bot.services.users import catalogue
from bot.texts import error_text
from fsm.draft import MasterDraft
from fsm.forms import Form, Step
from fsm.states import MasterSignup
from handlers.inputs import ServiceEnv
from handlers.keyboards import cancel_button, share_contact, with_cancel

FIELDS = ("name", "phone", "legal_form", "tax_id", "services", "districts", "documents")


SignupEnv = ServiceEnv
signup_env = ServiceEnv.of


def tax_id_rule_of(ctx: Context) -> TaxIdRule:
    return tax_id_rule(current_locale(), ctx.policy.tax_id_pattern, ctx.policy.tax_id_example)


def documents_kb() -> InlineKeyboardMarkup:
    return with_cancel(*kb.documents_rows())


async def services_kb(ctx: Context, picked: list[str]) -> InlineKeyboardMarkup:
    items = await catalogue(ctx)
    return kb.pick_services([it.name(current_locale()) for it in items],
                            [it.code for it in items], picked, cancel_button())


async def _name(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(_("What is your full name?"), reply_markup=with_cancel())


async def _phone(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(_("Share your phone number with the button below. Only your own "
                           "Telegram number is accepted."), reply_markup=share_contact())


async def _legal_form(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(_("How do you work? Only the self-employed and sole traders can "
                           "take orders on the platform."), reply_markup=with_cancel(
                               *kb.legal_form_rows(legal_forms_for(current_locale()))))


async def _tax_id(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(_("Type your tax identification number (as registered for your "
                           "self-employment or business)."), reply_markup=with_cancel())


async def _services(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(_("Which services do you offer? Tap to select, then press «Done»."),
                         reply_markup=await services_kb(env.ctx, draft.services))


async def _districts(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(_("Which districts do you serve? Tap to select, then press «Done»."),
                         reply_markup=kb.pick_districts(env.renderer.districts, draft.districts,
                                                        cancel_button()))


async def _documents(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    await message.answer(ngettext(
        "Send your documents: your passport and any certificates, as photos or files (up to "
        "{n}). Then press «Continue».",
        "Send your documents: your passport and any certificates, as photos or files (up to "
        "{n}). Then press «Continue».", MAX_DOCUMENTS).format(n=MAX_DOCUMENTS),
        reply_markup=documents_kb())


async def _summary(message: Message, draft: MasterDraft, env: SignupEnv) -> None:
    names = {it.code: it.name(current_locale()) for it in await catalogue(env.ctx)}
    districts = bool(env.renderer.districts)
    lines = [
        _("<b>Please check your application</b>"), "",
        _("Name: {name}").format(name=q(draft.name or "")),
        _("Phone: {phone}").format(phone=q(draft.phone or "")),
        _("Legal form: {form}").format(form=legal_form_name(draft.legal_form)),
        _("Tax id: {tax_id}").format(tax_id=q(draft.tax_id or "")),
        _("Services: {services}").format(services=", ".join(
            q(names.get(c, c)) for c in draft.services)),
        *([_("Districts: {districts}").format(districts=q(", ".join(draft.districts)))]
          if districts else []),
        ngettext("Documents: {n} file", "Documents: {n} files",
                 len(draft.documents)).format(n=len(draft.documents)),
    ]
    rows = kb.summary_rows(FIELDS, lambda f: f != "districts" or districts)
    await message.answer("\n".join(lines), reply_markup=with_cancel(*rows))


def _buttons_above() -> str:
    return _("Please choose with the buttons above.")


FORM: Form[MasterDraft, SignupEnv] = Form("master", MasterDraft, {
    "name": Step(MasterSignup.name, _name, lambda: _("Enter a name from 2 to 128 characters.")),
    "phone": Step(MasterSignup.phone, _phone),  # a typed number is refused there
    "legal_form": Step(MasterSignup.legal_form, _legal_form, _buttons_above),
    "tax_id": Step(MasterSignup.tax_id, _tax_id),  # its hint needs the rule: onboarding.py
    "services": Step(MasterSignup.services, _services, _buttons_above),
    "districts": Step(MasterSignup.districts, _districts, _buttons_above),
    "documents": Step(MasterSignup.documents, _documents),  # with its keyboard: onboarding.py
    "summary": Step(MasterSignup.summary, _summary, _buttons_above),
}, signup_env, merge=True)


async def step(message: Message, state: FSMContext, draft: MasterDraft,
               env: SignupEnv) -> None:
    """Ask for the first step still missing, or show the summary. A field corrected from the
    summary is no longer missing, so its step leads back to the summary."""
    missing = draft.next_step(bool(env.renderer.districts))
    await FORM.ask(missing or "summary", message, state, draft, env)


async def tax_id_other(message: Message, ctx: Context) -> None:
    await message.answer(error_text(DomainError("error.tax_id",
                                                example=tax_id_rule_of(ctx).example)))
