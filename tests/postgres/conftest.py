"""Fixtures for the second engine: one throwaway PostgreSQL server per test session, and one
changing sandbox account built the same way on DuckDB and on PostgreSQL."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from builds import Build, new_build, write_cashback_requests
from pg_server import PostgresServer, start_server, stop_server

from piggy_sandbox import SandboxConfig, run_sandbox

# A user's warehouse need not run in UTC. Auckland is UTC+13 in November, so an event near midnight
# UTC lands on another local day: a model that takes a day or a month from the session's time zone
# instead of UTC differs from the DuckDB build (which runs in UTC) and the comparison shows it.
WAREHOUSE_TIME_ZONE = "Pacific/Auckland"
ADVANCED_DAYS = 45


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """A PostgreSQL server on 127.0.0.1, started once and stopped when the session ends."""
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)


def on_both(builds: dict[str, Build], step: Callable[[Build], object]) -> None:
    """Run one step on both engines at once: they share nothing but the sandbox, which serves
    concurrent clients, and the two CLI processes overlap their waits."""
    with ThreadPoolExecutor(max_workers=len(builds)) as pool:
        for future in [pool.submit(step, build) for build in builds.values()]:
            future.result()


@pytest.fixture(scope="session")
def engine_builds(sandbox, sandbox_data_dir, postgres_server, tmp_path_factory) -> dict[str, Build]:
    """The session account (scale 300, seed 7) loaded into both engines, then changed and loaded
    again, so the comparison covers incremental merges, scd2 versions (tier changes, deleted
    contacts) and cashback requests, not a first load only. A private copy of the account takes the
    changes; the shared session sandbox stays read-only."""
    with postgres_server.cursor() as cursor:
        cursor.execute(
            f"alter database {postgres_server.database} set timezone to '{WAREHOUSE_TIME_ZONE}'"
        )
    config = SandboxConfig(scale=sandbox.config.scale, seed=sandbox.config.seed,
                           data_dir=sandbox_data_dir)
    with run_sandbox(config) as account:
        builds = {
            "duckdb": new_build(account, tmp_path_factory.mktemp("duckdb-build")),
            "postgres": new_build(account, tmp_path_factory.mktemp("postgres-build"),
                                  postgres_server),
        }
        on_both(builds, Build.load)
        moved = account.control.advance(days=ADVANCED_DAYS)
        on_both(builds, Build.load)
    requests = builds["duckdb"].workdir / "cashback_requests.csv"
    # the moved clock runs ahead of the real one; a request dated in the future is refused
    today = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    write_cashback_requests(builds["duckdb"], requests, min(moved["now"], today.isoformat()))
    as_of = moved["now"][:10]

    def model(build: Build) -> None:
        build.cli("payouts", "load-requests", str(requests))
        build.transform(as_of)

    on_both(builds, model)
    return builds


@pytest.fixture(scope="session")
def duckdb_build(engine_builds) -> Build:
    return engine_builds["duckdb"]


@pytest.fixture(scope="session")
def postgres_build(engine_builds) -> Build:
    return engine_builds["postgres"]
