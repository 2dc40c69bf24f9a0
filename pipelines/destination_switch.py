"""A run into another destination than the pipeline's last: said once, in the CLI's words.

dlt keeps the destination of a pipeline's last run in its state, even of a run that failed before
loading anything (a cloud destination without credentials), and on the next run logs a raw line
that the saved one "will be ignored". `run` tells the user which destination the state named and
where this run loads instead, and holds dlt's line back.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dlt
from dlt.pipeline.exceptions import CannotRestorePipelineException


def last_destination(pipeline_name: str, pipelines_dir: str | Path | None = None) -> str | None:
    """The destination the pipeline's saved state names (its last run, even a failed one). Read
    it under the run lock: while another run creates the working folder, opening it fails."""
    try:
        # dlt types pipelines_dir without None, its default
        pipeline = dlt.attach(
            pipeline_name=pipeline_name,
            pipelines_dir=str(pipelines_dir) if pipelines_dir else None,  # type: ignore[arg-type]
        )
    except CannotRestorePipelineException:
        return None
    return pipeline.destination.destination_name if pipeline.destination else None


@contextmanager
def held_back_notice() -> Iterator[None]:
    """Within: dlt's raw line about a destination differing from the saved state's is dropped."""

    def other_than_the_notice(record: logging.LogRecord) -> bool:
        return "in state differs from destination" not in record.getMessage()

    logger = logging.getLogger("dlt")
    logger.addFilter(other_than_the_notice)
    try:
        yield
    finally:
        logger.removeFilter(other_than_the_notice)
