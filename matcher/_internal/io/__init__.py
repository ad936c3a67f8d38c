"""Readers and writers: files, frames and (later) databases in; batch outputs out."""

from matcher._internal.io.errors import InputError, Issue
from matcher._internal.io.load import load_problem, load_settings

__all__ = ["InputError", "Issue", "load_problem", "load_settings"]
