"""What a simulated device family offers the sandbox engine.

State is a plain JSON-able dict, a function of time: `advance` moves it exactly
from one instant to another for unchanged inputs, so a jump of a day equals
many small steps. `report` says what the vendor would report about it, as
dotted paths of the asset's document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Neighbourhood:
    """What the other devices at the same place draw or give at one instant, in kW."""

    production_kw: float = 0.0  # solar, positive while producing
    ev_kw: float = 0.0  # vehicles and chargers, positive while charging
    battery_kw: float = 0.0  # home batteries, positive while charging


def _nobody(_at: datetime) -> Neighbourhood:
    return Neighbourhood()


@dataclass(frozen=True)
class Site:
    """Where a device is: the sun, the weather and the neighbours depend on it."""

    latitude: float = 59.9139
    longitude: float = 10.7522
    timezone: str = "Europe/Oslo"
    # An outdoor temperature set through a sandbox override, else the weather's.
    outdoor_c: float | None = None
    neighbours: Callable[[datetime], Neighbourhood] = field(default=_nobody, compare=False)


class Simulator(Protocol):
    def initial_state(self, properties: dict[str, Any]) -> State: ...

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        """The state at `end`, from the state at `start`, with no command between."""
        ...

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        """When the state next changes by itself (a battery reaching its limit)."""
        ...

    def is_active(self, state: State) -> bool: ...

    def report(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> Report: ...

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        """Power drawn from the site's grid connection at `at`: positive while
        consuming or charging, negative while producing or discharging."""
        ...

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        """Raises CommandRejected when the command cannot apply now."""
        ...

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State: ...

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override; KeyError when the field does not apply."""
        ...
