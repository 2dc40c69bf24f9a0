"""Start and stop the throwaway PostgreSQL server of `scripts/postgres-server.sh` from Python.

The script does the work (install when missing, a cluster owned by an unprivileged user, a free
loopback port); this module only reads back the connection settings it wrote, so tests and the
script agree on one way to bring the server up.
"""

import dataclasses
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_SCRIPT = REPO_ROOT / "scripts" / "postgres-server.sh"


@dataclass(frozen=True)
class PostgresServer:
    """Where the throwaway server listens and how to log in to it."""

    state_dir: Path
    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def dlt_credentials(self) -> str:
        """The connection string dlt reads from DESTINATION__POSTGRES__CREDENTIALS."""
        return (
            f"postgresql://{quote(self.user)}:{quote(self.password)}"
            f"@{self.host}:{self.port}/{quote(self.database)}"
        )

    @property
    def profile_env(self) -> dict[str, str]:
        """The variables the `postgres` target of dbt_project/profiles.yml reads."""
        return {
            "PIGGY_POSTGRES_HOST": self.host,
            "PIGGY_POSTGRES_PORT": str(self.port),
            "PIGGY_POSTGRES_USER": self.user,
            "PIGGY_POSTGRES_PASSWORD": self.password,
            "PIGGY_POSTGRES_DATABASE": self.database,
        }

    def new_database(self) -> "PostgresServer":
        """The same server, logged in to a database of its own made for the caller.

        dlt keeps a pipeline's state in the warehouse and restores it into an empty working
        folder, and the exports keep theirs there too: two workspaces loading one database would
        each see the other's cursors and exported members. A database apiece keeps them apart.
        """
        name = f"workspace_{secrets.token_hex(6)}"
        with self.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        return dataclasses.replace(self, database=name)

    @contextmanager
    def cursor(self) -> Iterator:
        """A cursor on a fresh autocommit connection, closed on exit; sessions read in UTC."""
        import psycopg2

        with closing(
            psycopg2.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                password=self.password,
                dbname=self.database,
                options="-c TimeZone=UTC",
            )
        ) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                yield cursor


def _read_settings(env_file: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def start_server() -> PostgresServer:
    """Start a new cluster in a fresh directory under the system temp dir.

    The directory sits directly in /tmp because the unprivileged server owner must be able to enter
    it; pytest's own tmp_path lives under a root-only directory.
    """
    state_dir = Path(tempfile.mkdtemp(prefix="piggy-postgres-"))
    completed = subprocess.run(
        ["bash", str(SERVER_SCRIPT), "start", str(state_dir)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        shutil.rmtree(state_dir, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {completed.stderr.strip()}")
    settings = _read_settings(state_dir / "connection.env")
    return PostgresServer(
        state_dir=state_dir,
        host=settings["PIGGY_POSTGRES_HOST"],
        port=int(settings["PIGGY_POSTGRES_PORT"]),
        user=settings["PIGGY_POSTGRES_USER"],
        password=settings["PIGGY_POSTGRES_PASSWORD"],
        database=settings["PIGGY_POSTGRES_DATABASE"],
    )


def stop_server(server: PostgresServer) -> None:
    """Stop the server and remove its directory; safe to call on a server that already stopped."""
    subprocess.run(
        ["bash", str(SERVER_SCRIPT), "stop", str(server.state_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
