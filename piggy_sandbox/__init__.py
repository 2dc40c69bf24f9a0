"""A local Piggy API v3: a deterministic account of any size, served over HTTP on loopback.

`run_sandbox(scale=..., seed=...)` serves one from a background thread; `piggy-elt sandbox serve`
from the command line. It shares no code with `piggy_source`: both are written from the contract.
"""

from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.control import SandboxControl, SandboxControlError
from piggy_sandbox.routing import API_ROOT
from piggy_sandbox.runner import Sandbox, run_sandbox

__all__ = ["API_ROOT", "Sandbox", "SandboxConfig", "SandboxControl", "SandboxControlError",
           "run_sandbox"]
