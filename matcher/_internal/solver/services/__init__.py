"""Services on a published plan: re-planning, urgent dispatch, explanations."""
