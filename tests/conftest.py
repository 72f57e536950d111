"""Shared fixtures: real gridlink servers on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator

import pytest

from tests.support.postgres import PostgresCluster
from tests.support.server import Credentials, Server, new_data_dir

BACKENDS = [
    b for b in os.environ.get("GRIDLINK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b
]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


def start_server(
    request: pytest.FixtureRequest, backend: str, env: dict[str, str] | None = None
) -> Server:
    data_dir = new_data_dir()
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'gridlink.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        url = cluster.create_database(f"gridlink_{secrets.token_hex(4)}")
    server = Server(
        backend=backend,
        database_url=url,
        data_dir=data_dir,
        secret_key=secrets.token_urlsafe(32),
        admin_password="admin-" + secrets.token_hex(4),
        extra_env=env or {},
    )
    server.start()
    return server


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """A running gridlink, once per database backend, shared by the session."""
    running = start_server(request, request.param)
    yield running
    running.stop()
    shutil.rmtree(running.data_dir, ignore_errors=True)


@pytest.fixture
def client(server: Server) -> Credentials:
    """A fresh sandbox client, so tests never see each other's data."""
    return server.new_client()
