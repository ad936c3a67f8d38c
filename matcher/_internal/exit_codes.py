"""Exit statuses of the `matcher` command, documented for scripts in docs/command-line.md."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """A valid schedule was written (or, for `check`, the schedule obeys every rule)."""
    INTERNAL_ERROR = 1
    """A bug: the message and traceback belong in an issue."""
    USAGE = 2
    """The command line itself is wrong (unknown option, missing argument)."""
    BAD_INPUT = 3
    """An input file, row or field is invalid; the message names each one. Also a database
    export with no volunteers where the last run had some, and nothing else to plan."""
    VIOLATIONS = 4
    """`check` found at least one broken hard rule."""
    DATABASE_UNREACHABLE = 5
    """The database could not be reached or read; nothing was written."""
    NOTHING_SERVED = 6
    """A valid schedule was written, but not one request could be served: look at the
    reasons in the unassigned list (often availability or skills missing for the day)."""
    COMMUNITIES_NOT_PLANNED = 7
    """Some communities got no new plan (bad rows, a part that failed twice, or no volunteers
    in a database export though their last run had some); the others were written. The
    message names each one and why; theirs keep the previous plan."""
    OUTPUT_NOT_WRITTEN = 8
    """Writing the outputs failed after solving (disk full, read-only, removed folder): the
    message says why; the output folder holds what it held before."""
    INTERRUPTED_SIGINT = 130
    """Ctrl-C (SIGINT) stopped the run before its new plan was written (the message says
    what was kept). 128 + the signal's number, as shells report it."""
    INTERRUPTED_SIGTERM = 143
    """SIGTERM (a service manager stopping the job) did the same."""
