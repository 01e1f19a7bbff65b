"""Master onboarding (SPEC §2.5): name → own phone → legal form [R §1] → tax id → services →
districts → documents [R §4] → summary with an edit button per field → sent to the desk.

The draft lives in FSM storage, so the conversation survives a restart; /become_master again
resumes it where it stopped.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.album_parts import AlbumCollector, Parts
from bot.callbacks import Cb
from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.domain.files import document_ref, photo_ref
from bot.domain.masters import (
    LEGAL_FORMS,
    MAX_DOCUMENTS,
    Application,
    TaxIdRule,
    check_name,
    check_tax_id,
    legal_forms_for,
    reapply_from,
    tax_id_rule,
)
from bot.domain.views import MasterView
from bot.i18n import _, current_locale, fmt_datetime, ngettext, pgettext
from bot.notify.render import Renderer, button, legal_form_name, q
from bot.services.base import Context
from bot.services.masters import apply_master
from bot.services.users import ServiceItem, catalogue
from bot.texts import error_text
from fsm.draft import MasterDraft
from fsm.states import MasterSignup
from handlers.inputs import answer_once, message_of, refuse_typed_phone, take_own_phone
from handlers.keyboards import cancel_button, share_contact, with_cancel

router = Router(name="master_onboarding")


def cooldown_text(until: datetime, renderer: Renderer) -> str:
    return _("Your last application was not approved. You can apply again after "
             "{time}.").format(time=fmt_datetime(until, renderer.tz))
FIELDS = ("name", "phone", "legal_form", "tax_id", "services", "districts", "documents")


async def load(state: FSMContext) -> MasterDraft:
    return MasterDraft.model_validate((await state.get_data()).get("master") or {})


async def save(state: FSMContext, draft: MasterDraft) -> None:
    await state.update_data(master=draft.model_dump(mode="json"))


@router.message(Command("become_master"))
async def become_master(message: Message, state: FSMContext, master: MasterView | None,
                        ctx: Context, renderer: Renderer) -> None:
    if master is not None and master.status == "approved":
        await message.answer(_("You are already a verified master. Your profile: /profile"))
        return
    if master is not None and master.status == "pending":
        await message.answer(_("Your application is being reviewed by the desk."))
        return
    until = None if master is None else reapply_from(
        master.status, master.decided_at, ctx.policy.reapply_cooldown, ctx.clock())
    if until is not None:  # refused before the form, not after it
        await state.clear()
        await message.answer(cooldown_text(until, renderer))
        return
    current = await state.get_state()
    if current and current.startswith(MasterSignup.__name__):
        await message.answer(_("Let us continue your application where you stopped."))
        await step(message, state, await load(state), ctx, renderer)
        return
    await state.set_state(MasterSignup.name)
    await state.set_data({"master": MasterDraft().model_dump(mode="json")})
    await message.answer(_("Masters on the platform are self-employed or sole traders. "
                           "Let us start your application.\n\nWhat is your full name?"),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]))


async def step(message: Message, state: FSMContext, draft: MasterDraft, ctx: Context,
               renderer: Renderer) -> None:
    """Ask for the first step still missing, or show the summary. A field corrected from the
    summary is no longer missing, so its step leads back to the summary."""
    await save(state, draft)
    missing = draft.next_step(bool(renderer.districts))
    if missing is None:
        await show_summary(message, state, draft, ctx, renderer)
    else:
        await ASK[missing](message, state, draft, ctx, renderer)


# --- name and phone ------------------------------------------------------------------------

async def ask_name(message: Message, state: FSMContext, draft: MasterDraft, ctx: Context,
                   renderer: Renderer) -> None:
    await state.set_state(MasterSignup.name)
    await message.answer(_("What is your full name?"), reply_markup=with_cancel())


@router.message(MasterSignup.name, F.text)
async def got_name(message: Message, state: FSMContext, ctx: Context,
                   renderer: Renderer) -> None:
    try:
        name = check_name(message.text or "")
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    draft = await load(state)
    draft.name = name
    await step(message, state, draft, ctx, renderer)


@router.message(MasterSignup.name)
async def name_other(message: Message) -> None:
    await message.answer(_("Enter a name from 2 to 128 characters."))


async def ask_phone(message: Message, state: FSMContext, draft: MasterDraft, ctx: Context,
                    renderer: Renderer) -> None:
    await state.set_state(MasterSignup.phone)
    await message.answer(_("Share your phone number with the button below. Only your own "
                           "Telegram number is accepted."), reply_markup=share_contact())


@router.message(MasterSignup.phone, F.contact)
async def got_phone(message: Message, state: FSMContext, ctx: Context,
                    renderer: Renderer) -> None:
    phone = await take_own_phone(message)
    if phone is None:
        return
    draft = await load(state)
    draft.phone = phone
    await step(message, state, draft, ctx, renderer)


@router.message(MasterSignup.phone)
async def phone_other(message: Message) -> None:
    await refuse_typed_phone(message)


# --- legal form and tax id [R §1] ----------------------------------------------------------

async def ask_legal_form(message: Message, state: FSMContext, draft: MasterDraft,
                         ctx: Context, renderer: Renderer) -> None:
    await state.set_state(MasterSignup.legal_form)
    # The button carries the form's place in LEGAL_FORMS, the same in every language.
    rows = [[button(legal_form_name(code), "mlf", x=LEGAL_FORMS.index(code))]
            for code in legal_forms_for(current_locale())]
    rows.append([button(_("Neither (employee, company, other)"), "mlf", x=len(LEGAL_FORMS))])
    await message.answer(_("How do you work? Only the self-employed and sole traders can "
                           "take orders on the platform."), reply_markup=with_cancel(*rows))


@router.callback_query(MasterSignup.legal_form, Cb.filter(F.a == "mlf"))
async def got_legal_form(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                         ctx: Context, renderer: Renderer) -> None:
    await query.answer()
    message = message_of(query)
    await message.edit_reply_markup(reply_markup=None)
    if callback_data.x == len(LEGAL_FORMS):
        await state.clear()
        await message.answer(_("Sorry: only the self-employed and sole traders can register "
                               "as masters. When you register as one, apply again with "
                               "/become_master."))
        return
    if not 0 <= callback_data.x < len(LEGAL_FORMS):
        await message.answer(_("This button is outdated."))
        return
    draft = await load(state)
    draft.legal_form = LEGAL_FORMS[callback_data.x]
    await step(message, state, draft, ctx, renderer)


@router.message(MasterSignup.legal_form)
async def legal_form_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


async def ask_tax_id(message: Message, state: FSMContext, draft: MasterDraft, ctx: Context,
                     renderer: Renderer) -> None:
    await state.set_state(MasterSignup.tax_id)
    await message.answer(_("Type your tax identification number (as registered for your "
                           "self-employment or business)."), reply_markup=with_cancel())


def _tax_id_rule(ctx: Context) -> TaxIdRule:
    return tax_id_rule(current_locale(), ctx.policy.tax_id_pattern, ctx.policy.tax_id_example)


@router.message(MasterSignup.tax_id, F.text)
async def got_tax_id(message: Message, state: FSMContext, ctx: Context,
                     renderer: Renderer) -> None:
    try:
        tax_id = check_tax_id(message.text or "", _tax_id_rule(ctx))
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    draft = await load(state)
    draft.tax_id = tax_id
    await step(message, state, draft, ctx, renderer)


@router.message(MasterSignup.tax_id)
async def tax_id_other(message: Message, ctx: Context) -> None:
    await message.answer(error_text(DomainError("error.tax_id",
                                                example=_tax_id_rule(ctx).example)))


# --- services and districts ----------------------------------------------------------------

def toggles(names: list[str], picked: list[str], codes: list[str], action: str,
            done: str) -> InlineKeyboardMarkup:
    rows = [[button(("✅ " if c in picked else "▫️ ") + n, action, x=i)]
            for i, (c, n) in enumerate(zip(codes, names, strict=True))]
    rows.append([button(pgettext("finish choosing from a list", "Done ▶️"), done),
                 cancel_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def services_kb(items: list[ServiceItem], picked: list[str], action: str = "msvc",
                done: str = "mdone") -> InlineKeyboardMarkup:
    loc = current_locale()
    return toggles([it.name(loc) for it in items], picked, [it.code for it in items], action,
                   done)


def districts_kb(districts: tuple[str, ...], picked: list[str], action: str = "mdst",
                 done: str = "mddone") -> InlineKeyboardMarkup:
    return toggles(list(districts), picked, list(districts), action, done)


def toggle(picked: list[str], code: str) -> list[str]:
    return [c for c in picked if c != code] if code in picked else [*picked, code]


async def ask_services(message: Message, state: FSMContext, draft: MasterDraft, ctx: Context,
                       renderer: Renderer) -> None:
    await state.set_state(MasterSignup.services)
    await message.answer(_("Which services do you offer? Tap to select, then press «Done»."),
                         reply_markup=services_kb(await catalogue(ctx), draft.services))


@router.callback_query(MasterSignup.services, Cb.filter(F.a == "msvc"))
async def toggle_service(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                         ctx: Context) -> None:
    items = await catalogue(ctx)
    if not 0 <= callback_data.x < len(items):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.services = toggle(draft.services, items[callback_data.x].code)
    await save(state, draft)
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=services_kb(items, draft.services))


@router.callback_query(MasterSignup.services, Cb.filter(F.a == "mdone"))
async def services_done(query: CallbackQuery, state: FSMContext, ctx: Context,
                        renderer: Renderer) -> None:
    draft = await load(state)
    if not draft.services:
        await query.answer(_("Choose at least one service."), show_alert=True)
        return
    draft.services_done = True
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await step(message_of(query), state, draft, ctx, renderer)


async def ask_districts(message: Message, state: FSMContext, draft: MasterDraft,
                        ctx: Context, renderer: Renderer) -> None:
    await state.set_state(MasterSignup.districts)
    await message.answer(_("Which districts do you serve? Tap to select, then press «Done»."),
                         reply_markup=districts_kb(renderer.districts, draft.districts))


@router.callback_query(MasterSignup.districts, Cb.filter(F.a == "mdst"))
async def toggle_district(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                          renderer: Renderer) -> None:
    if not 0 <= callback_data.x < len(renderer.districts):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.districts = toggle(draft.districts, renderer.districts[callback_data.x])
    await save(state, draft)
    await query.answer()
    await message_of(query).edit_reply_markup(
        reply_markup=districts_kb(renderer.districts, draft.districts))


@router.callback_query(MasterSignup.districts, Cb.filter(F.a == "mddone"))
async def districts_done(query: CallbackQuery, state: FSMContext, ctx: Context,
                         renderer: Renderer) -> None:
    draft = await load(state)
    if not draft.districts:
        await query.answer(_("Choose at least one district."), show_alert=True)
        return
    draft.districts_done = True
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await step(message_of(query), state, draft, ctx, renderer)


@router.message(MasterSignup.services)
@router.message(MasterSignup.districts)
async def toggles_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


# --- documents [R §4] ----------------------------------------------------------------------

def documents_kb() -> InlineKeyboardMarkup:
    return with_cancel([button(_("Continue ▶️"), "mdocs")])


async def ask_documents(message: Message, state: FSMContext, draft: MasterDraft,
                        ctx: Context, renderer: Renderer) -> None:
    await state.set_state(MasterSignup.documents)
    await message.answer(ngettext(
        "Send your documents: your passport and any certificates, as photos or files (up to "
        "{n}). Then press «Continue».",
        "Send your documents: your passport and any certificates, as photos or files (up to "
        "{n}). Then press «Continue».", MAX_DOCUMENTS).format(n=MAX_DOCUMENTS),
        reply_markup=documents_kb())


def file_of(message: Message) -> str | None:
    """The message's photo or document as a kept reference; InvalidInput for a file that is
    not a PDF, JPEG or PNG (bot/domain/files.py)."""
    if message.photo:
        return photo_ref(message.photo[-1].file_id)
    if message.document:
        doc = message.document
        return document_ref(doc.file_id, doc.file_name, doc.mime_type)
    return None


@router.message(MasterSignup.documents, F.photo | F.document)
async def got_document(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await load(state)
    refusal: str | None = None
    if len(draft.documents) >= MAX_DOCUMENTS:
        refusal = error_text(DomainError("error.documents_many"))
    else:
        try:
            ref = file_of(message)
        except InvalidInput as exc:  # refused: what was sent before stays
            refusal = error_text(exc)
        else:
            assert ref is not None
            draft.documents.append(ref)
            await save(state, draft)
    # several files sent at once (an album) get one answer and one Continue button
    await answer_once(message, albums, refusal,
                      lambda p: documents_added(p, len(draft.documents)), documents_kb())


def documents_added(parts: Parts, count: int) -> str:
    if parts.count == 1:
        return _("Document {count} of {n} added.").format(count=count, n=MAX_DOCUMENTS)
    return _("Documents added: {added}. Now {count} of {n}.").format(
        added=parts.added, count=count, n=MAX_DOCUMENTS)


@router.callback_query(MasterSignup.documents, Cb.filter(F.a == "mdocs"))
async def documents_done(query: CallbackQuery, state: FSMContext, ctx: Context,
                         renderer: Renderer) -> None:
    draft = await load(state)
    if not draft.documents:
        await query.answer(_("Send at least one document (your passport)."), show_alert=True)
        return
    draft.documents_done = True
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await step(message_of(query), state, draft, ctx, renderer)


@router.message(MasterSignup.documents)
async def documents_other(message: Message) -> None:
    await message.answer(_("Send a document as a photo or a file, or press «Continue»."),
                         reply_markup=documents_kb())


# --- summary, corrections, sending ---------------------------------------------------------

async def show_summary(message: Message, state: FSMContext, draft: MasterDraft, ctx: Context,
                       renderer: Renderer) -> None:
    await state.set_state(MasterSignup.summary)
    names = {it.code: it.name(current_locale()) for it in await catalogue(ctx)}
    lines = [
        _("<b>Please check your application</b>"), "",
        _("Name: {name}").format(name=q(draft.name or "")),
        _("Phone: {phone}").format(phone=q(draft.phone or "")),
        _("Legal form: {form}").format(form=legal_form_name(draft.legal_form)),
        _("Tax id: {tax_id}").format(tax_id=q(draft.tax_id or "")),
        _("Services: {services}").format(services=", ".join(
            q(names.get(c, c)) for c in draft.services)),
    ]
    if renderer.districts:
        lines.append(_("Districts: {districts}").format(districts=q(", ".join(draft.districts))))
    lines.append(ngettext("Documents: {n} file", "Documents: {n} files",
                          len(draft.documents)).format(n=len(draft.documents)))
    labels = [_("✏️ Name"), _("✏️ Phone"), _("✏️ Legal form"), _("✏️ Tax id"),
              _("✏️ Services"), _("✏️ Districts"), _("✏️ Documents")]
    edit = [button(label, "medit", x=i) for i, label in enumerate(labels)
            if FIELDS[i] != "districts" or renderer.districts]
    rows = [edit[i:i + 2] for i in range(0, len(edit), 2)]
    await message.answer("\n".join(lines), reply_markup=with_cancel(
        *rows, [button(_("📨 Send to the desk"), "msend")]))


@router.callback_query(MasterSignup.summary, Cb.filter(F.a == "medit"))
async def edit_field(query: CallbackQuery, callback_data: Cb, state: FSMContext, ctx: Context,
                     renderer: Renderer) -> None:
    if not 0 <= callback_data.x < len(FIELDS):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    field = FIELDS[callback_data.x]
    draft = await load(state)
    if field == "documents":
        draft.documents, draft.documents_done = [], False  # send the set again
    await save(state, draft)
    await query.answer()
    message = message_of(query)
    await message.edit_reply_markup(reply_markup=None)
    await ASK[field](message, state, draft, ctx, renderer)


@router.callback_query(MasterSignup.summary, Cb.filter(F.a == "msend"))
async def send(query: CallbackQuery, state: FSMContext, ctx: Context,
               renderer: Renderer) -> None:
    draft = await load(state)
    missing = draft.next_step(bool(renderer.districts))
    message = message_of(query)
    if missing is not None:
        await query.answer()
        await ASK[missing](message, state, draft, ctx, renderer)
        return
    try:
        await apply_master(ctx, query.from_user.id, Application(
            name=draft.name or "", phone=draft.phone or "", legal_form=draft.legal_form or "",
            tax_id=draft.tax_id or "", services=tuple(draft.services),
            districts=tuple(draft.districts), documents=tuple(draft.documents)))
    except NotAllowed as exc:  # rejected while he was filling the form in
        until = exc.params.get("until")
        if exc.key != "error.reapply_cooldown" or not isinstance(until, datetime):
            raise
        await query.answer()
        await message.answer(cooldown_text(until, renderer))
        return
    await state.clear()
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(_("Your application has been sent to the desk. We will write to "
                           "you when it is reviewed."))


@router.message(MasterSignup.summary)
async def summary_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


ASK = {"name": ask_name, "phone": ask_phone, "legal_form": ask_legal_form,
       "tax_id": ask_tax_id, "services": ask_services, "districts": ask_districts,
       "documents": ask_documents}
