"""Stage 2: proven upper bounds on the served priority weight."""
