"""`user:schedule:execution-updated`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Schedule
from gridlink.events.outbox import emit

SCHEDULE_EXECUTION_UPDATED = "user:schedule:execution-updated"


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return {"id": schedule.id, **schedule.body}


async def execution_updated(
    session: AsyncSession,
    schedule: Schedule,
    status: dict[str, Any],
    updated_fields: list[str],
    at: datetime,
) -> None:
    def body() -> dict[str, Any]:
        return {"status": status, "schedule": schedule_json(schedule),
                "updatedFields": updated_fields}  # fmt: skip

    user_id = schedule.asset.user.user_id
    await emit(session, schedule.client_id, SCHEDULE_EXECUTION_UPDATED, at, body, user_id)
