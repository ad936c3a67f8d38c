"""The HTTP API (FastAPI): the resident platform and the call centre reach matcher here.

State lives in the nightly job's database (`io.store.plan_versions`); this module only maps
HTTP to the plan operations in `service.live_plans`, guards every endpoint but `/health` with
a bearer key, refuses oversize bodies, and counts what happens for `/metrics`.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher._internal.io.errors import InputError
from matcher._internal.io.outputs.batch_files import assignments_frame
from matcher._internal.io.outputs.team_sheets import (
    OfferMark,
    OfferMarks,
    team_sheets,
    volunteer_calendar,
)
from matcher._internal.io.store import offers
from matcher._internal.io.store import plan_versions as stored
from matcher._internal.io.store.database import DatabaseUnreachable
from matcher._internal.io.store.offers import OfferState
from matcher._internal.model import (
    Assignment,
    Change,
    Explanation,
    Reason,
    Settings,
    Solution,
    Summary,
    Unassigned,
)
from matcher._internal.model import (
    Request as ServiceRequest,
)
from matcher._internal.service.live_plans import LivePlan, Plans, Refusal, UnknownPlan
from matcher._internal.solver import Progress, explain

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
"""A request body larger than this is refused (413): a day's changes fit in a few KB."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CrewMember(_Body):
    volunteer_id: str
    name: str | None
    walk_minutes: float


class CallAnswer(_Body):
    """What the call centre tells the caller, and whom else the call moved."""

    request_id: str
    served: bool
    reason: Reason | None = Field(
        description="an unserved call's reason code, as unassigned.csv gives it; null if served"
    )
    detail: str | None = Field(
        description="an unserved call's reason in words, as unassigned.csv gives it; null if served"
    )
    crew: list[CrewMember]
    start: datetime | None
    end: datetime | None
    changes: list[Change] = Field(description="bumped and re-homed requests, with reasons")
    plan_date: date
    plan_version: int
    note: str | None = Field(
        default=None,
        description="set when the call's day had no plan and one was made for it on the spot "
        "(from the stored volunteers and requests); null otherwise",
    )


class PlanView(_Body):
    plan_date: date
    run_id: str
    version: int
    summary: Summary
    assignments: list[Assignment]
    unassigned: list[Unassigned]


class Window(_Body):
    request_id: str = Field(min_length=1)
    earliest_start: datetime
    latest_start: datetime


class ReplanBody(_Body):
    """The day's changes since the plan was made."""

    cancelled_volunteers: list[str] = Field(default_factory=list)
    withdrawn_requests: list[str] = Field(default_factory=list)
    changed_windows: list[Window] = Field(default_factory=list)
    pinned: list[str] = Field(default_factory=list, description="requests never moved")
    time_limit_s: float = Field(default=10.0, gt=0, le=600)


class ReplanAnswer(_Body):
    plan_date: date
    plan_version: int
    served_weight: int
    upper_bound: int
    changes: list[Change]


class SolveBody(_Body):
    days: int = Field(default=1, ge=1, le=14)
    time_limit_s: float = Field(default=60.0, gt=0, le=3600)


class JobView(_Body):
    job_id: str
    plan_date: date
    state: str = Field(description="running | done | cancelled | failed")
    served_weight: int | None
    upper_bound: int | None
    gap: float | None
    elapsed_s: float
    run_id: str | None
    error: str | None


class Accepted(_Body):
    request_id: str


class OfferView(_Body):
    """One offer of a request to a volunteer, as stored now."""

    request_id: str
    volunteer_id: str
    state: str = Field(description="offered | accepted | declined | expired | done | no_show "
                       "| withdrawn")  # fmt: skip
    start: datetime
    end: datetime
    plan_date: date
    sequence: int = Field(description="grows with every change; the calendar's SEQUENCE")
    updated_at: datetime


class DeclineBody(_Body):
    move_accepted: bool = Field(
        default=False,
        description="a coordinator's decision: the fallback may take volunteers from "
        "requests whose offers were accepted (never, by default)",
    )


class ExpireBody(_Body):
    as_of: datetime | None = Field(
        default=None, description="the moment to expire at (local time); default: now"
    )


