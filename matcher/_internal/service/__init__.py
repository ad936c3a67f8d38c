"""The HTTP service: matcher for other programs, over the nightly job's database."""
