"""Docstrings of class attributes, read from the source.

Python keeps no docstring written under an attribute (``x: int = 0`` then a string), yet
that is where this project documents each field and each reason code, once. The contract's
tables (the build tool `tools/contract_tables.py`) and the people's pages (a reason's sentence
on a team sheet) both read them from here, so the words are written in one place.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap


def attribute_docs(cls: type) -> dict[str, str]:
    """Docstrings written under class attributes (``x: int = 0`` then ``\"\"\"...\"\"\"``),
    including inherited ones; a subclass's own docstring wins."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__ in ("builtins", "enum") or klass.__module__.startswith("pydantic"):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        tree = ast.parse(source)
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for statement, following in itertools.pairwise(body):
            name = _assigned_name(statement)
            if name is None or not isinstance(following, ast.Expr):
                continue
            value = following.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found[name] = value.value
    return found


def _assigned_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.targets[0].id
    return None
