"""`python -m matcher` runs the command line."""

from matcher.cli import main

main()
