"""The public surface is a promise: the names `matcher` exports and their signatures are
pinned in tests/public_surface.json, so changing them is a deliberate, reviewed change (with
a CHANGELOG.md entry, and a deprecated alias for anything removed or renamed)."""

from __future__ import annotations

import enum
import inspect
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import matcher

PINNED = Path(__file__).with_name("public_surface.json")
UPDATE = "python -m tests.test_public_surface"  # after a deliberate change, from the root


def describe(obj: Any) -> Any:
    """What a user of a public name relies on: a function's signature, a model's fields and
    public methods, an enum's values."""
    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        return {"enum": [member.value for member in obj]}
    if isinstance(obj, type) and issubclass(obj, BaseModel):
        methods = {
            name: str(inspect.signature(member))
            for name, member in vars(obj).items()
            if inspect.isfunction(member) and not name.startswith("_")
        }
        fields = {name: str(field.annotation) for name, field in obj.model_fields.items()}
        return {"model": fields, "methods": methods}
    if isinstance(obj, type):
        return {"class": str(inspect.signature(obj))}
    if callable(obj):
        return {"function": str(inspect.signature(obj))}
    return {"value": type(obj).__name__}


def surface() -> dict[str, Any]:
    return {name: describe(getattr(matcher, name)) for name in sorted(matcher.__all__)}


def test_the_public_surface_is_the_pinned_one() -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    now = surface()
    changed = sorted(k for k in pinned.keys() | now.keys() if pinned.get(k) != now.get(k))
    assert not changed, (
        f"the public surface changed ({', '.join(changed)}): if deliberate, say so in "
        f"CHANGELOG.md (a deprecated alias for anything removed) and run `{UPDATE}`"
    )


def test_dir_lists_the_public_functions_and_every_name_resolves() -> None:
    listed = dir(matcher)
    for name in ("solve", "replan", "dispatch_urgent", "explain", "write_solution", "__version__"):
        assert name in listed
    for name in matcher.__all__:
        assert getattr(matcher, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = matcher.nope  # type: ignore[attr-defined]


def test_version_is_the_installed_one_and_the_command_prints_it() -> None:
    from importlib.metadata import version

    assert matcher.__version__ == version("matcher")
    major, minor, patch = (int(part) for part in matcher.__version__.split(".")[:3])
    assert (major, minor, patch) >= (0, 2, 0)
    result = subprocess.run([sys.executable, "-m", "matcher", "--version"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == f"matcher {matcher.__version__}"
    changelog = (Path(__file__).parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{matcher.__version__}]" in changelog


def test_solution_write_still_works_and_warns(tmp_path: Path) -> None:
    problem = matcher.load_problem(volunteers="data/sample/volunteers.csv",
                                   requests="data/sample/requests.csv")  # fmt: skip
    plan = matcher.solve(problem, strategy="greedy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        folder = plan.write(tmp_path / "plan")
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert "matcher.write_solution" in str(warning.message) and "0.4.0" in str(warning.message)
    assert warning.filename == __file__  # it points at the caller's line
    assert (folder / "assignments.csv").read_text() == (
        matcher.write_solution(plan, tmp_path / "again") / "assignments.csv"
    ).read_text()


if __name__ == "__main__":
    PINNED.write_text(json.dumps(surface(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {PINNED}")
