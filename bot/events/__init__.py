"""The messages the outbox carries, one typed event per kind (bot/events/base.py)."""

from bot.events.base import EVENTS, Event, To, event_of, parse, to_payload
from bot.events.client import (
    ClientArrived,
    ClientAssigned,
    ClientBlocked,
    ClientCancelled,
    ClientCode,
    ClientCompleted,
    ClientExtra,
    ClientQuote,
    ClientRejected,
    ClientRematch,
    ClientResumed,
    ClientVisitSet,
)
from bot.events.delivery import (
    Album,
    JobRevoked,
    MasterCardChanged,
    MasterDocuments,
    OrderCardChanged,
    OrderTitleChanged,
    OrderTopicOpened,
)
from bot.events.desk import (
    DeskClientCancelled,
    DeskClientRated,
    DeskErased,
    DeskFilesLost,
    DeskMasterAnswer,
    DeskNote,
    DeskPrice,
    DeskReview,
    DeskUndeliverable,
    DeskUnreachable,
)
from bot.events.master import (
    MasterAccepted,
    MasterBlocked,
    MasterClaim,
    MasterCodeReissued,
    MasterDecision,
    MasterJobBack,
    MasterOrderCancelled,
    MasterPrice,
    MasterQuestion,
    MasterRequestDecided,
    MasterResumed,
    MasterReview,
    MasterStopped,
    OfferClosed,
    OfferMade,
    OfferWithdrawn,
)
from bot.events.shared import (
    ClientResolution,
    ClientSla,
    DeskOrderEdited,
    DeskSla,
    MasterOrderEdited,
    MasterResolution,
    MasterSla,
    Relay,
    VisitAnswer,
    VisitProposal,
)

__all__ = [
    "EVENTS", "Album", "ClientArrived", "ClientAssigned", "ClientBlocked", "ClientCancelled",
    "ClientCode", "ClientCompleted", "ClientExtra", "ClientQuote", "ClientRejected",
    "ClientRematch", "ClientResolution", "ClientResumed", "ClientSla", "ClientVisitSet",
    "DeskClientCancelled", "DeskClientRated", "DeskErased", "DeskFilesLost",
    "DeskMasterAnswer", "DeskNote", "DeskOrderEdited", "DeskPrice", "DeskReview", "DeskSla",
    "DeskUndeliverable", "DeskUnreachable", "Event", "JobRevoked", "MasterAccepted",
    "MasterBlocked", "MasterCardChanged", "MasterClaim", "MasterCodeReissued",
    "MasterDecision", "MasterDocuments", "MasterJobBack", "MasterOrderCancelled",
    "MasterOrderEdited", "MasterPrice", "MasterQuestion", "MasterRequestDecided",
    "MasterResolution", "MasterResumed", "MasterReview", "MasterSla", "MasterStopped",
    "OfferClosed", "OfferMade", "OfferWithdrawn", "OrderCardChanged", "OrderTitleChanged",
    "OrderTopicOpened", "Relay", "To", "VisitAnswer", "VisitProposal", "event_of", "parse",
    "to_payload",
]
