"""The documentation: the contract's generated tables match the models (written by the build
tool `tools/contract_tables.py`), every field is described, docs/ and README.md point at
nothing outside the repository, and every link to a section finds its heading."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tools` is a folder of build tools beside `matcher`
    sys.path.insert(0, str(ROOT))

from tools import contract_tables as ct  # noqa: E402

CONTRACT = ROOT / "docs" / "DATA_CONTRACT.md"
HINT = f"run `{ct.REGENERATE}` from the repository root and commit the result"


def _doc_files() -> list[Path]:
    return sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def test_generated_regions_are_up_to_date() -> None:
    stale = ct.stale_regions(CONTRACT.read_text(encoding="utf-8"))
    assert not stale, f"docs/DATA_CONTRACT.md: regions {stale} differ from the models; {HINT}"


def test_schema_files_are_up_to_date() -> None:
    stale = ct.stale_schemas(ROOT / "docs" / "schemas")
    assert not stale, f"docs/schemas/: {stale} missing or out of date; {HINT}"


@pytest.mark.parametrize("model", ct.CONTRACT_MODELS, ids=lambda m: m.__name__)
def test_every_field_is_in_the_contract(model: type[BaseModel]) -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    missing = [
        name
        for name in model.model_fields
        if not re.search(rf"^\| {re.escape(name)} \|", text, flags=re.MULTILINE)
    ]
    assert not missing, f"docs/DATA_CONTRACT.md has no row for {model.__name__}.{missing}; {HINT}"


def test_every_generated_field_has_a_meaning() -> None:
    blank = [
        f"{model.__name__}.{name}"
        for model, _ in ct.FIELD_TABLES.values()
        for name in model.model_fields
        if not ct.field_meaning(model, name)
    ]
    assert not blank, (
        f"fields without a meaning: {blank}; give each a docstring in its model, or an entry"
        " in MEANINGS in tools/contract_tables.py"
    )


def test_rewrite_touches_only_the_generated_regions() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    regions = {name: f"(table {name})" for name in ct.render_regions()}
    rewritten = ct.rewrite(text, regions)
    assert ct.region_bodies(rewritten) == {name: body + "\n" for name, body in regions.items()}
    assert ct.REGION.sub("", rewritten) == ct.REGION.sub("", text)
    assert ct.rewrite(rewritten, ct.render_regions()) == text


def test_rewrite_refuses_a_document_without_every_marker() -> None:
    with pytest.raises(ValueError, match="missing"):
        ct.rewrite("# no markers\n", {"volunteers": "| column |"})


def test_update_contract_reports_whether_it_changed(tmp_path: Path) -> None:
    copy = tmp_path / "DATA_CONTRACT.md"
    copy.write_text(CONTRACT.read_text(encoding="utf-8"), encoding="utf-8")
    assert ct.update_contract(copy) is False
    text = copy.read_text(encoding="utf-8").replace("| volunteer_id |", "| vid |")
    copy.write_text(text, encoding="utf-8")
    assert ct.update_contract(copy) is True
    assert copy.read_text(encoding="utf-8") == CONTRACT.read_text(encoding="utf-8")


def test_readable_types() -> None:
    tables = ct.render_tables()
    assert "| availability | list[interval] | yes |" in tables["volunteers"]
    assert "| priority | int 1..5 | no (3) |" in tables["requests"]
    assert "| earliest_start | datetime | yes |" in tables["requests"]
    assert "| deterministic | bool | `false` |" in tables["settings"]


# A workstation's own paths; deployment examples (/srv/..., /etc/...) are not references.
OUTSIDE = re.compile(
    r"\.\./shared|file://|(?<![\w.:/-])/(?:home|Users|work|root|mnt|tmp)/|\b[A-Za-z]:\\"
)
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<img [^>]*src=\"([^\"]+)\"")
PARENT = re.compile(r"(?<![\w.])(?:\.\./)+[\w.\-/]*")


def _outside_repository(source: Path, target: str) -> bool:
    resolved = (source.parent / target.split("#", 1)[0]).resolve()
    return not resolved.is_relative_to(ROOT)


@pytest.mark.parametrize("path", _doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_refer_to_nothing_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for m in OUTSIDE.finditer(text)]
    for match in LINK.finditer(text):
        target = match.group(1) or match.group(2)
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address or an anchor on the same page
        relative = target.split("#", 1)[0]
        if _outside_repository(path, relative) or not (path.parent / relative).exists():
            found.append(target)
    found += [m.group(0) for m in PARENT.finditer(text) if _outside_repository(path, m.group(0))]
    assert not found, f"{path.relative_to(ROOT)} points outside the repository: {found}"


def _heading_anchors(page: Path) -> set[str]:
    """The anchors a page's headings get, as GitHub makes them: lower case, punctuation but
    hyphens dropped, spaces to hyphens; lines inside code fences are not headings."""
    anchors: set[str] = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            title = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower())
            anchors.add(title.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("path", _doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_links_to_sections_name_a_heading_of_the_page(path: Path) -> None:
    """Sections move between README.md and docs/: a link into a page must still find its
    heading there."""
    broken = []
    for match in LINK.finditer(path.read_text(encoding="utf-8")):
        target = match.group(1) or match.group(2)
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or "#" not in target:
            continue
        file, anchor = target.split("#", 1)
        page = (path.parent / file).resolve() if file else path
        if page.suffix == ".md" and page.exists() and anchor not in _heading_anchors(page):
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)} links to sections that do not exist: {broken}"
