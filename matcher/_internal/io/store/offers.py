"""Offers and answers: every assignment of a published plan is an offer to a volunteer.

An offer is one (request, volunteer) pair of a stored run. Its state starts at `offered`;
the volunteer (or a coordinator for them) accepts or declines, an unanswered offer expires
at its deadline, and an accepted one ends as `done` or `no_show`. When a plan change takes
a pair off the plan, its open offer is `withdrawn` (and offered again should the pair come
back). `TRANSITIONS` is the one place that says which state may follow which.

Tables (created by `database.ensure_tables`, SQLite and PostgreSQL alike):

- `offers`: the current state of each pair, with its times and a `sequence` that grows
  with every change a volunteer's calendar must show (the `.ics` SEQUENCE);
- `offer_events`: every state change with its time, never rewritten;
- `standbys`: the volunteers each run holds in reserve per request (`Solution.standbys`).

Request ids are unique in a database, so a pair names one offer across runs: a nightly run
that plans an accepted pair again at the same time keeps it accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from matcher._internal.io.inputs.tables import RawTable
from matcher._internal.model import Answers, Assignment, Solution, Standby

metadata = sa.MetaData()


class OfferState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    DONE = "done"
    NO_SHOW = "no_show"
    WITHDRAWN = "withdrawn"


TRANSITIONS: Mapping[OfferState, frozenset[OfferState]] = {
    OfferState.OFFERED: frozenset({OfferState.ACCEPTED, OfferState.DECLINED, OfferState.EXPIRED,
                                   OfferState.WITHDRAWN}),
    OfferState.ACCEPTED: frozenset({OfferState.DECLINED, OfferState.DONE, OfferState.NO_SHOW,
                                    OfferState.WITHDRAWN, OfferState.OFFERED}),
    OfferState.WITHDRAWN: frozenset({OfferState.OFFERED}),
    OfferState.DECLINED: frozenset(),
    OfferState.EXPIRED: frozenset(),
    OfferState.DONE: frozenset(),
    OfferState.NO_SHOW: frozenset(),
}  # fmt: skip
"""Which states may follow each state. An accepted offer goes back to `offered` only when a
coordinator moves it to another time (it needs a fresh answer); `withdrawn` goes back to
`offered` when a later change plans the pair again. Declined, expired, done and no-show
are final."""

OPEN = frozenset({OfferState.OFFERED, OfferState.ACCEPTED})
"""States of an offer the volunteer still has: the plan counts on it or waits for them."""

REFUSED = frozenset({OfferState.DECLINED, OfferState.EXPIRED})
"""States after which the pair is never offered again (an exclusion of every later plan)."""

offers = sa.Table(
    "offers",
    metadata,
    sa.Column("request_id", sa.String(100), primary_key=True),
    sa.Column("volunteer_id", sa.String(100), primary_key=True),
    sa.Column("run_id", sa.String(36), nullable=False, index=True),
    sa.Column("plan_date", sa.Date, nullable=False, index=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("start", sa.DateTime, nullable=False),
    sa.Column("end", sa.DateTime, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

offer_events = sa.Table(
    "offer_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(100), nullable=False, index=True),
    sa.Column("volunteer_id", sa.String(100), nullable=False, index=True),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Column("from_state", sa.String(20), nullable=True),
    sa.Column("to_state", sa.String(20), nullable=False),
    sa.Column("start", sa.DateTime, nullable=False),
    sa.Column("end", sa.DateTime, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)
"""`from_state` is NULL for a pair's first offer; an offer moved to another time without a
change of state is logged with the same `from_state` and `to_state`."""

standbys = sa.Table(
    "standbys",
    metadata,
    sa.Column("run_id", sa.String(36), nullable=False, index=True),
    sa.Column("request_id", sa.String(100), nullable=False),
    sa.Column("volunteer_id", sa.String(100), nullable=False),
    sa.Column("start", sa.DateTime, nullable=False),
    sa.Column("end", sa.DateTime, nullable=False),
)


class OfferNotFound(LookupError):
    """No offer of that request to that volunteer is stored."""


class ImpossibleTransition(ValueError):
    """The answer does not follow from the offer's state (accepting a declined offer)."""


@dataclass(frozen=True)
class Offer:
    request_id: str
    volunteer_id: str
    run_id: str
    plan_date: date
    state: OfferState
    start: datetime
    end: datetime
    sequence: int
    updated_at: datetime


@dataclass(frozen=True)
class Answer:
    """A state change to record for one offer, with why."""

    request_id: str
    volunteer_id: str
    to: OfferState
    reason: str


