"""The throwaway server the comparison relies on: loopback only, not run as root, passworded."""

import psutil
import psycopg2
import pytest

pytestmark = pytest.mark.postgres


def test_server_listens_on_loopback_as_an_unprivileged_user(postgres_server):
    with postgres_server.cursor() as cursor:
        cursor.execute("select host(inet_server_addr()), current_database(), pg_backend_pid()")
        address, database, backend_pid = cursor.fetchone()
    assert address == "127.0.0.1"
    assert database == postgres_server.database
    assert psutil.Process(backend_pid).username() != "root"


def test_server_refuses_a_wrong_password(postgres_server):
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(
            host=postgres_server.host,
            port=postgres_server.port,
            user=postgres_server.user,
            password=postgres_server.password + "-wrong",
            dbname=postgres_server.database,
        )
