"""`matcher` (the script) and `python -m matcher`: handle signals before anything heavy is
imported, so Ctrl-C at any moment ends with one line, never a traceback."""

from __future__ import annotations

import sys

from matcher._internal import interrupts


def main() -> None:
    interrupts.install()
    try:
        from matcher.cli import main as run_command
    except interrupts.Interrupted as exc:
        interrupts.report(exc, "stopped; no output was changed", sys.argv[1:])
        interrupts.ignore_from_now()
        sys.exit(exc.exit_code)
    run_command()


if __name__ == "__main__":
    main()
