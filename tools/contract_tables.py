"""The field tables of docs/DATA_CONTRACT.md, written from the pydantic models.

The models are the contract's single source of truth in code; the tables in the document are
rendered from them, so the two cannot drift apart. Each table sits between two markers:

    <!-- generated: volunteers -->
    ...
    <!-- end generated -->

A field's meaning is its docstring (or its pydantic `description`) where the model has one,
else the entry in `MEANINGS` below. The JSON Schemas of the exchanged models go to
docs/schemas/, one file per model. Regenerate both with

    python -m tools.contract_tables

and check them, without writing, with `--check`.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import types
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from matcher._internal.model import (
    Assignment,
    Reason,
    Request,
    Settings,
    Standby,
    Summary,
    Unassigned,
    Volunteer,
)
from matcher._internal.model.docstrings import attribute_docs

REGENERATE = "python -m tools.contract_tables"
"""The command that rewrites the generated regions and the schema files."""

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTRACT = REPO_ROOT / "docs" / "DATA_CONTRACT.md"
SCHEMAS = REPO_ROOT / "docs" / "schemas"

MEANINGS: dict[str, dict[str, str]] = {
    "Volunteer": {
        "volunteer_id": "unique",
        "team": "team code",
        "skills": "what the volunteer can do",
        "lat": "home location, latitude",
        "lon": "home location, longitude",
        "availability": "when the volunteer can serve; empty means not available",
        "max_minutes_per_day": "cap on service minutes per calendar day",
        "max_tasks_per_day": "cap on assignments per calendar day; empty means no cap",
        "max_walk_minutes": "furthest walk from home to a request, in minutes",
        "languages": "spoken languages or dialects",
        "name": "display name",
    },
    "Request": {
        "request_id": "unique",
        "kind": "request kind, e.g. `elderly_visit`",
        "team": "team that must serve it; empty: any team whose members have the skills",
        "required_skills": "every assigned volunteer has all of them",
        "lat": "where the service happens, latitude",
        "lon": "where the service happens, longitude",
        "earliest_start": "the service starts inside [earliest_start, latest_start]",
        "latest_start": "the service starts inside [earliest_start, latest_start]",
        "duration_minutes": "length of the service",
        "volunteers_needed": "crew size; the whole crew starts together",
        "priority": "5 is urgent (e.g. a one-click call from an elderly resident)",
        "resident_id": "who asked; used for continuity of care",
        "preferred_volunteers": "soft wish",
        "excluded_volunteers": "never assign these",
        "language": "at least one crew member speaks it",
    },
    "Settings": {
        "walking_speed_m_per_min": "walking pace, in metres per minute",
        "detour_factor": "walked distance = great-circle distance times this factor",
        "timezone": "community time zone (IANA name); a time without an offset is in it",
        "time_limit_s": "seconds the solver may run at most",
        "stall_seconds": "stop early after this long without a change within `stall_gap` "
        "(none: a sixth of the time limit, at least 10 s; 0: never)",
        "stall_gap": "the largest gap at which a stalled search may stop early",
        "seed": "random seed of the search",
    },
    "Assignment": {
        "request_id": "the served request",
        "volunteer_id": "one member of its crew",
        "team": "the volunteer's team",
        "start": "start of the service, community local time, on a whole minute",
        "end": "start + `duration_minutes`",
        "walk_minutes": "walk from the volunteer's home to the request, in minutes",
    },
    "Standby": {
        "request_id": "a served request of priority `standby_min_priority` or more",
        "volunteer_id": "the volunteer held in reserve: not on its crew, and free, available,"
        " eligible and in reach at its planned time",
        "start": "the request's planned start (its time is held)",
        "end": "the request's planned end",
    },
    "Unassigned": {
        "request_id": "the request left unserved",
        "reason": "why, as a code (see the reason codes below)",
        "detail": "a sentence a coordinator can act on",
    },
    "Summary": {
        "status": "what the result proves (see Status below)",
        "strategy": "how the result was made",
        "served_weight": "sum of weight(priority) over the served requests",
        "upper_bound": "proven upper bound on the served weight of any valid schedule",
        "walk_minutes": "total walk from home over all assignments",
        "requests_total": "requests in the input",
        "requests_served": "requests served whole",
        "requests_unassigned": "requests in `unassigned.csv`",
        "assignments": "rows of `assignments.csv` (one per crew member)",
        "solve_seconds": "wall-clock seconds of the solve",
        "per_team": "per team code (`any` for requests naming no team): requests, served,"
        " served_weight, upper_bound, gap",
        "seed": "the random seed of the run",
        "settings": "every setting of the run",
    },
}
"""Meanings of the fields whose model gives none (no docstring, no `description`)."""

FIELD_TABLES: dict[str, tuple[type[BaseModel], str]] = {
    "volunteers": (Volunteer, "column"),
    "requests": (Request, "column"),
    "settings": (Settings, "setting"),
    "assignments": (Assignment, "column"),
    "unassigned": (Unassigned, "column"),
    "standbys": (Standby, "column"),
    "summary": (Summary, "field"),
}
"""Marker name -> the model whose fields the region lists, and what a field is called there."""

ENUM_TABLES: dict[str, type[Enum]] = {"reasons": Reason}
"""Marker name -> the enum whose values the region lists (fields of these types refer to it
instead of listing the values)."""

CONTRACT_MODELS: tuple[type[BaseModel], ...] = (Volunteer, Request, Settings)
"""The models every field of which the contract must name."""


# --- docstrings --------------------------------------------------------------------------


def _one_line(text: str, *, lower: bool = True) -> str:
    """A docstring as one table cell: joined lines, Markdown code spans, no trailing dot, and
    (with `lower`) a lower-case start, as a cell continues its row's name."""
    flat = " ".join(inspect.cleandoc(text).split())
    flat = flat.replace("``", "`").replace("|", "\\|")
    first = flat.split(" ", 1)[0]
    if lower and first and not (len(first) > 1 and first.isupper()):
        flat = flat[0].lower() + flat[1:]
    return flat[:-1] if flat.endswith(".") and not flat.endswith("..") else flat


