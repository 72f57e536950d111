"""Wire shapes of Actions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridlink.db.tables import Action
from gridlink.wire.timestamps import iso


class ChargingPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["START", "STOP"]


class MaxCurrentPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    maxCurrent: float = Field(gt=0, le=1000)


class CoolHold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["COOL"]
    coolSetpoint: float


class HeatHold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["HEAT"]
    heatSetpoint: float


class AutoHold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["AUTO"]
    heatSetpoint: float
    coolSetpoint: float


class OffHold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["OFF"]


PermanentHoldPayload = Annotated[
    CoolHold | HeatHold | AutoHold | OffHold, Field(discriminator="mode")
]


class OperationModePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operationMode: Literal["IMPORT_FOCUS", "EXPORT_FOCUS", "TIME_OF_USE", "SELF_RELIANCE", "IDLE"]


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
    elif action.kind == "permanent_hold":
        body["target"] = {**action.target, "holdType": "PERMANENT"}
    elif action.kind == "follow_schedule":
        body["target"] = {"holdType": "SCHEDULED"}
    else:  # max_current, operation_mode: the target is the state asked for
        body["targetState"] = action.target
    return body
