"""Masters as the desk and clients see them: candidates, cards, profiles, ratings."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.applications import MasterCardAction, master_button
from bot.buttons.base import rows
from bot.buttons.profile import ProfileAction, profile_button
from bot.domain.files import parse_ref
from bot.domain.masters import Candidate, Discipline
from bot.domain.rules import clip
from bot.domain.views import MasterStats, MasterView, OrderView
from bot.i18n import (
    N_,
    _,
    fmt_decimal,
    ngettext,
    pgettext,
)
from bot.notify.fit import fit_list
from bot.notify.markup import q
from bot.notify.names import (
    MASTER_REJECT_REASON_NAMES,
)
from bot.notify.render_base import (
    CANDIDATE_LINE,
    FILE_NAME_LIMIT,
    RenderBase,
    and_more,
    legal_form_name,
)


class Masters(RenderBase):
    def rating(self, rating: float | None, reviews: int) -> str:
        if rating is None or not reviews:
            return _("no reviews yet")
        return ngettext("★ {rating} from {n} review", "★ {rating} from {n} reviews",
                        reviews).format(rating=fmt_decimal(round(rating, 1)), n=reviews)

    def discipline(self, d: Discipline) -> str:
        if not d.total:
            return _("clean record")
        parts = []
        if d.late_callbacks:
            parts.append(ngettext("{n} late callback", "{n} late callbacks",
                                  d.late_callbacks).format(n=d.late_callbacks))
        if d.missed_arrivals:
            parts.append(ngettext("{n} missed arrival window", "{n} missed arrival windows",
                                  d.missed_arrivals).format(n=d.missed_arrivals))
        if d.releases:
            parts.append(ngettext("{n} release", "{n} releases", d.releases).format(
                n=d.releases))
        if d.declined:
            parts.append(ngettext("{n} declined or expired offer",
                                  "{n} declined or expired offers", d.declined).format(
                n=d.declined))
        return ", ".join(parts)

    def candidate_button(self, i: int, c: Candidate) -> str:
        """One short line on a button: number, name and the facts at a glance."""
        marks = [("🟢" if c.on_duty else "⚪")]
        if c.serves_district is not None:
            marks.append("📍" if c.serves_district else "✖📍")
        marks.append(f"⭐{fmt_decimal(round(c.rating, 1))}" if c.reviews else "⭐—")
        if c.discipline.total:
            marks.append(f"⚠️{c.discipline.total}")
        return f"{i}. {c.name} " + " ".join(marks)

    def candidate_line(self, i: int, c: Candidate, o: OrderView) -> str:
        """Why the candidate ranks where he does, in one line."""
        parts = []
        if c.serves_district is not None:
            parts.append(_("serves {district}").format(district=q(o.district or ""))
                         if c.serves_district else
                         _("does not serve {district}").format(district=q(o.district or "")))
        parts.append(_("on duty") if c.on_duty else _("off duty"))
        parts.append(ngettext("{n} job in work", "{n} jobs in work", c.load).format(n=c.load))
        if c.offered:
            parts.append(ngettext("{n} other offer waiting for his answer",
                                  "{n} other offers waiting for his answer", c.offered).format(
                n=c.offered))
        parts.append(self.rating(c.rating if c.reviews else None, c.reviews))
        parts.append(ngettext("{n} done in {service}", "{n} done in {service}",
                              c.jobs_done).format(n=c.jobs_done,
                                                  service=q(self.service(o.service))))
        parts.append(self.discipline(c.discipline))
        if c.tried:
            parts.append(_("already declined or let this offer expire"))
        return f"{i}. <b>{q(c.name)}</b> — " + " · ".join(parts)

    def candidates(self, o: OrderView, found: list[Candidate]) -> str:
        """Why each ranks where he does, as many as fit one message (by length, not count)."""
        return fit_list(
            _("<b>Candidates for order #{number}</b>, best first:").format(number=o.id),
            [self.candidate_line(i, c, o) for i, c in enumerate(found[:20], 1)],
            "\n" + _("🤖 Auto offers to the best one on duty; when an offer expires or is "
                     "declined, the next one gets it."),
            more=and_more, item_limit=CANDIDATE_LINE)

    def master_public(self, name: str, verified: bool, rating: float | None, reviews: int,
                      jobs: int) -> str:
        """What the client sees of the master who comes to the door [H, Q]."""
        badge = " ✅ " + _("verified") if verified else ""
        return "\n".join([
            _("Master: <b>{name}</b>").format(name=q(name)) + badge,
            _("Rating: {rating}").format(rating=self.rating(rating, reviews)),
            ngettext("{n} job done on the platform", "{n} jobs done on the platform",
                     jobs).format(n=jobs),
        ])

    def master_lines(self, m: MasterView) -> list[str]:
        return [
            _("Name: {name}").format(name=q(m.name)) + (" ✅" if m.verified else ""),
            _("Phone: {phone}").format(phone=q(m.phone)),
            _("Legal form: {form}").format(form=legal_form_name(m.legal_form)),
            _("Tax id: {tax_id}").format(tax_id=q(m.tax_id or "—")),
            _("Services: {services}").format(
                services=", ".join(q(self.service(c)) for c in m.services)),
            *([_("Districts: {districts}").format(districts=q(", ".join(m.districts)))]
              if self.districts else []),
        ]

    def master_card(self, m: MasterView, stats: MasterStats | None = None,
                    record: Discipline | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
        """The desk's card of a master: the application, then his register entry."""
        status = {"pending": _("Waiting for verification"), "approved": _("Approved ✅"),
                  "rejected": _("Rejected"),
                  "erased": _("Data erased at the person's request")}.get(m.status, m.status)
        lines = [_("<b>Master #{number}</b>").format(number=m.id), *self.master_lines(m),
                 ngettext("Documents: {n} file", "Documents: {n} files",
                          len(m.documents)).format(n=len(m.documents)),
                 *self.document_lines(m.documents),
                 _("Status: <b>{status}</b>").format(status=status)]
        if m.status == "rejected" and m.reject_reason:
            lines.append(_("Reason: {reason}").format(
                reason=_(MASTER_REJECT_REASON_NAMES.get(m.reject_reason, N_("Another reason")))))
        if m.status == "approved":
            lines.append(_("On duty") if m.on_duty else _("Off duty"))
        if stats is not None:
            lines.append(_("Rating: {rating}").format(rating=self.rating(stats.rating,
                                                                         stats.reviews)))
            lines.append(ngettext("{n} job done", "{n} jobs done", stats.jobs_done).format(
                n=stats.jobs_done))
        if record is not None:
            lines.append(_("Discipline: {record}").format(record=self.discipline(record)))
        if m.blocked:
            lines.append(_("🚫 Blocked: {reason}").format(reason=q(m.block_reason or "")))
        if m.question:
            lines.append(_("❓ Desk asked: {question}").format(question=q(m.question)))
            lines.append(_("✍️ Answer: {answer}").format(answer=q(m.answer)) if m.answer
                         else _("✍️ No answer yet"))
        kb: list[InlineKeyboardButton] = []
        if m.status == "pending":
            kb = [master_button(_("✅ Approve"), MasterCardAction.APPROVE, m.id),
                  master_button(pgettext("the desk refuses a master's application", "❌ Reject"),
                                MasterCardAction.REJECT_MENU, m.id),
                  master_button(_("❓ Ask for more"), MasterCardAction.ASK, m.id)]
        elif m.status == "approved":
            kb = [master_button(_("✅ Unblock"), MasterCardAction.UNBLOCK, m.id) if m.blocked
                  else master_button(_("🚫 Block"), MasterCardAction.BLOCK, m.id)]
        kb.append(master_button(_("📎 Documents"), MasterCardAction.DOCUMENTS, m.id))
        return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows(*kb))

    def document_lines(self, documents: tuple[str, ...]) -> list[str]:
        """One line per file, so the desk sees what it is about to open [R §4]: a document's
        name and type as they arrived (escaped: the applicant chose them)."""
        lines = []
        for ref in documents:
            f = parse_ref(ref)
            if f.kind == "photo":
                lines.append(_("• 🖼 photo"))
            else:
                lines.append(_("• 📄 {name} ({type})").format(
                    name=q(clip(f.name or "?", FILE_NAME_LIMIT)), type=q(f.mime or "?")))
        return lines

    def profile(self, m: MasterView, stats: MasterStats,
                record: Discipline) -> tuple[str, InlineKeyboardMarkup]:
        """The master's own profile, with the switches he may change himself."""
        lines = [_("<b>Your profile</b>"), *self.master_lines(m),
                 _("Photo: {state}").format(state=_("set") if m.photo else _("none")),
                 _("Rating: {rating}").format(rating=self.rating(stats.rating, stats.reviews)),
                 ngettext("{n} job done", "{n} jobs done", stats.jobs_done).format(
                     n=stats.jobs_done),
                 _("Discipline: {record}").format(record=self.discipline(record)), "",
                 _("🟢 You are on duty: you receive job offers.") if m.on_duty else
                 _("⚪ You are off duty: no new offers until you switch back.")]
        if m.blocked:
            lines.append(_("🚫 Your account is blocked: {reason}").format(
                reason=q(m.block_reason or "")))
        kb = [profile_button(_("⚪ Go off duty") if m.on_duty else _("🟢 Go on duty"),
                             ProfileAction.DUTY, on_duty=not m.on_duty),
              profile_button(_("🛠 Services"), ProfileAction.SERVICES),
              profile_button(_("📷 Photo"), ProfileAction.PHOTO)]
        if self.districts:
            kb.insert(2, profile_button(_("📍 Districts"), ProfileAction.DISTRICTS))
        return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows(*kb))
