"""Wire shapes of Actions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridlink.db.tables import Action
from gridlink.wire.timestamps import iso


class ChargingPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["START", "STOP"]


class MaxCurrentPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    maxCurrent: float = Field(gt=0, le=1000)


def action_json(action: Action) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": action.id,
        "userId": action.asset.user.user_id,
        "createdAt": iso(action.created_at),
        "updatedAt": iso(action.updated_at),
        "completedAt": iso(action.completed_at) if action.completed_at else None,
        "state": action.state,
        "targetId": action.asset.id,
        "targetType": action.asset.asset_type,
        "failureReason": action.failure_reason,
    }
    if action.kind == "charging":
        body["kind"] = action.target["action"]
    elif action.kind == "max_current":
        body["targetState"] = {"maxCurrent": action.target["maxCurrent"]}
    else:
        body["targetState"] = action.target
    return body