def ensure_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def _offer(row: Any) -> Offer:
    return Offer(
        row.request_id, row.volunteer_id, row.run_id, row.plan_date, OfferState(row.state),
        row.start, row.end, int(row.sequence), row.updated_at,
    )  # fmt: skip


def get(engine: Engine | Connection, request_id: str, volunteer_id: str) -> Offer | None:
    query = sa.select(offers).where(offers.c.request_id == request_id,
                                    offers.c.volunteer_id == volunteer_id)  # fmt: skip
    with _connected(engine) as connection:
        row = connection.execute(query).first()
    return None if row is None else _offer(row)


def of_volunteer(
    engine: Engine, volunteer_id: str, states: Iterable[OfferState] = OPEN
) -> list[Offer]:
    """A volunteer's offers in `states` (their open ones by default), earliest first."""
    query = (
        sa.select(offers)
        .where(offers.c.volunteer_id == volunteer_id,
               offers.c.state.in_([str(s) for s in states]))
        .order_by(offers.c.start, offers.c.request_id)
    )  # fmt: skip
    with engine.connect() as connection:
        return [_offer(row) for row in connection.execute(query)]


def of_run(engine: Engine, run_id: str) -> dict[tuple[str, str], Offer]:
    """Every offer a run made, by (request_id, volunteer_id): what sheets and calendars
    show, withdrawn and declined ones included."""
    query = sa.select(offers).where(offers.c.run_id == run_id)
    with engine.connect() as connection:
        return {
            (row.request_id, row.volunteer_id): _offer(row) for row in connection.execute(query)
        }


def of_requests(
    engine: Engine, request_ids: Iterable[str], states: Iterable[OfferState]
) -> list[Offer]:
    """The offers of these requests in `states`."""
    found: list[Offer] = []
    wanted = [str(s) for s in states]
    with engine.connect() as connection:
        for chunk in _chunks(sorted(set(request_ids))):
            query = sa.select(offers).where(offers.c.request_id.in_(chunk),
                                            offers.c.state.in_(wanted))  # fmt: skip
            found += [_offer(row) for row in connection.execute(query)]
    return found


def is_volunteer(engine: Engine, volunteer_id: str) -> bool:
    """Whether the volunteers table has this id."""
    if not sa.inspect(engine).has_table("volunteers"):
        return False
    table = sa.Table("volunteers", sa.MetaData(), sa.Column("volunteer_id", sa.Text))
    query = (
        sa.select(sa.func.count()).select_from(table).where(table.c.volunteer_id == volunteer_id)
    )
    with engine.connect() as connection:
        return bool(connection.execute(query).scalar_one())


def accepted_requests(engine: Engine, plan_date: date) -> set[str]:
    """The requests of a plan date with at least one accepted offer."""
    query = sa.select(offers.c.request_id).where(
        offers.c.plan_date == plan_date, offers.c.state == str(OfferState.ACCEPTED)
    )
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def due(engine: Engine, plan_date: date, deadline: datetime) -> list[Offer]:
    """The plan date's offers still unanswered whose request starts at or before
    `deadline` (now plus the expiry lead time), earliest first."""
    query = (
        sa.select(offers)
        .where(offers.c.plan_date == plan_date, offers.c.state == str(OfferState.OFFERED),
               offers.c.start <= deadline)
        .order_by(offers.c.start, offers.c.request_id, offers.c.volunteer_id)
    )  # fmt: skip
    with engine.connect() as connection:
        return [_offer(row) for row in connection.execute(query)]


def check(offer: Offer | None, request_id: str, volunteer_id: str, to: OfferState) -> Offer:
    """The offer, if `to` may follow its state; else why not (`OfferNotFound`,
    `ImpossibleTransition`)."""
    if offer is None:
        raise OfferNotFound(f"no offer of request {request_id} to volunteer {volunteer_id}")
    if to not in TRANSITIONS[offer.state]:
        allowed = ", ".join(sorted(TRANSITIONS[offer.state])) or "nothing: it is final"
        raise ImpossibleTransition(
            f"the offer of request {request_id} to volunteer {volunteer_id} is "
            f"{offer.state}; it cannot become {to} (from {offer.state}: {allowed})"
        )
    return offer


