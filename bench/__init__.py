"""Benchmarks and data generators, outside the test suite (see bench/README.md)."""
