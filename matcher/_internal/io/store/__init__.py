"""The SQL store: the nightly job's inputs and runs, and the versioned current plan
the service changes."""
