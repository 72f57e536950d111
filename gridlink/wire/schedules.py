"""Wire shapes of schedules: charge schedules (vehicles, chargers) and
temperature schedules (HVAC units), whole or partial."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

HourMinute = Annotated[str, Field(pattern=r"^(((?:[01]\d|2[0-3]):[0-5]\d)|24:00)$")]
Weekday = Literal[0, 1, 2, 3, 4, 5, 6]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class HourMinuteSpan(_Strict):
    start: HourMinute = Field(alias="from")
    end: HourMinute = Field(alias="to")


class Filters(_Strict):
    hourMinute: HourMinuteSpan | None = None
    fromTimestamp: datetime | None = None
    toTimestamp: datetime | None = None
    weekdays: list[Weekday] | None = None


class ChargeRule(Filters):
    shouldCharge: bool


class CoolTarget(_Strict):
    coolSetpoint: float
    mode: Literal["COOL"]
    holdType: Literal["PERMANENT"]


class HeatTarget(_Strict):
    heatSetpoint: float
    mode: Literal["HEAT"]
    holdType: Literal["PERMANENT"]


class AutoTarget(_Strict):
    coolSetpoint: float
    heatSetpoint: float
    mode: Literal["AUTO"]
    holdType: Literal["PERMANENT"]


class OffTarget(_Strict):
    mode: Literal["OFF"]
    holdType: Literal["PERMANENT"]


class ScheduledTarget(_Strict):
    holdType: Literal["SCHEDULED"]


TargetState = CoolTarget | HeatTarget | AutoTarget | OffTarget | ScheduledTarget


class TemperatureRule(Filters):
    targetState: TargetState


class PartialChargeSchedule(_Strict):
    targetId: str | None = Field(default=None, min_length=1)
    locationId: str | None = None
    targetType: Literal["vehicle", "charger"] | None = None
    isEnabled: bool | None = None
    defaultShouldCharge: bool | None = None
    rules: list[ChargeRule] | None = None


class ChargeSchedule(PartialChargeSchedule):
    targetId: str = Field(min_length=1)
    locationId: str | None
    targetType: Literal["vehicle", "charger"]
    isEnabled: bool
    defaultShouldCharge: bool
    rules: list[ChargeRule]


class PartialTemperatureSchedule(_Strict):
    isEnabled: bool | None = None
    targetId: str | None = Field(default=None, min_length=1)
    targetType: Literal["hvac"] | None = None
    defaultTargetState: TargetState | None = None
    rules: list[TemperatureRule] | None = None


class TemperatureSchedule(PartialTemperatureSchedule):
    isEnabled: bool
    targetId: str = Field(min_length=1)
    targetType: Literal["hvac"]
    defaultTargetState: TargetState
    rules: list[TemperatureRule]


NewSchedule = TypeAdapter(
    Annotated[ChargeSchedule | TemperatureSchedule, Field(discriminator="targetType")]
)
PARTIAL: dict[str, TypeAdapter[Any]] = {
    "CHARGE": TypeAdapter(PartialChargeSchedule),
    "TEMPERATURE": TypeAdapter(PartialTemperatureSchedule),
}


def stored(model: BaseModel) -> dict[str, Any]:
    """The fields the body gave, as the API shows them (absent filters stay absent)."""
    body: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return body
