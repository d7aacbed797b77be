"""The performance suite: `python -m benchmarks.run` (not part of CI; see benchmarks/README.md)."""
