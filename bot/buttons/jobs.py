"""The master's job message and what it opens: the completion report, the client's code, a
request to the desk for more time or a release, his list of jobs."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, OrderPick, OrderPress, Press, labelled


class JobAction(StrEnum):
    OPEN = "mjob"  # from his list of jobs
    DONE = "done"  # start the completion report
    CODE = "code"  # type the client's code
    EXTEND = "ext"  # ask for more time: the reasons
    EXTEND_FOR = "extr"
    RELEASE = "rel"  # ask to be released: the reasons
    RELEASE_FOR = "relr"
    REPORT_NEXT = "rnext"  # the photos are sent
    CHANGE_PRICE = "ramt"
    WARRANTY = "rwar"
    SKIP_NOTES = "rskip"


class Job(OrderPress[JobAction], prefix="v2j"):
    """A press on his job message."""


class JobReason(OrderPick[JobAction], prefix="v2jr"):
    """Why he asks for more time or a release, by its index."""


class ReportStep(Press[JobAction], prefix="v2js"):
    """A step of the report; the order is the conversation's draft."""


class Warranty(Press[JobAction], prefix="v2jw"):
    months: Id


def job_button(text: str, action: JobAction, order_id: int) -> InlineKeyboardButton:
    return labelled(text, Job(action=action, order_id=order_id))


def step_button(text: str, action: JobAction) -> InlineKeyboardButton:
    return labelled(text, ReportStep(action=action))


def warranty_button(months: int) -> InlineKeyboardButton:
    return labelled(str(months), Warranty(action=JobAction.WARRANTY, months=months))


def reasons_keyboard(action: JobAction, order_id: int,
                     labels: Sequence[str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [labelled(label, JobReason(action=action, order_id=order_id, index=i))]
        for i, label in enumerate(labels)])