class RefusalAnswer(_Body):
    """A declined (or expired) offer, and how its place was filled, like an urgent call's
    answer: the request's crew now, who replaced the volunteer, whom else it moved."""

    offer: OfferView
    filled_by: str = Field(description="standby | same_time | replanned | unserved")
    served: bool
    crew: list[CrewMember]
    replacement: list[CrewMember] = Field(description="crew members new to the request")
    start: datetime | None
    end: datetime | None
    changes: list[Change] = Field(description="other requests moved or dropped, with reasons")
    plan_date: date
    plan_version: int


@dataclass
class _Job:
    job_id: str
    plan_date: date
    began: float = field(default_factory=time.perf_counter)
    cancel: threading.Event = field(default_factory=threading.Event)
    state: str = "running"
    last: Progress | None = None
    run_id: str | None = None
    error: str | None = None
    finished: float | None = None

    def view(self) -> JobView:
        last = self.last
        end = self.finished or time.perf_counter()
        return JobView(
            job_id=self.job_id, plan_date=self.plan_date, state=self.state,
            served_weight=last.served_weight if last else None,
            upper_bound=last.upper_bound if last else None,
            gap=round(last.gap, 5) if last else None, elapsed_s=round(end - self.began, 3),
            run_id=self.run_id, error=self.error,
        )  # fmt: skip


_bearer = HTTPBearer(auto_error=False)


