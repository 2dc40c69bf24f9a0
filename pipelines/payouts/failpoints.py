"""Named crash points for proving that a payout run survives being killed at any step.

`PIGGY_ELT_FAILPOINT=<step>` (or `<step>:<n>` for its n-th occurrence in the run) sends SIGKILL to
the process when it reaches that step: no cleanup, no `finally`, exactly like `kill -9`. Steps are
`after_intent` (intent recorded, nothing called), `after_call` (Piggy answered, nothing recorded)
and `after_result` (result recorded). Unset, it does nothing.
"""

import os
import signal
from collections import Counter

ENV_VAR = "PIGGY_ELT_FAILPOINT"
_reached: Counter[str] = Counter()


def reach(step: str) -> None:
    """Die here if the environment names this step (and this occurrence of it)."""
    wanted = os.environ.get(ENV_VAR, "")
    if not wanted:
        return
    name, _, occurrence = wanted.partition(":")
    if name != step:
        return
    _reached[step] += 1
    if _reached[step] == int(occurrence or 1):
        os.kill(os.getpid(), signal.SIGKILL)
