"""Build tools of the repository, run from its root (`python -m tools.<name>`).

They are not part of the installed `matcher` package, and nothing in it imports them.
"""
