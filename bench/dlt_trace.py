"""How long each of dlt's steps took in a pipeline's last run, from the trace dlt keeps itself.

The budget bounds only the extract step, and the two connectors spend their CPU in different
steps (ours turns pages into arrow while extracting, `rest_api` normalizes dicts afterwards), so
the figures report the steps apart as well as the whole run.
"""

from __future__ import annotations

import dlt

STEPS = ("extract", "normalize", "load")


def step_seconds(pipeline: dlt.Pipeline) -> dict[str, float]:
    return {
        step.step: (step.finished_at - step.started_at).total_seconds()
        for step in pipeline.last_trace.steps
        if step.step in STEPS
    }
