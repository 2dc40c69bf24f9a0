"""piggy-elt on Dagster: one job that runs `piggy-elt sync`, on an hourly schedule.

Dagster and piggy-elt live in separate virtualenvs (their dependencies need not agree): the job
starts the `piggy-elt` executable named by PIGGY_ELT_BIN in the folder PIGGY_ELT_HOME, where
`.dlt/` holds the settings. Secrets reach it as environment variables (SOURCES__PIGGY__API_KEY,
DESTINATION__...) set on the Dagster deployment, never in this file. Load it with
`dagster definitions validate -f deploy/dagster/definitions.py`.
"""

import os
import subprocess

import dagster as dg

REFUSED = 4
"""piggy-elt's exit code when another sync still holds the lock: skip, do not fail."""


@dg.op
def piggy_elt_sync(context: dg.OpExecutionContext) -> None:
    """Run the whole job; a failure carries piggy-elt's own one-line reason and exit code."""
    command = [os.environ.get("PIGGY_ELT_BIN", "piggy-elt"), "sync"]
    home = os.environ.get("PIGGY_ELT_HOME", ".")
    done = subprocess.run(command, cwd=home, capture_output=True, text=True, check=False)
    context.log.info(done.stderr[-4000:])
    if done.returncode == REFUSED:
        context.log.warning("another piggy-elt sync holds the lock; skipped")
    elif done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise dg.Failure(
            description=f"piggy-elt sync exited {done.returncode}: {reason}",
            metadata={"exit_code": done.returncode},
        )


@dg.job
def piggy_elt_sync_job() -> None:
    piggy_elt_sync()


defs = dg.Definitions(
    jobs=[piggy_elt_sync_job],
    schedules=[dg.ScheduleDefinition(job=piggy_elt_sync_job, cron_schedule="17 * * * *")],
)
