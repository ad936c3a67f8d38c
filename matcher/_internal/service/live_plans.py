"""The service's plans: each plan date's current plan kept in memory beside the database,
and the three ways the day changes it (an urgent call, a re-plan, a fresh solve).

Every change follows one pattern: read the plan (from memory when the database still holds
the same run and version, else from the database), compute the new plan, and commit it with
`versions.commit`, which succeeds only if nobody committed in between. Within one process a
lock per plan date orders the changes, so conflicts come only from other processes (a second
server, a nightly run landing); those are retried against the plan as it now is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from matcher._internal.batch import take_in_late_calls
from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.store import database as db
from matcher._internal.io.store import hours, offers
from matcher._internal.io.store import plan_versions as versions
from matcher._internal.io.store.offers import OfferState
from matcher._internal.model import QINXIAN_TEAMS, Change, Problem, Request, Settings, Solution
from matcher._internal.solver import dispatch_calls, fill_declined, replan, solve

log = logging.getLogger(__name__)

ATTEMPTS = 5
"""How often a change is re-applied after a conflicting commit before giving up."""


class UnknownPlan(LookupError):
    """No plan is stored for that date."""


@dataclass
class LivePlan:
    """A plan date's plan as last read or committed, with the problem it answers."""

    head: versions.PlanHead
    problem: Problem
    solution: Solution


@dataclass
class CallResult:
    plan: LivePlan
    request_id: str
    changes: list[Change]
    note: str | None = None
    """What the caller should know beyond the dispatch: the day had no plan, and this call
    made one on the spot (None: the call went into the day's plan as it was)."""


@dataclass
class Refusal:
    """What a decline (or an expiry) did: the offer as now recorded, the plan with the
    place filled, how it was filled, and what else moved for it."""

    offer: offers.Offer
    plan: LivePlan
    filled_by: str
    changes: list[Change]


@dataclass
class _Waiting:
    """An urgent call waiting to be dispatched with the next batch."""

    request: Request
    result: CallResult | None = None
    error: Exception | None = None


def _caused_by(change: Change, call_id: str) -> bool:
    """Whether a change of a batch belongs to this call: the call itself, or a request
    bumped for it (its reason names the call)."""
    return change.request_id == call_id or f"urgent call {call_id};" in change.reason