def field_meaning(model: type[BaseModel], name: str) -> str:
    """The field's docstring or description, else its entry in `MEANINGS` ('' if none)."""
    info = model.model_fields[name]
    text = info.description or attribute_docs(model).get(name)
    if not text:
        text = MEANINGS.get(model.__name__, {}).get(name, "")
    meaning = _one_line(text) if text else ""
    choices = _enum_of(info.annotation)
    if choices is not None and choices not in ENUM_TABLES.values():
        values = ", ".join(f"`{member.value}`" for member in choices)
        meaning = f"{meaning}; one of {values}" if meaning else f"one of {values}"
    return meaning


# --- types and defaults ------------------------------------------------------------------

_NAMES: dict[Any, str] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    datetime: "datetime",
    Any: "any",
}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _constraints(metadata: Iterable[Any]) -> str:
    """Numeric bounds as a reader writes them: `1..5`, `≥ 0`, `> 0`."""
    low: Any = None
    high: Any = None
    low_open = high_open = False
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_open = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_open = item.lt, True
        elif isinstance(item, FieldInfo):
            inner = _constraints(item.metadata)
            if inner:
                return inner
    if low is not None and high is not None and not (low_open or high_open):
        return f"{_number(low)}..{_number(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '≥'} {_number(low)}")
    if high is not None:
        parts.append(f"{'<' if high_open else '≤'} {_number(high)}")
    return ", ".join(parts)


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        kept = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(kept) == 1:
            return kept[0]
    return annotation


def _enum_of(annotation: Any) -> type[Enum] | None:
    annotation = _strip_optional(annotation)
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return None


def _words(name: str) -> str:
    """`TeamSummary` -> `team summary`."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def type_name(annotation: Any, metadata: Iterable[Any] = ()) -> str:
    """A readable type: `str`, `int 1..5`, `list[str]`, `list[interval]`, `datetime`..."""
    annotation = _strip_optional(annotation)
    extra = list(metadata)
    if get_origin(annotation) is Annotated:
        base, *more = get_args(annotation)
        return type_name(base, [*extra, *more])
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(arg) for arg in get_args(annotation))
    if origin is Literal:
        return "str"
    if origin in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        return f"list[{type_name(args[0]) if args else 'any'}]"
    if origin is dict:
        key, value = get_args(annotation) or (str, Any)
        return f"dict[{type_name(key)}, {type_name(value)}]"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "str"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _words(annotation.__name__)
    name = _NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))
    bounds = _constraints(extra)
    return f"{name} {bounds}" if bounds else name


def field_type(info: FieldInfo) -> str:
    return type_name(info.annotation, info.metadata)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_value(k)}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def default_of(info: FieldInfo) -> tuple[bool, Any]:
    """(has a default, the default) with default factories called."""
    if info.default is not PydanticUndefined:
        return True, info.default
    if info.default_factory is not None:
        return True, info.get_default(call_default_factory=True, validated_data={})
    return False, None


def required_cell(info: FieldInfo) -> str:
    """`yes`; `no` when the default is empty (none, an empty list); else `no (240)`."""
    has_default, value = default_of(info)
    if not has_default:
        return "yes"
    if value is None or value == [] or value == {} or value == "":
        return "no"
    return f"no ({_value(value)})"


def default_cell(info: FieldInfo) -> str:
    has_default, value = default_of(info)
    if not has_default:
        return "required"
    if value is None:
        return "none"
    return f"`{_value(value)}`"


# --- tables ------------------------------------------------------------------------------


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(columns: int) -> str:
    return "|" + "---|" * columns


def field_table(model: type[BaseModel], *, defaults: bool = False, key: str = "column") -> str:
    """One row per field: its name, type, required (or with `defaults`, the default) and
    meaning."""
    head = [key, "type", "default" if defaults else "required", "meaning"]
    lines = [_row(head), _rule(len(head))]
    for name, info in model.model_fields.items():
        given = default_cell(info) if defaults else required_cell(info)
        lines.append(_row([name, field_type(info), given, field_meaning(model, name)]))
    return "\n".join(lines)


def enum_table(enum: type[Enum], heading: str = "code") -> str:
    """One row per member: its value and its docstring."""
    docs = attribute_docs(enum)
    lines = [_row([heading, "meaning"]), _rule(2)]
    for member in enum:
        lines.append(_row([f"`{member.value}`", _one_line(docs.get(member.name, ""))]))
    return "\n".join(lines)


def render_tables() -> dict[str, str]:
    """Marker name -> the Markdown table of that region."""
    tables = {
        name: field_table(model, defaults=model is Settings, key=key)
        for name, (model, key) in FIELD_TABLES.items()
    }
    tables.update({name: enum_table(enum) for name, enum in ENUM_TABLES.items()})
    return tables


# --- JSON Schemas ------------------------------------------------------------------------


def schema_file_name(model_name: str) -> str:
    """`TeamSummary` -> `team_summary.json`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model_name).lower() + ".json"