class _KeyCheck:
    """The bearer-key guard, compared in constant time; the key is never logged."""

    def __init__(self, key: str) -> None:
        self.key = key.encode()

    def __call__(
        self, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> None:
        given = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(given, self.key):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong API key",
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


class _Metrics:
    """Prometheus series of one app (its own registry, so tests can start many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "matcher_http_request_seconds", "HTTP request latency", ["method", "route", "status"],
            registry=self.registry, buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
        )  # fmt: skip
        self.dispatches = Counter("matcher_dispatch_total", "Urgent calls by outcome",
                                  ["outcome"], registry=self.registry)  # fmt: skip
        self.solves = Histogram(
            "matcher_solve_seconds", "Background solve durations", registry=self.registry,
            buckets=(1, 5, 10, 30, 60, 120, 300, 600),
        )  # fmt: skip
        self.versions = Gauge("matcher_plan_version", "Current plan version per plan date",
                              ["plan_date"], registry=self.registry)  # fmt: skip


class _BodyLimit:
    """Refuse bodies over `limit` bytes (413), by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(scope, receive, send, self.limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _Oversize
            return message

        try:
            await self.app(scope, counted, send)
        except _Oversize:
            await _too_large(scope, receive, send, self.limit)


class _Oversize(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = JSONResponse({"detail": f"request body larger than {limit} bytes"}, 413)
    await response(scope, receive, send)


def create_app(
    engine: Engine, api_key: str, settings: Settings | None = None, community: str | None = None
) -> FastAPI:
    """The API over one database (and one community of a city's database); `api_key`
    guards every endpoint except `/health`."""
    live = Plans(engine, settings or Settings(), community)
    metrics = _Metrics()
    jobs: dict[str, _Job] = {}
    authorised = _KeyCheck(api_key)

    app = FastAPI(
        title="matcher", version="1", openapi_url=None, docs_url=None, redoc_url=None,
        description="Volunteer matching for a community: requests, urgent calls, plans.",
    )  # fmt: skip
    guarded = [Depends(authorised)]

    @app.middleware("http")
    async def timed(request: Request, call_next: Any) -> Response:
        began = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.latency.labels(request.method, path, str(response.status_code)).observe(
            time.perf_counter() - began
        )
        return response

    @app.exception_handler(UnknownPlan)
    async def _unknown(_: Request, exc: UnknownPlan) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 404)

    @app.exception_handler(stored.DuplicateRequest)
    async def _duplicate(_: Request, exc: stored.DuplicateRequest) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 409)

    @app.exception_handler(stored.PlanConflict)
    async def _conflict(_: Request, exc: stored.PlanConflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 409)

    @app.exception_handler(offers.OfferNotFound)
    async def _no_offer(_: Request, exc: offers.OfferNotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 404)

    @app.exception_handler(offers.ImpossibleTransition)
    async def _impossible(_: Request, exc: offers.ImpossibleTransition) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 409)

    @app.exception_handler(InputError)
    async def _bad_input(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": [str(i) for i in exc.issues]}, 422)

    @app.exception_handler(DatabaseUnreachable)
    async def _database(_: Request, exc: DatabaseUnreachable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 503)

    @app.get("/health")
    def health() -> JSONResponse:
        """Liveness and database reachability (503 when the database does not answer);
        needs no key."""
        try:
            stored.head(engine, live.today())
        except Exception as exc:  # any driver error: the service cannot work
            log.warning("health: database unreachable (%s)", type(exc).__name__)
            return JSONResponse({"status": "database unreachable"}, 503)
        return JSONResponse({"status": "ok"})

    @app.get("/openapi.json", dependencies=guarded, include_in_schema=False)
    def openapi() -> dict[str, Any]:
        return app.openapi()

    @app.get("/docs", dependencies=guarded, include_in_schema=False)
    def docs() -> Response:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url="/openapi.json", title="matcher API")

    @app.post("/requests", status_code=201, dependencies=guarded)
    def add_request(body: ServiceRequest) -> Accepted:
        """A resident's request, validated and stored for the next plan of its day."""
        live.check_team(body)
        stored.store_request(engine, body)
        return Accepted(request_id=body.request_id)

    @app.post("/calls", dependencies=guarded)
    def urgent_call(body: ServiceRequest) -> CallAnswer:
        """An urgent one-click call: stored, dispatched at once against its day's plan, and
        the changed plan committed. A day with no plan gets one made on the spot, and the
        answer's `note` says so."""
        live.check_team(body)
        result = live.call(body)
        answer = _call_answer(result.plan, body.request_id, result.note)
        metrics.dispatches.labels("served" if answer.served else "not_served").inc()
        if any(c.request_id != body.request_id for c in result.changes):
            metrics.dispatches.labels("bumped_others").inc()
        metrics.versions.labels(str(answer.plan_date)).set(answer.plan_version)
        return answer

    @app.get("/plans/{plan_date}", dependencies=guarded)
    def get_plan(
        plan_date: date,
        team: Annotated[str | None, Query(description="only this team's rows")] = None,
        volunteer: Annotated[str | None, Query(description="only this volunteer's rows")] = None,
    ) -> PlanView:
        plan = live.current(plan_date)
        rows = _as_published(plan.solution, plan.solution.assignments)
        left = plan.solution.unassigned
        if team is not None:
            rows = [a for a in rows if a.team == team]
            teams = {r.request_id: r.team for r in plan.problem.requests}
            left = [u for u in left if teams.get(u.request_id) == team]
        if volunteer is not None:
            rows = [a for a in rows if a.volunteer_id == volunteer]
            left = []
        return PlanView(
            plan_date=plan_date, run_id=plan.head.run_id, version=plan.head.version,
            summary=plan.solution.summary, assignments=rows, unassigned=left,
        )  # fmt: skip

    @app.post("/plans/{plan_date}/replan", dependencies=guarded)
    def replan(plan_date: date, body: ReplanBody) -> ReplanAnswer:
        """Cancellations, withdrawn requests, changed windows and pins, then a re-plan."""
        windows = {w.request_id: (w.earliest_start, w.latest_start) for w in body.changed_windows}
        plan = live.replan(
            plan_date, cancelled=body.cancelled_volunteers, withdrawn=body.withdrawn_requests,
            windows=windows, pinned=body.pinned, time_limit_s=body.time_limit_s,
        )  # fmt: skip
        metrics.versions.labels(str(plan_date)).set(plan.head.version)
        s = plan.solution.summary
        return ReplanAnswer(plan_date=plan_date, plan_version=plan.head.version,
                            served_weight=s.served_weight, upper_bound=s.upper_bound,
                            changes=plan.solution.changes)  # fmt: skip

    @app.post("/plans/{plan_date}/solve", status_code=202, dependencies=guarded)
    def start_solve(plan_date: date, body: SolveBody | None = None) -> JobView:
        """A fresh plan of the day as a background job; it lands as the day's current plan,
        with the calls dispatched meanwhile taken in."""
        body = body or SolveBody()
        if any(j.plan_date == plan_date and j.state == "running" for j in jobs.values()):
            raise HTTPException(409, f"a solve of {plan_date} is already running")
        job = _Job(uuid.uuid4().hex, plan_date)
        jobs[job.job_id] = job
        chosen = live.settings.model_copy(update={"time_limit_s": body.time_limit_s})

        def run() -> None:
            try:
                job.run_id = live.solve_and_store(plan_date, body.days, chosen, job.cancel,
                                                  lambda p: setattr(job, "last", p))  # fmt: skip
                job.state = "cancelled" if job.cancel.is_set() else "done"
            except Exception as exc:  # reported on the job, never lost in a thread
                job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
            job.finished = time.perf_counter()
            metrics.solves.observe(job.finished - job.began)

        threading.Thread(target=run, name=f"solve-{plan_date}", daemon=True).start()
        return job.view()

    @app.get("/jobs/{job_id}", dependencies=guarded)
    def get_job(job_id: str) -> JobView:
        return _job(jobs, job_id).view()

    @app.delete("/jobs/{job_id}", dependencies=guarded)
    def cancel_job(job_id: str) -> JobView:
        """Stop a solve early; the best valid plan found so far still lands."""
        job = _job(jobs, job_id)
        job.cancel.set()
        return job.view()

    @app.get("/explain/{request_id}", dependencies=guarded)
    def explain_request(request_id: str) -> Explanation:
        plan = live.plan_of_request(request_id)
        return explain(plan.problem, plan.solution, request_id)

    @app.post("/offers/{request_id}/{volunteer_id}/accept", dependencies=guarded)
    def accept_offer(request_id: str, volunteer_id: str) -> OfferView:
        """The volunteer accepts: the offer is kept as it is from now on (a pin)."""
        return _offer_view(live.answer(request_id, volunteer_id, OfferState.ACCEPTED))

    @app.post("/offers/{request_id}/{volunteer_id}/decline", dependencies=guarded)
    def decline_offer(
        request_id: str, volunteer_id: str, body: DeclineBody | None = None
    ) -> RefusalAnswer:
        """The volunteer declines (an accepted offer too: a cancellation). Their place is
        filled at once, a standby first, and the plan committed with the answer."""
        body = body or DeclineBody()
        done = live.refuse(request_id, volunteer_id, move_accepted=body.move_accepted)
        metrics.versions.labels(str(done.plan.head.plan_date)).set(done.plan.head.version)
        return _refusal_answer(done)

    @app.post("/offers/{request_id}/{volunteer_id}/done", dependencies=guarded)
    def offer_done(request_id: str, volunteer_id: str) -> OfferView:
        return _offer_view(live.answer(request_id, volunteer_id, OfferState.DONE))

    @app.post("/offers/{request_id}/{volunteer_id}/no-show", dependencies=guarded)
    def offer_no_show(request_id: str, volunteer_id: str) -> OfferView:
        return _offer_view(live.answer(request_id, volunteer_id, OfferState.NO_SHOW))

    @app.get("/volunteers/{volunteer_id}/offers", dependencies=guarded)
    def open_offers(volunteer_id: str) -> list[OfferView]:
        """A volunteer's open offers (offered or accepted), earliest first."""
        found = offers.of_volunteer(engine, volunteer_id)
        if not found and not offers.is_volunteer(engine, volunteer_id):
            raise HTTPException(404, f"no volunteer {volunteer_id}")
        return [_offer_view(o) for o in found]

    @app.post("/plans/{plan_date}/expire-offers", dependencies=guarded)
    def expire_offers(plan_date: date, body: ExpireBody | None = None) -> list[RefusalAnswer]:
        """Expire the day's offers unanswered `offer_expiry_minutes` before their start,
        each place filled like a decline's (run it every few minutes, e.g. from cron)."""
        live.current(plan_date)  # 404 for a day without a plan
        done = live.expire(plan_date, (body or ExpireBody()).as_of)
        return [_refusal_answer(d) for d in done]

    @app.get("/plans/{plan_date}/calendars/{volunteer_id}.ics", dependencies=guarded)
    def calendar(plan_date: date, volunteer_id: str) -> Response:
        """A volunteer's calendar of the day: an event per offer (same UID for its life,
        SEQUENCE from the offer), cancelled events for offers declined or taken back."""
        plan = live.current(plan_date)
        if volunteer_id not in {v.volunteer_id for v in plan.problem.volunteers}:
            raise HTTPException(404, f"no volunteer {volunteer_id} in the plan of {plan_date}")
        marks = _offer_marks(engine, plan)
        body = volunteer_calendar(plan.solution, plan.problem, volunteer_id, marks)
        return Response(body, media_type="text/calendar; charset=utf-8")

    @app.get("/plans/{plan_date}/sheets/{team}", dependencies=guarded)
    def sheet(plan_date: date, team: str) -> Response:
        """A team's sheet of the day (HTML), each crew member with their offer's state."""
        plan = live.current(plan_date)
        marks = _offer_marks(engine, plan)
        pages = team_sheets(plan.solution, plan.problem, offers=marks, only=team)
        if team not in pages:
            raise HTTPException(404, f"team {team} has no requests in the plan of {plan_date}")
        return Response(pages[team], media_type="text/html; charset=utf-8")

    @app.get("/metrics", dependencies=guarded)
    def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)  # added last: the outermost
    return app


