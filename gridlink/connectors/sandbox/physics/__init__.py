"""Pure physical models for the sandbox simulator.

Every function is deterministic and side-effect free. Given a state and inputs held constant
over an interval, each model returns the state at the end in closed form (or by accurate
quadrature for solar production), so one long step equals several short ones. Units: kW, kWh,
°C, seconds, percent 0-100; timestamps are timezone-aware datetimes.
"""

from gridlink.connectors.sandbox.physics import (
    battery,
    household,
    meter,
    solar,
    thermal,
    vehicle,
    weather,
)

__all__ = ["battery", "household", "meter", "solar", "thermal", "vehicle", "weather"]
