"""The receiver and its worker in one process, served by uvicorn until SIGTERM or Ctrl-C.

`fd` serves on a socket a supervisor already listens on (systemd socket activation, or a test
that kills and restarts the receiver): deliveries arriving while the process restarts wait in
the socket's backlog instead of being refused.
"""

import logging
import socket
from dataclasses import dataclass

import uvicorn

from piggy_source.client import PiggyClient
from piggy_source.stats import RunStats
from pipelines.piggy_connection import PiggyConnection, client_options, token_provider
from pipelines.privacy.settings import email_column, load_privacy
from pipelines.webhooks.crm import CrmPusher
from pipelines.webhooks.errors import WebhookSetupError
from pipelines.webhooks.journal import Backoff, Journal
from pipelines.webhooks.receiver import PATH, build_app
from pipelines.webhooks.settings import load_connection, load_crm, load_webhooks
from pipelines.webhooks.worker import Worker

log = logging.getLogger("piggy_elt.webhooks")


@dataclass(frozen=True)
class Listen:
    host: str
    port: int
    fd: int | None = None


def serve(listen: Listen) -> None:
    """Resolve every setting first (a missing one stops before binding), then serve."""
    config = load_webhooks()
    secrets = config.signing_secrets()
    crm = load_crm()
    connection = load_connection()
    listening = _listening_socket(listen)
    journal = Journal(config.journal_path())
    stats = RunStats()
    client = _piggy_client(connection, stats)
    pusher = CrmPusher(str(crm.url), str(crm.api_key), email_column(load_privacy()))
    backoff = Backoff(config.push_attempts, config.backoff_seconds, config.max_backoff_seconds)
    worker = Worker(
        journal, client, pusher, backoff, config.batch_size, stats, config.retention_days * 86400
    )
    app = build_app(journal, secrets, config.max_body_bytes, worker.wake)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    host, port = listening.getsockname()[:2]
    log.info("receiving Piggy webhooks at http://%s:%s%s", host, port, PATH)
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="info"))
    worker.start()
    try:
        server.run(sockets=[listening])
    finally:
        worker.stop()
        client.close()
        pusher.close()
        journal.close()


def _listening_socket(listen: Listen) -> socket.socket:
    """Bound here, not by uvicorn, so a port in use is one line naming the flag to change."""
    try:
        if listen.fd is not None:
            return socket.socket(fileno=listen.fd)
        return socket.create_server((listen.host, listen.port), backlog=4096)
    except OSError as exc:
        where = f"fd {listen.fd}" if listen.fd is not None else f"{listen.host}:{listen.port}"
        raise WebhookSetupError(
            f"cannot listen on {where} ({exc.strerror}); pick another --port or --host"
        ) from None


def _piggy_client(connection: PiggyConnection, stats: RunStats) -> PiggyClient:
    """The source's client with the source's settings: its budget, retries and token renewal."""
    return PiggyClient(
        connection.base_url, token_provider(connection), stats, **client_options(connection)
    )
