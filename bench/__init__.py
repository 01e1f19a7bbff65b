"""Benchmarks (run by the commands in README.md, not by the test suite)."""
