"""Masters: who may register, what an application holds, and how candidates rank.

[R §1] only the self-employed and sole traders may work on the platform, never employees.
[R §4] the desk picks masters by service, district, verification, load, rating and discipline.
[Q] ratings are a Bayesian average per category, so one 5-star job does not outrank fifty
4.8-star ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.errors import InvalidInput
from bot.domain.files import check_refs
from bot.domain.spoof import visible

LEGAL_FORMS = ("self_employed", "sole_trader")
# [R §1] in each market's own forms (named in the catalogues under the context "legal form"):
# pl działalność nierejestrowana and JDG; ru самозанятый (НПД) and ИП; vi lao động tự do and
# hộ kinh doanh; zh 自由职业者 and 个体工商户. Czech law has one form for a person working
# on his own account (živnostník, OSVČ): offering a second button would name it twice.
MARKET_LEGAL_FORMS: dict[str, tuple[str, ...]] = {"cs": ("sole_trader",)}
MAX_DOCUMENTS = 10
MAX_DISTRICTS = 30
MIN_NAME, MAX_NAME = 2, 128
MAX_QUESTION = 1000
MASTER_REJECT_REASONS = ("documents", "legal_form", "tax_id", "experience", "other")
# How strongly the category's mean pulls a master with few reviews (in reviews' worth).
RATING_WEIGHT = 5
DEFAULT_PRIOR = 4.0  # a category with no reviews yet


def reapply_from(status: str, decided_at: datetime | None, cooldown: timedelta,
                 now: datetime) -> datetime | None:
    """When a rejected applicant may apply again, if that is still ahead; None: he may now.
    Without a cool-down one account could flood the desk's queue with applications."""
    if status != "rejected" or decided_at is None:
        return None
    until = decided_at + cooldown
    return until if now < until else None


def check_name(name: str) -> str:
    name = " ".join(visible(name).split())
    if not MIN_NAME <= len(name) <= MAX_NAME or name.startswith("/"):
        raise InvalidInput("error.name_length")
    return name


def check_legal_form(code: str) -> str:
    if code not in LEGAL_FORMS:
        raise InvalidInput("error.legal_form")  # [R §1] nobody else may register
    return code


def legal_forms_for(lang: str) -> tuple[str, ...]:
    """The legal forms offered to a master who speaks `lang`, in the order shown."""
    return MARKET_LEGAL_FORMS.get(lang, LEGAL_FORMS)


@dataclass(frozen=True)
class TaxIdRule:
    """What a tax id looks like in a market (checked once spaces, dashes, dots and slashes
    are dropped and letters are upper-cased) and an example to show."""

    pattern: str = r"[0-9A-Z]{8,20}"
    example: str = "12345678"


# By the master's language, for the id a self-employed person or a sole trader has there.
TAX_IDS = {
    "ru": TaxIdRule(r"\d{10}|\d{12}", "500100732259"),  # ИНН: 12 digits for a person
    "pl": TaxIdRule(r"(?:PL)?\d{10}", "1234563218"),  # NIP
    "cs": TaxIdRule(r"\d{8}|CZ\d{8,10}", "25596641"),  # IČO, or DIČ (CZ and 8-10 digits)
    # MST: 10 digits (13 for a branch); since 2025 a person's is his 12-digit CCCD number.
    "vi": TaxIdRule(r"\d{10}(?:\d{3})?|\d{12}", "8012345678"),
    # 统一社会信用代码 (18 characters, no I O S V Z) or a 身份证 number for a person.
    "zh": TaxIdRule(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{17}[\dX]",
                    "91350100M000100Y43"),
}


def tax_id_rule(lang: str, pattern: str | None = None,
                example: str | None = None) -> TaxIdRule:
    """The market's rule; a configured TAX_ID_PATTERN (and TAX_ID_EXAMPLE) wins over it."""
    rule = TAX_IDS.get(lang, TaxIdRule())
    if pattern:
        return TaxIdRule(pattern, example or rule.example)
    return rule