def _json_schemas() -> dict[str, dict[str, Any]]:
    import matcher

    return matcher.json_schemas()


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of the schema of every model `matcher.json_schemas()` lists."""
    return {
        schema_file_name(name): json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for name, schema in _json_schemas().items()
    }


def render_schema_section() -> str:
    """The table linking each exchanged model to its schema file (paths relative to docs/)."""
    lines = [
        "Every model a service exchanges with matcher has a JSON Schema",
        "(`matcher.json_schemas()`), one file per model in `docs/schemas/`:",
        "",
        _row(["model", "schema", "what it is"]),
        _rule(3),
    ]
    for name, schema in _json_schemas().items():
        path = f"schemas/{schema_file_name(name)}"
        about = _one_line(str(schema.get("description", "")), lower=False)
        lines.append(_row([name, f"[{path}]({path})", about]))
    return "\n".join(lines)


def render_regions() -> dict[str, str]:
    """Every generated region of the contract: the field tables and the schema section."""
    return {**render_tables(), "schemas": render_schema_section()}


# --- the document ------------------------------------------------------------------------

REGION = re.compile(
    r"(?P<open><!-- generated: (?P<name>[\w-]+) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<close><!-- end generated -->)",
    re.DOTALL,
)


def region_bodies(text: str) -> dict[str, str]:
    """Marker name -> the text between its markers, as it stands in `text`."""
    return {m["name"]: m["body"] for m in REGION.finditer(text)}


def rewrite(text: str, regions: Mapping[str, str]) -> str:
    """`text` with every generated region replaced; every region must have its markers."""
    present = region_bodies(text)
    missing = sorted(set(regions) - set(present))
    unknown = sorted(set(present) - set(regions))
    if missing or unknown:
        raise ValueError(
            f"generated regions missing from the document: {missing or 'none'};"
            f" unknown regions in it: {unknown or 'none'}"
        )

    def fill(match: re.Match[str]) -> str:
        return f"{match['open']}{regions[match['name']]}\n{match['close']}"

    return REGION.sub(fill, text)


def stale_regions(text: str, regions: Mapping[str, str] | None = None) -> list[str]:
    """Names of the regions whose text differs from what the models give now."""
    wanted = render_regions() if regions is None else regions
    present = region_bodies(text)
    return sorted(name for name, body in wanted.items() if present.get(name) != body + "\n")


def update_contract(path: str | Path = CONTRACT) -> bool:
    """Rewrite the generated regions of the contract at `path`; True if anything changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    updated = rewrite(text, render_regions())
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def stale_schemas(folder: str | Path = SCHEMAS) -> list[str]:
    """Schema files that are missing, differ from the models, or belong to no model."""
    folder = Path(folder)
    wanted = render_schemas()
    on_disk = {p.name for p in folder.glob("*.json")} if folder.is_dir() else set()
    differ = [
        name
        for name, text in wanted.items()
        if name not in on_disk or (folder / name).read_text(encoding="utf-8") != text
    ]
    return sorted([*differ, *(on_disk - set(wanted))])


def write_schemas(folder: str | Path = SCHEMAS) -> bool:
    """Write one JSON Schema file per exchanged model into `folder` (which holds only these)
    and remove files of models no longer exchanged; True if anything changed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = render_schemas()
    changed = False
    for stale in folder.glob("*.json"):
        if stale.name not in wanted:
            stale.unlink()
            changed = True
    for name, text in wanted.items():
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.contract_tables",
        description="Regenerate the field tables of the data contract and its JSON Schemas.",
    )
    parser.add_argument("--contract", type=Path, default=CONTRACT, help="the contract file")
    parser.add_argument("--schemas", type=Path, default=SCHEMAS, help="the schema folder")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_regions(args.contract.read_text(encoding="utf-8"))
        stale += [f"schemas/{name}" for name in stale_schemas(args.schemas)]
        if stale:
            print(f"stale: {', '.join(stale)}; run `{REGENERATE}`", file=sys.stderr)
            return 1
        print("data contract and schemas are up to date")
        return 0
    doc = update_contract(args.contract)
    schemas = write_schemas(args.schemas)
    print(f"{args.contract}: {'updated' if doc else 'unchanged'}")
    print(f"{args.schemas}: {'updated' if schemas else 'unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
