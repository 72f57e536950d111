"""The conformance suite runs on one real server (SQLite): it is about the API's
shape, which the rest of the suite already checks on both databases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import start_server
from tests.support.conformance import COVERAGE, OUTCOMES, spec_client
from tests.support.server import Credentials, Server
from tests.support.spec import spec

HERE = Path(__file__).parent
COVERAGE_MODULE = "test_coverage.py"


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """Overrides the session's two-backend server here: one SQLite server."""
    running = start_server(request, "sqlite")
    yield running
    running.stop()
    shutil.rmtree(running.data_dir, ignore_errors=True)


@pytest.fixture
def api(server: Server, client: Credentials) -> Iterator[httpx.Client]:
    """The client's token; every answer is checked against the spec and recorded."""
    spec()  # skips, with the reason, where the spec is absent
    with spec_client(server.url, server.token(client)) as http:
        yield http


@pytest.fixture
def anonymous(server: Server) -> Iterator[httpx.Client]:
    spec()
    with spec_client(server.url, None) as http:
        yield http


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The coverage check runs after every scenario, wherever it is collected."""
    items.sort(key=lambda item: item.path == HERE / COVERAGE_MODULE)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid.startswith("tests/conformance/") and (
        report.when == "call" or report.outcome != "passed"
    ):
        OUTCOMES.setdefault(report.nodeid, report.outcome)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COVERAGE.seen:
        return
    from tests.conformance.table import render_plain

    terminalreporter.section("Enode API conformance: operations x statuses")
    terminalreporter.write(render_plain(COVERAGE))
