"""Logging set-up for the command line: plain lines for people, JSON lines for collectors.

The library itself only logs through `logging.getLogger(__name__)` and never configures
handlers; this module is used by the command line alone.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonLines(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


_json_lines = False


def json_lines_enabled() -> bool:
    """Whether the command line was asked for JSON lines (--log-json)."""
    return _json_lines


def write_json_line(level: str, message: str) -> None:
    """One JSON line on stderr whatever the log level: errors and the final result line of
    a command must reach a collector even when progress logs are off."""
    record = logging.LogRecord("matcher.cli", logging.getLevelName(level.upper()), "", 0,
                               message, None, None)  # fmt: skip
    sys.stderr.write(JsonLines().format(record) + "\n")
    sys.stderr.flush()


def configure(verbose: bool, json_lines: bool) -> None:
    global _json_lines
    _json_lines = json_lines
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    # A Python warning is printed as two plain lines: under --log-json it becomes a JSON
    # line of the logger "py.warnings" instead, so a collector can parse every line.
    logging.captureWarnings(json_lines)
