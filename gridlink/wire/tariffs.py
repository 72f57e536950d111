"""Wire shapes of tariffs and of a location's tariff schedule."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from gridlink.db.tables import LocationTariff
from gridlink.domain.tariffs import ALL_WEEK, Interval

HourMinute = Annotated[str, Field(pattern=r"^(((?:[01]\d|2[0-3]):[0-5]\d)|24:00)$")]
Cost = Annotated[str, Field(pattern=r"^[+-]?(\d{1,9}([.]\d{0,9})?|[.]\d{1,9})$")]
TariffId = Annotated[str, Field(pattern=r"^[\w-]+$", max_length=36)]


class TariffRate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    cost: Cost


class TariffPayload(RootModel[list[TariffRate]]):
    def rates(self) -> list[tuple[str, str]]:
        return [(rate.name, rate.cost) for rate in self.root]


class TariffRateInterval(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str
    weekdays: list[Literal[0, 1, 2, 3, 4, 5, 6]] | None = None
    start: HourMinute = Field(alias="from")
    end: HourMinute = Field(alias="to")


class LocationTariffPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tariffId: str
    tariffIntervals: list[TariffRateInterval]

    def intervals(self) -> list[Interval]:
        return [
            Interval(i.name, list(i.weekdays) if i.weekdays else ALL_WEEK, i.start, i.end)
            for i in self.tariffIntervals
        ]


def location_schedule_json(linked: LocationTariff | None) -> list[dict[str, Any]]:
    """One entry per weekday an interval applies on, Monday first."""
    if linked is None:
        return []
    entries = [
        {"weekday": day, "fromHourMinute": interval["from"], "toHourMinute": interval["to"],
         "tariffId": linked.tariff.tariff_id, "tariffName": interval["name"]}
        for interval in linked.intervals
        for day in interval["weekdays"]
    ]  # fmt: skip
    return sorted(entries, key=lambda e: (e["weekday"], e["fromHourMinute"]))
