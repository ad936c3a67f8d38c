"""Input problems that name the file, the row and the field, collected, not raised singly."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem with one value: where it is and what is wrong with it.

    `row` is already phrased for the source: ``line 7`` for CSV (the header is line 1, as a
    spreadsheet shows), ``record 3`` for JSON and Parquet, ``key v017`` for a database table.
    """

    source: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.source, self.row) if part)
        field = f", field '{self.field}'" if self.field else ""
        return f"{where}{field}: {self.message}"


class InputError(ValueError):
    """Bad input. Carries every issue found, so a user can fix a file in one pass."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        shown = "\n".join(f"  {issue}" for issue in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} input error(s):\n{shown}{more}")

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Issue]]]:
        """Pickled with its issues, so it crosses from a worker process intact."""
        return (InputError, (self.issues,))
