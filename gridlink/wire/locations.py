"""Wire shapes of Locations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from gridlink.db.tables import Location
from gridlink.domain.locations import LocationFields
from gridlink.wire.timestamps import iso


class PartialLocation(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)

    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    timezoneName: str | None = None

    def fields(self) -> LocationFields:
        return LocationFields(self.name, self.latitude, self.longitude, self.timezoneName)


class LocationPayload(PartialLocation):
    name: str
    latitude: float
    longitude: float
    # Required by the spec, but it also names UTC as the default: accept both.
    timezoneName: str | None = "UTC"


def location_json(location: Location) -> dict[str, Any]:
    return {
        "id": location.id,
        "userId": location.user.user_id,
        "name": location.name,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "timezoneName": location.timezone_name,
        "createdAt": iso(location.created_at),
    }