class Plans:
    """Plans of every plan date, shared by the request handlers of one server process."""

    def __init__(self, engine: Engine, settings: Settings, community: str | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.community = community
        """The community this server plans (None: a database without communities). In a
        city's database each community's plans are served by a server of its own."""
        self._live: dict[date, LivePlan] = {}
        self._locks: dict[date, threading.Lock] = {}
        self._guard = threading.Lock()
        self._queues: dict[date, list[_Waiting]] = {}
        db.ensure_tables(engine)

    def lock(self, plan_date: date) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(plan_date, threading.Lock())

    def plan_date_of(self, request: Request) -> date:
        """The plan date a request belongs to: the day of its earliest start."""
        return request.earliest_start.date()

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.settings.timezone)).date()

    def current(self, plan_date: date) -> LivePlan:
        """The plan as the database holds it now (memory reused when nothing moved)."""
        found = versions.head(self.engine, plan_date, self.community)
        if found is None:
            raise UnknownPlan(f"no plan for {plan_date}")
        cached = self._live.get(plan_date)
        if cached is not None and cached.head == found:
            return cached
        settings = versions.run_settings(self.engine, found.run_id)
        problem = versions.load_plan_problem(self.engine, plan_date, found.days, settings,
                                          community=self.community)  # fmt: skip
        live = LivePlan(found, problem, versions.load_solution(self.engine, found.run_id))
        self._live[plan_date] = live
        return live

    def change(
        self,
        plan_date: date,
        compute: Callable[[LivePlan], tuple[Problem, Solution]],
        edits: versions.DayEdits | None = None,
    ) -> LivePlan:
        """Apply `compute` to the current plan and commit it (with the day's `edits`, which
        `compute` planned with), retrying after conflicts."""
        with self.lock(plan_date):
            return self._change_locked(plan_date, compute, edits=edits)

    def _change_locked(
        self,
        plan_date: date,
        compute: Callable[[LivePlan], tuple[Problem, Solution]],
        new_calls: list[Request] | None = None,
        edits: versions.DayEdits | None = None,
        answers: tuple[offers.Answer, ...] = (),
    ) -> LivePlan:
        """`change` for a caller that holds the day's lock already. With `new_calls`, the
        change is their dispatch: only the requests named in its changes are rewritten,
        and the calls are stored in the same transaction."""
        for attempt in range(ATTEMPTS):
            live = self.current(plan_date)
            problem, after = compute(live)
            changed = None
            if new_calls is not None or answers:
                changed = {c.request_id for c in after.changes}
                changed |= {r.request_id for r in new_calls or ()}
            try:
                moved = versions.commit(self.engine, live.head, live.solution, after, after.changes,
                                     changed=changed, new_calls=new_calls or (),
                                     edits=edits, answers=answers)  # fmt: skip
            except versions.PlanConflict:
                log.info("plan %s changed meanwhile; attempt %d again", plan_date, attempt + 2)
                self._live.pop(plan_date, None)
                continue
            live = LivePlan(moved, problem, after)
            self._live[plan_date] = live
            return live
        raise versions.PlanConflict(f"plan {plan_date} kept changing; {ATTEMPTS} attempts failed")

    def ensure_plan(self, plan_date: date) -> bool:
        """Give a date without a plan a quick one, so a call on it can still be dispatched:
        a call centre never turns an urgent call away because the day was not planned yet.
        True when this made the plan, False when the day had one."""
        if versions.head(self.engine, plan_date, self.community) is not None:
            return False
        with self.lock(plan_date):
            if versions.head(self.engine, plan_date, self.community) is not None:
                return False  # another call made it meanwhile
            # The requests already stored for the day are planned at once (greedily), so
            # the plan accounts for every one of them; a day without volunteers gets an
            # empty plan, and its calls are answered unserved with their reason.
            problem = versions.load_plan_problem(self.engine, plan_date, 1, self.settings,
                                              community=self.community)  # fmt: skip
            solution = solve(problem, strategy="greedy")
            db.write_run(self.engine, solution, plan_date=plan_date, days=1,
                         volunteers=len(problem.volunteers), started_at=datetime.now(),
                         community=self.community)  # fmt: skip
            self._live.pop(plan_date, None)
            log.info("no plan for %s: one made on the spot for an urgent call", plan_date)
            return True

    def check_team(self, request: Request) -> None:
        """A request naming a team the catalogue lacks, or another community than this
        server's, is bad input (422), not a crash."""
        if request.community != self.community:
            served = self.community or "none (a database without communities)"
            raise InputError([Issue("body", "", "community", f"this server plans community "
                                    f"{served}, not {request.community}")])  # fmt: skip
        codes = {t.code for t in QINXIAN_TEAMS}
        if request.team is not None and request.team not in codes:
            raise InputError([Issue("body", "", "team", f"unknown team {request.team!r}; "
                                    f"known: {', '.join(sorted(codes))}")])  # fmt: skip

    def plan_of_request(self, request_id: str) -> LivePlan:
        """The current plan of the day a stored request belongs to."""
        found = versions.request_day(self.engine, request_id, self.settings.timezone)
        if found is None:
            raise UnknownPlan(f"no request {request_id}")
        plan = self.current(found)
        if request_id not in {r.request_id for r in plan.problem.requests}:
            raise UnknownPlan(f"request {request_id} is not in the plan of {found}")
        return plan

    def call(self, request: Request) -> CallResult:
        """Dispatch an urgent call against its day's plan and commit it with the call stored.
        A day with no plan gets one first (`ensure_plan`), and the call's answer says so.

        Calls that arrive while a batch is being dispatched wait in a queue; whoever holds
        the day's lock next dispatches all of them in arrival order and commits them in one
        transaction (one plan version, the calls stored in it), so twenty simultaneous calls
        cost about two batches, not twenty re-builds of the day."""
        plan_date = self.plan_date_of(request)
        if versions.is_stored(self.engine, request.request_id):
            raise versions.DuplicateRequest(f"request {request.request_id} is already stored")
        made = self.ensure_plan(plan_date)
        waiting = _Waiting(request)
        with self._guard:
            self._queues.setdefault(plan_date, []).append(waiting)
        with self.lock(plan_date):
            if waiting.result is None and waiting.error is None:
                with self._guard:
                    batch, self._queues[plan_date] = self._queues[plan_date], []
                self._dispatch_batch(plan_date, batch)
        if waiting.error is not None:
            raise waiting.error
        assert waiting.result is not None
        if made:
            waiting.result.note = (f"no plan for {plan_date} existed: one was made now from "
                                   f"the stored volunteers and requests")  # fmt: skip
        return waiting.result

    def _dispatch_batch(self, plan_date: date, batch: list[_Waiting]) -> None:
        seen: set[str] = set()
        calls = []
        for w in batch:  # the same id twice in one batch: the later one is a duplicate
            rid = w.request.request_id
            if rid in seen:
                w.error = versions.DuplicateRequest(f"request {rid} is already stored")
            else:
                seen.add(rid)
                calls.append(w)
        requests = [w.request for w in calls]

        def dispatch(live: LivePlan) -> tuple[Problem, Solution]:
            return dispatch_calls(live.problem, live.solution, requests)

        try:
            live = self._change_locked(plan_date, dispatch, new_calls=requests)
        except Exception as exc:  # every waiting caller gets the error, none hangs
            for w in calls:
                w.error = exc
            return
        for w in calls:
            rid = w.request.request_id
            mine = [c for c in live.solution.changes if _caused_by(c, rid)]
            w.result = CallResult(live, rid, mine)

    def replan(
        self,
        plan_date: date,
        *,
        cancelled: list[str],
        withdrawn: list[str],
        windows: dict[str, tuple[datetime, datetime]],
        pinned: list[str],
        time_limit_s: float,
    ) -> LivePlan:
        """Re-plan the day with its changes and commit the plan and the changes together.
        Requests with an accepted offer are pinned beside `pinned`. Ids the day's plan does
        not know are refused, all of them at once (`InputError`), before anything is
        recorded."""
        edits = versions.DayEdits(tuple(dict.fromkeys(cancelled)), tuple(dict.fromkeys(withdrawn)),
                               windows)  # fmt: skip

        def again(live: LivePlan) -> tuple[Problem, Solution]:
            unknown = self._unknown_ids(live, edits, pinned)
            if unknown:
                raise InputError(unknown)
            settings = live.problem.settings
            problem = versions.load_plan_problem(self.engine, plan_date, live.head.days, settings,
                                              community=self.community, edits=edits)  # fmt: skip
            problem = problem.with_settings(time_limit_s=time_limit_s)
            accepted = offers.accepted_requests(self.engine, plan_date) - set(pinned)
            kept = [*pinned, *sorted(accepted)]  # accepted offers are pins too
            return problem, replan(problem, live.solution, pinned=kept)

        return self.change(plan_date, again, edits)

    def _unknown_ids(
        self, live: LivePlan, edits: versions.DayEdits, pinned: list[str]
    ) -> list[Issue]:
        """One issue per id a re-plan names that the day's plan does not know: volunteers
        of this server's roster (or cancelled already), requests of the plan days (or
        withdrawn already; pins and new windows only for requests still in the plan)."""
        gone = versions.overrides(self.engine, live.head.plan_date)
        volunteers = {v.volunteer_id for v in live.problem.volunteers}
        requests = {r.request_id for r in live.problem.requests}
        checks = [
            ("cancelled_volunteers", "volunteer", edits.cancelled,
             volunteers | gone[versions.CANCELLED_VOLUNTEER]),
            ("withdrawn_requests", "request", edits.withdrawn,
             requests | gone[versions.WITHDRAWN_REQUEST]),
            ("changed_windows", "request", list(edits.windows), requests),
            ("pinned", "request", list(dict.fromkeys(pinned)), requests),
        ]  # fmt: skip
        day = live.head.plan_date
        return [
            Issue("body", "", name, f"unknown {what} {given!r}: not in the plan of {day}")
            for name, what, ids, known in checks
            for given in ids
            if given not in known
        ]

    def solve_and_store(
        self, plan_date: date, days: int, settings: Settings, cancel: threading.Event,
        progress: Callable[[object], None],
    ) -> str:  # fmt: skip
        """A fresh solve of the plan days, stored as their new current run. Calls that came
        in while it ran are dispatched into it before it lands."""
        started = datetime.now()
        problem = versions.load_plan_problem(self.engine, plan_date, days, settings,
                                          community=self.community)  # fmt: skip
        solution = solve(problem, progress=progress, cancel=cancel)
        with self.lock(plan_date):
            problem, solution = take_in_late_calls(
                self.engine, problem, solution, plan_date, days, started, community=self.community
            )
            run_id = db.write_run(
                self.engine, solution, plan_date=plan_date, days=days,
                volunteers=len(problem.volunteers), started_at=started, community=self.community,
            )  # fmt: skip
            self._live.pop(plan_date, None)
        return run_id

    def answer(self, request_id: str, volunteer_id: str, to: OfferState) -> offers.Offer:
        """Record an answer that leaves the plan as it is: accepted, done or no-show
        (`offers.OfferNotFound`, `offers.ImpossibleTransition` when it cannot be). Done
        credits the service's minutes to the hours ledger, a no-show excludes them."""
        reason = {
            OfferState.ACCEPTED: "accepted by the volunteer",
            OfferState.DONE: "marked done",
            OfferState.NO_SHOW: "marked no-show",
        }[to]
        recorded = offers.answer(self.engine, offers.Answer(request_id, volunteer_id, to, reason))
        minutes = int((recorded.end - recorded.start).total_seconds() // 60)
        if to == OfferState.DONE:  # the hours ledger follows what happened
            hours.credit(self.engine, request_id, volunteer_id, minutes=minutes,
                         start=recorded.start)  # fmt: skip
        elif to == OfferState.NO_SHOW:
            hours.exclude(self.engine, request_id, volunteer_id, minutes=minutes,
                          start=recorded.start)  # fmt: skip
        return recorded

    def refuse(
        self, request_id: str, volunteer_id: str, *, to: OfferState = OfferState.DECLINED,
        move_accepted: bool = False,
    ) -> Refusal:  # fmt: skip
        """Record a decline (or an expiry) together with the plan that fills its place
        (`fill_declined`: the request's standby first, then the least disruptive search),
        in one commit. Requests with accepted offers are never taken from, unless
        `move_accepted` (a coordinator's decision). Nothing is recorded when the offer is
        unknown or cannot be declined."""
        found = offers.check(offers.get(self.engine, request_id, volunteer_id), request_id,
                             volunteer_id, to)  # fmt: skip
        why = "declined" if to == OfferState.DECLINED else "did not answer in time (expired)"
        filled: list[str] = []

        def fill(live: LivePlan) -> tuple[Problem, Solution]:
            crew = {a.volunteer_id for a in live.solution.crews().get(request_id, [])}
            if volunteer_id not in crew:
                raise offers.ImpossibleTransition(
                    f"volunteer {volunteer_id} is not on the crew of {request_id} in the "
                    f"current plan of {live.head.plan_date}"
                )
            standbys = offers.standbys_for(self.engine, live.head.run_id, request_id)
            keep: set[str] = set()
            if not move_accepted:
                keep = offers.accepted_requests(self.engine, live.head.plan_date) - {request_id}
            done = fill_declined(live.problem, live.solution, request_id, volunteer_id,
                                 standbys=standbys, keep=keep, why=why)  # fmt: skip
            filled[:] = [done.filled_by]
            return done.problem, done.solution

        given = offers.Answer(request_id, volunteer_id, to, f"{volunteer_id} {why}")
        with self.lock(found.plan_date):
            plan = self._change_locked(found.plan_date, fill, answers=(given,))
        recorded = offers.get(self.engine, request_id, volunteer_id)
        assert recorded is not None
        return Refusal(recorded, plan, filled[0], plan.solution.changes)

    def expire(self, plan_date: date, now: datetime | None = None) -> list[Refusal]:
        """Expire the plan date's offers still unanswered `offer_expiry_minutes` before
        their start (at `now`, local time; default the clock), each filled like a
        decline. An offer answered meanwhile is left alone, and so is one made inside that
        lead time (a replacement offered shortly before the start): nobody could have
        answered it before its deadline."""
        zone = ZoneInfo(self.settings.timezone)
        moment = now or datetime.now(zone).replace(tzinfo=None)
        lead = timedelta(minutes=self.settings.offer_expiry_minutes)
        done = []
        for offer in offers.due(self.engine, plan_date, moment + lead):
            offered_at = offer.updated_at.astimezone(zone).replace(tzinfo=None)  # server clock
            if offered_at > offer.start - lead:
                continue  # offered too late to wait for an answer: it stands until answered
            try:
                done.append(self.refuse(offer.request_id, offer.volunteer_id,
                                        to=OfferState.EXPIRED))  # fmt: skip
            except offers.ImpossibleTransition:
                log.info("offer %s/%s answered meanwhile; not expired", offer.request_id,
                         offer.volunteer_id)  # fmt: skip
        return done