def _job(jobs: dict[str, _Job], job_id: str) -> _Job:
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job


def _as_published(solution: Solution, rows: list[Assignment]) -> list[Assignment]:
    """Assignment rows of `solution` as assignments.csv states them (`assignments_frame`:
    walks to a hundredth of a minute), so an answer never shows more digits than a file."""
    frame = assignments_frame(solution.model_copy(update={"assignments": rows}))
    return [Assignment.model_validate(row) for row in frame.to_dict(orient="records")]


def _call_answer(plan: LivePlan, request_id: str, note: str | None = None) -> CallAnswer:
    """The call's crew, or the reason it was left out (its row of the plan's unassigned),
    with the `note` of a plan made for it."""
    names = {v.volunteer_id: v.name for v in plan.problem.volunteers}
    rows = plan.solution.crews().get(request_id, [])
    rows = _as_published(plan.solution, rows)
    crew = [CrewMember(volunteer_id=a.volunteer_id, name=names.get(a.volunteer_id),
                       walk_minutes=a.walk_minutes) for a in rows]  # fmt: skip
    left = next((u for u in plan.solution.unassigned if u.request_id == request_id), None)
    return CallAnswer(
        request_id=request_id, served=bool(rows),
        reason=left.reason if left else None, detail=left.detail if left else None, crew=crew,
        start=rows[0].start if rows else None, end=rows[0].end if rows else None,
        changes=[c for c in plan.solution.changes if c.request_id != request_id],
        plan_date=plan.head.plan_date, plan_version=plan.head.version, note=note,
    )  # fmt: skip


