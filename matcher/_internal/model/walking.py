"""A walking-time table: measured minutes between places, from a footpath network or any
routing engine. Where it has a pair it replaces the great-circle estimate everywhere."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class WalkingTime(BaseModel):
    """One row: the walk between two places. A place is a volunteer id (their home) or a
    request id (where the service happens). A pair given one way holds both ways unless
    the other way has a row of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    from_place: Annotated[
        str, Field(min_length=1, description="a volunteer id (home) or a request id")
    ]
    to_place: Annotated[
        str, Field(min_length=1, description="a volunteer id (home) or a request id")
    ]
    minutes: Annotated[
        float, Field(ge=0, allow_inf_nan=False, description="walking minutes between them")
    ]
