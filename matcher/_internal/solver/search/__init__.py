"""Stage 3: large neighbourhood search with CP-SAT over small neighbourhoods."""
