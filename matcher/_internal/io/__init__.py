"""Readers and writers: files, frames and SQL databases in; batch outputs and databases out."""

from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.inputs.load import load_problem, load_settings

__all__ = ["InputError", "Issue", "load_problem", "load_settings"]
