"""Community-local time values for the models.

The contract says a time without an offset is community local time and one with an offset is
converted to it. The models keep naive local datetimes so every later layer (solver, checker,
writers) compares like with like. The time zone comes from the validation context
(``{"timezone": "Asia/Shanghai"}``) and defaults to the Qinxian community's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic.functional_validators import AfterValidator, BeforeValidator

DEFAULT_TIMEZONE = "Asia/Shanghai"


def context_timezone(info: ValidationInfo | None) -> ZoneInfo:
    """The community time zone named in the validation context, or the default."""
    name = DEFAULT_TIMEZONE
    if info is not None and isinstance(info.context, dict):
        name = str(info.context.get("timezone") or DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def to_local(value: datetime, tz: ZoneInfo) -> datetime:
    """Convert an aware datetime to naive community time; leave naive ones as they are."""
    if value.tzinfo is None:
        return value
    return value.astimezone(tz).replace(tzinfo=None)


def _parse_datetime_text(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty time")
        try:
            return datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not an ISO 8601 time") from exc
    if isinstance(value, bool | int | float):
        # pydantic would read a number as seconds since 1970; the contract says ISO 8601.
        raise ValueError(f"{value!r} is not an ISO 8601 time")
    # pandas.Timestamp is a datetime subclass; numpy datetime64 is not.
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def _localise(value: datetime, info: ValidationInfo) -> datetime:
    return to_local(value, context_timezone(info))


LocalDateTime = Annotated[
    datetime, BeforeValidator(_parse_datetime_text), AfterValidator(_localise)
]
"""A datetime parsed from ISO 8601 text or a native value, stored as naive local time."""


class Interval(BaseModel):
    """A half-open span of community time, ``start/end`` in ISO 8601 interval form."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: LocalDateTime
    end: LocalDateTime

    @model_validator(mode="before")
    @classmethod
    def _from_text_or_pair(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = value.strip().split("/")
            if len(parts) != 2:
                raise ValueError(f"{value!r} is not an interval of the form start/end")
            return {"start": parts[0], "end": parts[1]}
        if isinstance(value, list | tuple) and len(value) == 2:
            return {"start": value[0], "end": value[1]}
        return value

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(
                f"interval ends ({end.isoformat()}) at or before its start ({start.isoformat()})"
            )
        return end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60.0
