"""Wire shape of a HEM system: its site, and today's energy so far."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import HemSystem
from gridlink.domain import hem_systems
from gridlink.domain.vendors import display_name
from gridlink.wire.timestamps import iso


async def hem_system_json(session: AsyncSession, system: HemSystem, at: datetime) -> dict[str, Any]:
    devices = await hem_systems.devices_of(session, system)
    timezone = hem_systems.timezone_of(devices)
    places = [d.document.get("location") or {} for d in devices]
    place = next((p for p in places if p.get("latitude") is not None), {})
    seen = sorted(str(d.document["lastSeen"]) for d in devices if d.document.get("lastSeen"))
    last_seen = seen[-1] if seen else None
    midnight = at.astimezone(ZoneInfo(timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
    today = hem_systems.energy(
        await hem_systems.flows(session, system, midnight.astimezone(UTC), at),
        midnight.astimezone(UTC), at,
    )  # fmt: skip
    installed = [
        str(d.document.get("information", {}).get("installationDate") or "") for d in devices
    ]
    return {
        "id": system.id,
        "userId": system.user.user_id,
        "locationId": next((d.location_id for d in devices if d.location_id), None),
        "information": {
            "vendor": system.vendor,
            "name": f"{display_name(system.vendor)} home",
            "installationDate": min((i for i in installed if i), default=iso(system.created_at)),
            "latitude": place.get("latitude"),
            "longitude": place.get("longitude"),
            "address": None,
            "timezone": timezone,
            "lastUpdated": place.get("lastUpdated") or last_seen,
        },
        "status": {
            "lastSeen": last_seen,
            "energy": {
                "today": {
                    **{name: round(value, 3) for name, value in today.items()},
                    "unit": "kWh",
                    "lastUpdated": last_seen,
                }
            },
        },
    }
