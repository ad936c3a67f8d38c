"""matcher: assigns community volunteers to service requests with a proven quality bound.

Everything here is the public surface (pinned by tests/test_public_surface.py; changes are
listed in CHANGELOG.md). Names load on first use, so `import matcher` is quick and the
command line can handle Ctrl-C from its first moment.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "QINXIAN_TEAMS",
    "Assignment",
    "ChangeKind",
    "Explanation",
    "InputError",
    "Interval",
    "Problem",
    "Reason",
    "Request",
    "Settings",
    "Solution",
    "Standby",
    "Status",
    "Strategy",
    "Summary",
    "Team",
    "Unassigned",
    "Volunteer",
    "WalkingTime",
    "compare_scenarios",
    "dispatch_urgent",
    "explain",
    "fill_declined",
    "json_schemas",
    "load_problem",
    "load_settings",
    "replan",
    "solve",
    "walking_times_from_osm",
    "write_solution",
]

_FUNCTIONS = (
    "compare_scenarios", "dispatch_urgent", "explain", "fill_declined", "json_schemas", "replan",
    "solve",
)  # fmt: skip
_IO = {"InputError", "load_problem", "load_settings"}
_HOME = {
    name: "matcher._internal.api"
    if name in _FUNCTIONS
    else "matcher._internal.io"
    if name in _IO
    else "matcher._internal.io.outputs.batch_files"
    if name == "write_solution"
    else "matcher._internal.streets"
    if name == "walking_times_from_osm"
    else "matcher._internal.model"
    for name in __all__
}
"""Where each public name lives. Names load on first use: the solver only when a function
that needs it is first called, so `import matcher` (or its independent checker) stays light."""

if TYPE_CHECKING:
    from matcher._internal.api import (
        compare_scenarios,
        dispatch_urgent,
        explain,
        fill_declined,
        json_schemas,
        replan,
        solve,
    )

    __version__: str
    from matcher._internal.io import InputError, load_problem, load_settings
    from matcher._internal.io.outputs.batch_files import write_solution
    from matcher._internal.model import (
        QINXIAN_TEAMS,
        Assignment,
        ChangeKind,
        Explanation,
        Interval,
        Problem,
        Reason,
        Request,
        Settings,
        Solution,
        Standby,
        Status,
        Strategy,
        Summary,
        Team,
        Unassigned,
        Volunteer,
        WalkingTime,
    )
    from matcher._internal.streets import walking_times_from_osm


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("matcher")
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, "__version__"})
