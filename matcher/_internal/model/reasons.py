"""Why a request was left unassigned: a small, documented set of codes."""

from __future__ import annotations

import functools
from enum import StrEnum

from matcher._internal.model.docstrings import attribute_docs


class Reason(StrEnum):
    """Reason codes in `unassigned.csv`, checked in this order for each request."""

    NO_SKILLED_VOLUNTEER = "no_skilled_volunteer"
    """No volunteer (of the named team, not excluded) has every required skill."""
    NONE_WITHIN_REACH = "none_within_reach"
    """Skilled volunteers exist, but none lives within their walking reach of the request."""
    NONE_AVAILABLE = "none_available"
    """Skilled volunteers in reach exist, but none is available for the whole service
    inside the request's window."""
    NO_LANGUAGE_SPEAKER = "no_language_speaker"
    """Volunteers could serve it, but none of them speaks the request's language."""
    CREW_TOO_SMALL = "crew_too_small"
    """Fewer eligible volunteers than the crew needs."""
    CAPACITY_TAKEN = "capacity_taken"
    """Enough eligible volunteers exist, but their time went to higher-value requests."""

    @property
    def meaning(self) -> str:
        """What the code means, as one sentence for people (a team sheet's "Why"): the
        member's docstring above, the same words as the contract's table of reasons."""
        return _meanings().get(self.name) or self.value.replace("_", " ")


@functools.cache
def _meanings() -> dict[str, str]:
    """Reason member name -> its docstring on one line (read once; "" without the source)."""
    return {name: " ".join(text.split()) for name, text in attribute_docs(Reason).items()}
