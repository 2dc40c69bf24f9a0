"""Benchmarks of piggy-elt against the local Piggy sandbox: `python -m bench [--quick]`.

Benchmarks are not tests: nothing here is timed inside `make test`. Every figure is a ratio or a
measure taken within one run, against sandboxes started for that run, so it holds on a noisy
machine.
"""