def record(connection: Connection, answer: Answer, now: datetime) -> Offer:
    """Record one answer inside the caller's transaction, if it follows from the state the
    offer has in this transaction; an offer changed meanwhile by someone else is checked
    as it is now (the update is conditional on the state read)."""
    offer = check(get(connection, answer.request_id, answer.volunteer_id),
                  answer.request_id, answer.volunteer_id, answer.to)  # fmt: skip
    updated = connection.execute(
        offers.update()
        .where(offers.c.request_id == offer.request_id,
               offers.c.volunteer_id == offer.volunteer_id,
               offers.c.state == str(offer.state), offers.c.sequence == offer.sequence)
        .values(state=str(answer.to), sequence=offer.sequence + 1, updated_at=now)
    ).rowcount  # fmt: skip
    if updated != 1:
        raise ImpossibleTransition(
            f"the offer of request {offer.request_id} to volunteer {offer.volunteer_id} was "
            "answered meanwhile; ask for it again"
        )
    changed = Offer(offer.request_id, offer.volunteer_id, offer.run_id, offer.plan_date,
                    answer.to, offer.start, offer.end, offer.sequence + 1, now)  # fmt: skip
    _log(connection, [(changed, offer.state, answer.reason)], now)
    return changed


def answer(engine: Engine, given: Answer) -> Offer:
    """Record an answer that changes no plan (accepted, done, no-show) in its own
    transaction."""
    now = datetime.now()
    with engine.begin() as connection:
        return record(connection, given, now)


def sync(
    connection: Connection, run_id: str, plan_date: date, solution: Solution,
    scope: set[str], now: datetime, reason: str, reasons: Mapping[str, str] | None = None,
) -> None:  # fmt: skip
    """Make the offers of the requests in `scope` follow `solution` (inside the caller's
    transaction): a new pair is offered, a pair at a new time is offered again at it (an
    accepted one then needs a fresh answer), and an open offer the plan no longer has is
    withdrawn. Answers already given (declined, expired, done, no-show) stay. Each event
    says why: the request's entry of `reasons`, else `reason`."""
    if not scope:
        return
    why = reasons or {}
    planned = {
        (a.request_id, a.volunteer_id): a for a in solution.assignments if a.request_id in scope
    }
    stored: dict[tuple[str, str], Offer] = {}
    for chunk in _chunks(sorted(scope)):
        query = sa.select(offers).where(offers.c.request_id.in_(chunk))
        stored.update({(row.request_id, row.volunteer_id): _offer(row)
                       for row in connection.execute(query)})  # fmt: skip
    events: list[tuple[Offer, OfferState | None, str]] = []
    inserts = []
    for pair, row in planned.items():
        old = stored.get(pair)
        if old is None:
            new = _from(row, run_id, plan_date, OfferState.OFFERED, 0, now)
            inserts.append(new)
            events.append((new, None, why.get(pair[0], reason)))
            continue
        moved = (old.start, old.end) != (row.start, row.end)
        state = old.state
        if old.state == OfferState.WITHDRAWN or (moved and old.state == OfferState.ACCEPTED):
            state = OfferState.OFFERED
        if (not moved and state == old.state) or not TRANSITIONS[old.state] - {old.state}:
            # Unchanged, or final (an answer or an outcome stays what it was).
            if old.run_id != run_id:
                _update(connection, old, run_id=run_id, plan_date=plan_date)
            continue
        new = _from(row, run_id, plan_date, state, old.sequence + 1, now)
        _update(connection, old, run_id=run_id, plan_date=plan_date, state=str(state),
                start=row.start, end=row.end, sequence=new.sequence, updated_at=now)  # fmt: skip
        said = why.get(pair[0], reason)
        events.append((new, old.state, said if state != old.state else f"moved; {said}"))
    for pair, old in stored.items():
        if pair in planned or old.state not in OPEN:
            continue
        new = Offer(old.request_id, old.volunteer_id, run_id, plan_date, OfferState.WITHDRAWN,
                    old.start, old.end, old.sequence + 1, now)  # fmt: skip
        _update(connection, old, run_id=run_id, state=str(new.state), sequence=new.sequence,
                updated_at=now)  # fmt: skip
        events.append((new, old.state, why.get(pair[0], reason)))
    if inserts:
        connection.execute(offers.insert(), [_row(o) for o in inserts])
    _log(connection, events, now)


def store_standbys(connection: Connection, run_id: str, held: Sequence[Standby]) -> None:
    """The run's standbys, as the plan named them (inside the caller's transaction)."""
    if held:
        connection.execute(standbys.insert(),
                           [{"run_id": run_id, **s.model_dump()} for s in held])  # fmt: skip


def standbys_for(engine: Engine, run_id: str, request_id: str) -> list[str]:
    """The volunteers a run holds in reserve for a request, in the order it named them."""
    query = sa.select(standbys.c.volunteer_id).where(
        standbys.c.run_id == run_id, standbys.c.request_id == request_id
    )
    with engine.connect() as connection:
        return [row.volunteer_id for row in connection.execute(query)]


def run_standbys(engine: Engine, run_id: str) -> list[Standby]:
    query = sa.select(standbys).where(standbys.c.run_id == run_id)
    with engine.connect() as connection:
        return [Standby(request_id=r.request_id, volunteer_id=r.volunteer_id, start=r.start,
                        end=r.end) for r in connection.execute(query)]  # fmt: skip


