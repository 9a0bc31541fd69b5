"""Benchmarks of the gateway (``python -m bench``); see docs/benchmarks.md."""
