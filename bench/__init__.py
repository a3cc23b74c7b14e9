"""Benchmarks: `nox -s bench` (or `python -m bench [name ...]`). They print ratios measured side by
side in one run and never assert a time: these machines are small and shared."""