def stored(engine: Engine) -> bool:
    """Whether the database has offers' tables yet (a database no run was written to)."""
    return sa.inspect(engine).has_table("offers")


def refusals(engine: Engine) -> dict[str, set[str]]:
    """Each request's volunteers who declined it or let it expire."""
    if not stored(engine):
        return {}
    query = sa.select(offers.c.request_id, offers.c.volunteer_id).where(
        offers.c.state.in_([str(s) for s in REFUSED])
    )
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            found.setdefault(row.request_id, set()).add(row.volunteer_id)
    return found


def with_refusals(engine: Engine, requests: RawTable, volunteer_ids: set[str]) -> RawTable:
    """The requests with every declined or expired pair added to `excluded_volunteers`
    (volunteers still on the roster only, so a departed one is no unknown id): no later
    plan offers a request to someone who said no to it."""
    refused = refusals(engine)
    if not refused:
        return requests
    rows = []
    for label, row in requests.rows:
        extra = sorted(refused.get(str(row.get("request_id")), set()) & volunteer_ids)
        if extra:
            given = row.get("excluded_volunteers")
            listed = [p.strip() for p in str(given).split(";") if p.strip()] if isinstance(
                given, str) else list(given or [])  # fmt: skip
            row = {**row, "excluded_volunteers": ";".join(dict.fromkeys([*listed, *extra]))}
        rows.append((label, row))
    columns = requests.columns
    if "excluded_volunteers" not in columns:
        columns = [*columns, "excluded_volunteers"]
    return RawTable(requests.source, columns, rows, requests.header, requests.issues)


def _from(row: Assignment, run_id: str, plan_date: date, state: OfferState, sequence: int,
          now: datetime) -> Offer:  # fmt: skip
    return Offer(row.request_id, row.volunteer_id, run_id, plan_date, state, row.start, row.end,
                 sequence, now)  # fmt: skip


def _row(offer: Offer) -> dict[str, Any]:
    return {"request_id": offer.request_id, "volunteer_id": offer.volunteer_id,
            "run_id": offer.run_id, "plan_date": offer.plan_date, "state": str(offer.state),
            "start": offer.start, "end": offer.end, "sequence": offer.sequence,
            "updated_at": offer.updated_at}  # fmt: skip


def _update(connection: Connection, offer: Offer, **values: Any) -> None:
    connection.execute(offers.update().where(
        offers.c.request_id == offer.request_id, offers.c.volunteer_id == offer.volunteer_id
    ).values(**values))  # fmt: skip


def _log(connection: Connection, events: list[tuple[Offer, OfferState | None, str]],
         now: datetime) -> None:  # fmt: skip
    rows = [
        {"request_id": o.request_id, "volunteer_id": o.volunteer_id, "run_id": o.run_id,
         "from_state": None if before is None else str(before), "to_state": str(o.state),
         "start": o.start, "end": o.end, "sequence": o.sequence, "reason": reason, "at": now}
        for o, before, reason in events
    ]  # fmt: skip
    if rows:
        connection.execute(offer_events.insert(), rows)


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class _connected:
    """A connection from an engine (closed afterwards) or the caller's own (left open)."""

    def __init__(self, source: Engine | Connection) -> None:
        self.source = source
        self.owned: Connection | None = None

    def __enter__(self) -> Connection:
        if isinstance(self.source, Connection):
            return self.source
        self.owned = self.source.connect()
        return self.owned

    def __exit__(self, *exc: object) -> None:
        if self.owned is not None:
            self.owned.close()


ANSWERED_YES = frozenset({OfferState.ACCEPTED, OfferState.DONE, OfferState.NO_SHOW})
"""States in which the volunteer said yes (a no-show said yes, then did not come)."""


def answer_counts(engine: Engine) -> dict[str, Answers]:
    """Each volunteer's answers to their past offers, read from the offers' states: yes
    (accepted, done, no-show) or no (declined, expired). Offers still open or taken back
    by a plan change are no answer. These feed the learned acceptance rates."""
    if not stored(engine):
        return {}
    query = sa.select(offers.c.volunteer_id, offers.c.state, sa.func.count()).group_by(
        offers.c.volunteer_id, offers.c.state
    )
    counts: dict[str, list[int]] = {}
    with engine.connect() as connection:
        for volunteer_id, state, n in connection.execute(query):
            said = counts.setdefault(volunteer_id, [0, 0])
            if state in ANSWERED_YES:
                said[0] += n
            elif state in REFUSED:
                said[1] += n
    return {vid: Answers(yes, no) for vid, (yes, no) in counts.items() if yes or no}
