"""After every scenario (conftest.py runs this module last): each operation of
the spec is covered, and README.md's "Compatibility" table is the one this
run generates. With GRIDLINK_WRITE_README=1 (`python -m
tests.conformance.table`), the table is written instead of compared."""

from __future__ import annotations

import inspect
import os
from importlib import import_module
from pathlib import Path

import pytest

from tests.conformance.conftest import COVERAGE_MODULE, HERE
from tests.conformance.table import README, WRITE_README, problems, render_markdown, with_section
from tests.support.conformance import COVERAGE, OUTCOMES
from tests.support.spec import spec

# The SDK's tests, whose findings the README section states too, and those
# of every other module here but two: what the spec table is made of.
SDK = ("test_sdk",)
SCENARIOS = tuple(
    sorted(
        path.stem
        for path in HERE.glob("test_*.py")
        if path.stem not in {*SDK, "test_checker", Path(COVERAGE_MODULE).stem}
    )
)


def scenario_ids(modules: tuple[str, ...]) -> set[str]:
    found = set()
    for name in modules:
        module = import_module(f"tests.conformance.{name}")
        for function, value in vars(module).items():
            own = inspect.isfunction(value) and value.__module__ == module.__name__
            if function.startswith("test_") and own:
                found.add(f"tests/conformance/{name}.py::{function}")
    return found


def require(modules: tuple[str, ...]) -> None:
    """Skips unless every test of `modules` ran in this session; fails unless
    they all passed (what they recorded would be incomplete)."""
    spec()
    assert (HERE / COVERAGE_MODULE).exists()
    expected = scenario_ids(modules)
    ran = {node.split("[")[0]: outcome for node, outcome in OUTCOMES.items()}
    missing = sorted(expected - set(ran))
    if missing:
        pytest.skip(f"needs the whole conformance suite; not run: {missing}")
    failed = sorted(node for node in expected if ran[node] != "passed")
    assert not failed, f"did not pass, so what they cover is incomplete: {failed}"


def test_scenarios_cover_every_operation() -> None:
    require(SCENARIOS)
    found = problems(COVERAGE)
    assert not found, "operations not covered:\n" + "\n".join(found)


def test_readme_table_is_current() -> None:
    require(SCENARIOS + SDK)
    assert not problems(COVERAGE)
    current = README.read_text()
    generated = with_section(current, render_markdown(COVERAGE))
    if os.environ.get(WRITE_README) == "1":
        README.write_text(generated)
        return
    assert current == generated, (
        "README.md's Compatibility section is stale: "
        "run `.venv/bin/python -m tests.conformance.table`"
    )