def _offer_view(offer: offers.Offer) -> OfferView:
    return OfferView(
        request_id=offer.request_id, volunteer_id=offer.volunteer_id, state=str(offer.state),
        start=offer.start, end=offer.end, plan_date=offer.plan_date, sequence=offer.sequence,
        updated_at=offer.updated_at,
    )  # fmt: skip


def _refusal_answer(done: Refusal) -> RefusalAnswer:
    """The request's crew after the fallback, who is new on it, and whom else it moved."""
    request_id = done.offer.request_id
    call = _call_answer(done.plan, request_id)
    own = next((c for c in done.changes if c.request_id == request_id), None)
    before = set()
    if own is not None and own.before:
        before = {v.strip() for v in own.before.split(": ", 1)[-1].split(",")}
    return RefusalAnswer(
        offer=_offer_view(done.offer), filled_by=done.filled_by, served=call.served,
        crew=call.crew, replacement=[m for m in call.crew if m.volunteer_id not in before],
        start=call.start, end=call.end, changes=call.changes, plan_date=call.plan_date,
        plan_version=call.plan_version,
    )  # fmt: skip


def _offer_marks(engine: Engine, plan: LivePlan) -> OfferMarks:
    """The plan's offers as sheets and calendars show them."""
    return {
        pair: OfferMark(str(o.state), o.sequence, o.start, o.end)
        for pair, o in offers.of_run(engine, plan.head.run_id).items()
    }
