"""What a simulated device family offers the sandbox engine.

State is a plain JSON-able dict, a function of time: `advance` moves it exactly
from one instant to another for unchanged inputs, so a jump of a day equals
many small steps. `report` says what the vendor would report about it, as
dotted paths of the asset's document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

State = dict[str, Any]
Report = dict[str, Any]

# How often a vendor is polled, in sandbox seconds: often while something
# happens, rarely while the device rests.
ACTIVE_CADENCE = 120.0
IDLE_CADENCE = 420.0


class CommandRejected(Exception):
    """A command the device cannot carry out in its current state."""


class Simulator(Protocol):
    def initial_state(self, properties: dict[str, Any]) -> State: ...

    def advance(self, state: State, properties: dict[str, Any], seconds: float) -> State: ...

    def seconds_until_change(self, state: State, properties: dict[str, Any]) -> float | None:
        """When the state next changes by itself (a battery reaching its limit)."""
        ...

    def is_active(self, state: State) -> bool: ...

    def report(self, state: State, properties: dict[str, Any], at: datetime) -> Report: ...

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        """Raises CommandRejected when the command cannot apply now."""
        ...

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State: ...

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override; KeyError when the field does not apply."""
        ...
