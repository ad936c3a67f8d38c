"""Outputs: the contract's batch files, files for people (itineraries, team sheets, maps), and
the output folder that holds them, written so nothing a user owns is lost."""