def check_tax_id(text: str, rule: TaxIdRule | None = None) -> str:
    """A tax number as digits and letters (INN, NIP, IČO/DIČ, MST, 统一社会信用代码): 8 to
    20 of them once spaces and dashes are dropped, and in the market's form when known."""
    rule = rule or TaxIdRule()
    clean = re.sub(r"[\s\-./]", "", text).upper()
    if (not re.fullmatch(r"[0-9A-Z]{8,20}", clean) or not re.search(r"\d", clean)
            or not re.fullmatch(rule.pattern, clean)):
        raise InvalidInput("error.tax_id", example=rule.example)
    return clean


@dataclass(frozen=True)
class Application:
    """A complete application, as the onboarding conversation hands it over."""

    name: str
    phone: str
    legal_form: str
    tax_id: str
    services: tuple[str, ...]
    districts: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()  # references of bot/domain/files.py


def check_application(app: Application, known_services: set[str],
                      known_districts: tuple[str, ...]) -> Application:
    """The whole application, checked again on the server whatever the conversation did."""
    if not app.phone:
        raise InvalidInput("error.invalid_input")
    if not app.services:
        raise InvalidInput("error.services_empty")
    if not set(app.services) <= known_services:
        raise InvalidInput("error.service_unknown")
    if known_districts and not app.districts:
        raise InvalidInput("error.districts_empty")
    if not set(app.districts) <= set(known_districts):
        raise InvalidInput("error.invalid_input")
    if not app.documents:
        raise InvalidInput("error.documents_empty")
    if len(app.documents) > MAX_DOCUMENTS:
        raise InvalidInput("error.documents_many")
    check_refs(app.documents)
    return Application(check_name(app.name), app.phone, check_legal_form(app.legal_form),
                       check_tax_id(app.tax_id), tuple(sorted(set(app.services))),
                       tuple(d for d in known_districts if d in app.districts),
                       tuple(app.documents))


def bayesian(total_stars: int, count: int, prior: float, weight: int = RATING_WEIGHT) -> float:
    """(weight × prior + Σ stars) / (weight + n) [Q]."""
    return (weight * prior + total_stars) / (weight + count)


@dataclass(frozen=True)
class Discipline:
    """[R §8 discipline monitoring] what counts against a master."""

    late_callbacks: int = 0
    missed_arrivals: int = 0
    releases: int = 0
    declined: int = 0  # declined or let expire

    @property
    def total(self) -> int:
        return self.late_callbacks + self.missed_arrivals + self.releases + self.declined


# The audit actions behind each count (the audit log is the record).
DISCIPLINE_ACTIONS = {
    "deadline:callback": "late_callbacks",
    "deadline:arrival": "missed_arrivals",
    "release": "releases",
    "decline": "declined",
    "expire": "declined",
}


def discipline_from(counts: dict[str, int]) -> Discipline:
    values: dict[str, int] = {}
    for action, n in counts.items():
        key = DISCIPLINE_ACTIONS.get(action)
        if key:
            values[key] = values.get(key, 0) + n
    return Discipline(**values)


@dataclass(frozen=True)
class Candidate:
    """One master as the matching sees him for one order."""

    master_id: int
    name: str
    serves_district: bool | None  # None: the order has no district
    on_duty: bool
    load: int  # jobs in work now
    rating: float  # Bayesian, in this order's category
    reviews: int
    jobs_done: int  # completed in this category
    discipline: Discipline = field(default_factory=Discipline)
    tried: bool = False  # already offered this order (declined or let it expire)
    offered: int = 0  # offers of other orders waiting for his answer now

    @property
    def eligible_for_auto(self) -> bool:
        """Auto offers go only to masters on duty, serving the district, not tried before."""
        return self.on_duty and self.serves_district is not False and not self.tried


def rank_key(c: Candidate) -> tuple[object, ...]:
    """Better first: serves the district, on duty, not tried, least busy (jobs in work and
    offers waiting for his answer: Auto does not pile offers on one master), best rated,
    most experienced in the category, cleanest record."""
    return (c.serves_district is False, not c.on_duty, c.tried, c.load + c.offered,
            -round(c.rating, 2), -c.jobs_done, c.discipline.total, c.master_id)


def rank(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=rank_key)


def next_for_auto(candidates: list[Candidate]) -> Candidate | None:
    for c in rank(candidates):
        if c.eligible_for_auto:
            return c
    return None
