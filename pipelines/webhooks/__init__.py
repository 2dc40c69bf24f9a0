"""Real-time CRM sync: Piggy's signed webhooks in, current loyalty profiles out within seconds.

`receiver` verifies and journals each delivery before answering 2xx; `worker`, in the same process,
refetches the contacts events name and pushes their profiles to the exports' CRM target. The
journal (`journal`) is the only state: it survives kill -9 and says what is pending or dead.
"""
