"""Master onboarding (SPEC §2.5): name → own phone → legal form [R §1] → tax id → services →
districts → documents [R §4] → summary with an edit button per field → sent to the desk.

The steps are a table (handlers/master/signup_steps.py) on the form engine (fsm/forms.py): the
draft lives in FSM storage, so the conversation survives a restart; /become_master again
resumes it where it stopped.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.album_parts import AlbumCollector, Parts
from bot.buttons.onboarding import SignupAction as A
from bot.buttons.onboarding import SignupCb
from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.domain.files import document_ref, photo_ref
from bot.domain.masters import (
    LEGAL_FORMS,
    MAX_DOCUMENTS,
    Application,
    check_name,
    check_tax_id,
    reapply_from,
)
from bot.domain.views import MasterView
from bot.i18n import _, fmt_datetime
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.masters import apply_master
from bot.texts import error_text
from fsm.draft import MasterDraft
from fsm.forms import parsed
from fsm.states import MasterSignup
from handlers.inputs import (
    answer_once,
    chosen,
    close_press,
    message_of,
    refuse_typed_phone,
    take_own_phone,
)
from handlers.keyboards import cancel_button
from handlers.master import signup_picks
from handlers.master.signup_steps import (
    FIELDS,
    FORM,
    SignupEnv,
    documents_kb,
    step,
    tax_id_other,
    tax_id_rule_of,
)


def cooldown_text(until: datetime, renderer: Renderer) -> str:
    return _("Your last application was not approved. You can apply again after "
             "{time}.").format(time=fmt_datetime(until, renderer.tz))


async def _refused(message: Message, state: FSMContext, master: MasterView | None,
                   ctx: Context, renderer: Renderer) -> bool:
    """Already a master, under review, or in the cooldown after a refusal: said, True."""
    if master is not None and master.status == "approved":
        await message.answer(_("You are already a verified master. Your profile: /profile"))
        return True
    if master is not None and master.status == "pending":
        await message.answer(_("Your application is being reviewed by the desk."))
        return True
    until = None if master is None else reapply_from(
        master.status, master.decided_at, ctx.policy.reapply_cooldown, ctx.clock())
    if until is not None:  # refused before the form, not after it
        await state.clear()
        await message.answer(cooldown_text(until, renderer))
        return True
    return False


async def become_master(message: Message, state: FSMContext, master: MasterView | None,
                        ctx: Context, renderer: Renderer) -> None:
    if await _refused(message, state, master, ctx, renderer):
        return
    current = await state.get_state()
    if current and current.startswith(MasterSignup.__name__):
        await message.answer(_("Let us continue your application where you stopped."))
        await step(message, state, await FORM.load(state), SignupEnv(ctx, renderer))
        return
    await state.set_state(MasterSignup.name)
    await state.set_data({"master": MasterDraft().model_dump(mode="json")})
    await message.answer(_("Masters on the platform are self-employed or sole traders. "
                           "Let us start your application.\n\nWhat is your full name?"),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]))


async def got_name(message: Message, state: FSMContext, ctx: Context,
                   renderer: Renderer) -> None:
    draft = await FORM.filled(state, "name", await parsed(message, check_name))
    if draft is not None:
        await step(message, state, draft, SignupEnv(ctx, renderer))


async def got_phone(message: Message, state: FSMContext, ctx: Context,
                    renderer: Renderer) -> None:
    draft = await FORM.filled(state, "phone", await take_own_phone(message))
    if draft is not None:
        await step(message, state, draft, SignupEnv(ctx, renderer))


async def got_legal_form(query: CallbackQuery, callback_data: SignupCb, state: FSMContext,
                         ctx: Context, renderer: Renderer) -> None:
    message = await close_press(query)
    if callback_data.index == len(LEGAL_FORMS):
        await state.clear()
        await message.answer(_("Sorry: only the self-employed and sole traders can register "
                               "as masters. When you register as one, apply again with "
                               "/become_master."))
        return
    if not 0 <= callback_data.index < len(LEGAL_FORMS):
        await message.answer(_("This button is outdated."))
        return
    draft = await FORM.load(state)
    draft.legal_form = LEGAL_FORMS[callback_data.index]
    await step(message, state, draft, SignupEnv(ctx, renderer))


async def got_tax_id(message: Message, state: FSMContext, ctx: Context,
                     renderer: Renderer) -> None:
    typed = await parsed(message, lambda text: check_tax_id(text, tax_id_rule_of(ctx)))
    draft = await FORM.filled(state, "tax_id", typed)
    if draft is not None:
        await step(message, state, draft, SignupEnv(ctx, renderer))


def file_of(message: Message) -> str | None:
    """The message's photo or document as a kept reference; InvalidInput for a file that is
    not a PDF, JPEG or PNG (bot/domain/files.py)."""
    if message.photo:
        return photo_ref(message.photo[-1].file_id)
    if message.document:
        doc = message.document
        return document_ref(doc.file_id, doc.file_name, doc.mime_type)
    return None


async def got_document(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await FORM.load(state)
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
            await FORM.save(state, draft)
    # several files sent at once (an album) get one answer and one Continue button
    await answer_once(message, albums, refusal,
                      lambda p: documents_added(p, len(draft.documents)), documents_kb())


def documents_added(parts: Parts, count: int) -> str:
    if parts.count == 1:
        return _("Document {count} of {n} added.").format(count=count, n=MAX_DOCUMENTS)
    return _("Documents added: {added}. Now {count} of {n}.").format(
        added=parts.added, count=count, n=MAX_DOCUMENTS)


async def documents_done(query: CallbackQuery, state: FSMContext, ctx: Context,
                         renderer: Renderer) -> None:
    await signup_picks.finish(query, state, SignupEnv(ctx, renderer), "documents",
                              _("Send at least one document (your passport)."))


async def documents_other(message: Message) -> None:
    await message.answer(_("Send a document as a photo or a file, or press «Continue»."),
                         reply_markup=documents_kb())


async def edit_field(query: CallbackQuery, callback_data: SignupCb, state: FSMContext,
                     ctx: Context, renderer: Renderer) -> None:
    field = chosen(FIELDS, callback_data.index)
    draft = await FORM.load(state)
    if field == "documents":
        draft.documents, draft.documents_done = [], False  # send the set again
    message = await close_press(query)
    await FORM.ask(field, message, state, draft, SignupEnv(ctx, renderer))


async def send(query: CallbackQuery, state: FSMContext, ctx: Context,
               renderer: Renderer) -> None:
    draft = await FORM.load(state)
    missing = draft.next_step(bool(renderer.districts))
    message = message_of(query)
    if missing is not None:
        await query.answer()
        await FORM.ask(missing, message, state, draft, SignupEnv(ctx, renderer))
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


def make_router() -> Router:
    router = Router(name="master_onboarding")
    cb, msg, st = router.callback_query.register, router.message.register, MasterSignup
    msg(become_master, Command("become_master"))
    msg(got_name, st.name, F.text)
    msg(got_phone, st.phone, F.contact)
    msg(refuse_typed_phone, st.phone)
    cb(got_legal_form, st.legal_form, SignupCb.filter(F.action == A.LEGAL_FORM))
    msg(got_tax_id, st.tax_id, F.text)
    msg(tax_id_other, st.tax_id)
    signup_picks.register(router)
    msg(got_document, st.documents, F.photo | F.document)
    cb(documents_done, st.documents, SignupCb.filter(F.action == A.DOCUMENTS_DONE))
    msg(documents_other, st.documents)
    cb(edit_field, st.summary, SignupCb.filter(F.action == A.EDIT))
    cb(send, st.summary, SignupCb.filter(F.action == A.SEND))
    FORM.fallbacks(router)
    return router
