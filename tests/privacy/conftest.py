"""Fixtures for the erasure tests: a CRM receiver on loopback and a throwaway PostgreSQL server
(the one `scripts/postgres-server.sh` starts for tests/postgres)."""

from collections.abc import Iterator

import pytest
from erase_workspace import CrmReceiver
from pg_server import PostgresServer, start_server, stop_server


@pytest.fixture(scope="module")
def crm() -> Iterator[CrmReceiver]:
    receiver = CrmReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="session")
def privacy_postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the erasure tests on the second engine."""
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)
