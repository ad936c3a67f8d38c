"""Benchmarks: measurements of matcher on generated and published instances."""
