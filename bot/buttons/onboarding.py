"""The master onboarding form's buttons (handlers/master/onboarding.py).

The action values are the codes of the `v1` scheme, so a reader of both finds the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, Press, labelled, rows, toggles
from bot.domain.masters import LEGAL_FORMS
from bot.i18n import _
from bot.notify.render import legal_form_name

Rows = list[list[InlineKeyboardButton]]


class SignupAction(StrEnum):
    LEGAL_FORM = "mlf"  # index into LEGAL_FORMS; one past it: «Neither»
    SERVICE = "msvc"
    SERVICES_DONE = "mdone"
    DISTRICT = "mdst"
    DISTRICTS_DONE = "mddone"
    DOCUMENTS_DONE = "mdocs"
    EDIT = "medit"  # a field from the summary
    SEND = "msend"


class SignupCb(Press[SignupAction], prefix="v2b"):
    index: Id = 0


def _press(text: str, action: SignupAction, index: int = 0) -> InlineKeyboardButton:
    return labelled(text, SignupCb(action=action, index=index))


def pick_services(names: Sequence[str], codes: Sequence[str], picked: Sequence[str],
                  cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return toggles(names, codes, picked,
                   lambda i: SignupCb(action=SignupAction.SERVICE, index=i),
                   SignupCb(action=SignupAction.SERVICES_DONE), cancel)


def pick_districts(districts: Sequence[str], picked: Sequence[str],
                   cancel: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return toggles(districts, districts, picked,
                   lambda i: SignupCb(action=SignupAction.DISTRICT, index=i),
                   SignupCb(action=SignupAction.DISTRICTS_DONE), cancel)


def legal_form_rows(offered: Sequence[str]) -> Rows:
    """The button carries the form's place in LEGAL_FORMS, the same in every language."""
    return [*[[_press(legal_form_name(code), SignupAction.LEGAL_FORM, LEGAL_FORMS.index(code))]
              for code in offered],
            [_press(_("Neither (employee, company, other)"), SignupAction.LEGAL_FORM,
                    len(LEGAL_FORMS))]]


def documents_rows() -> Rows:
    return [[_press(_("Continue ▶️"), SignupAction.DOCUMENTS_DONE)]]


def summary_rows(fields: Sequence[str], shown: Callable[[str], bool]) -> Rows:
    """An edit button per field (index into `fields`) that `shown` keeps, then Send."""
    labels = {"name": _("✏️ Name"), "phone": _("✏️ Phone"), "legal_form": _("✏️ Legal form"),
              "tax_id": _("✏️ Tax id"), "services": _("✏️ Services"),
              "districts": _("✏️ Districts"), "documents": _("✏️ Documents")}
    edit = [_press(labels[f], SignupAction.EDIT, i) for i, f in enumerate(fields) if shown(f)]
    return [*rows(*edit), [_press(_("📨 Send to the desk"), SignupAction.SEND)]]
