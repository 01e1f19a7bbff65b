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
    district = State()
    summary = State()


class EditOrder(StatesGroup):
    review = State()  # the changed field is shown: save it or cancel (the steps are NewOrder's)


class MasterSignup(StatesGroup):
    name = State()
    phone = State()
    legal_form = State()
    tax_id = State()
    services = State()
    districts = State()
    documents = State()
    summary = State()


class MasterAnswer(StatesGroup):
    collect = State()  # the applicant answers the desk's question


class Profile(StatesGroup):
    services = State()
    districts = State()
    photo = State()


class DeskInput(StatesGroup):
    question = State()  # a manager types a question to an applicant
    block_reason = State()  # a manager types why a master is blocked
    refund = State()  # a manager types the partial refund on a claim


class Report(StatesGroup):
    photos = State()
    price = State()
    warranty = State()
    notes = State()


class Quote(StatesGroup):
    amount = State()
    note = State()


class Extra(StatesGroup):
    item = State()
    amount = State()
    reason = State()


class Code(StatesGroup):
    entering = State()


class Visit(StatesGroup):
    when = State()  # the master types the time agreed on the call
    propose = State()  # either side types a new time to propose
    checkin = State()  # the master shares his location to check in


class ReviewStep(StatesGroup):
    comment = State()  # the client's comment (or, for 1–2 stars, the required reason)


class CancelOrder(StatesGroup):
    other = State()  # the client's own words for "another reason"


class Relay(StatesGroup):
    writing = State()  # everything the user sends goes to the desk (SPEC §2.4)


class Claim(StatesGroup):
    what = State()  # what is wrong
    photos = State()  # photos of the problem, then «Send the claim»
