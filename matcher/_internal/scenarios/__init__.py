"""What-if scenarios: files, changes, parallel runs, comparisons."""
