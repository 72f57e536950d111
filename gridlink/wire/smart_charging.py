"""Wire shapes of smart charging: policy payload, status, plan, override."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gridlink.db.tables import Asset, SmartChargingPlan, SmartChargingStatus
from gridlink.wire.timestamps import iso

Deadline = Annotated[str, Field(pattern=r"^(((?:[01]\d|2[0-3]):[0-5]\d)|24:00)$")]


class PolicyPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    isEnabled: bool | None = None
    deadline: Deadline | None = None
    minimumChargeLimit: float | None = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if k in self.model_fields_set}


def _stamp(value: Any) -> str | None:
    return iso(value) if value is not None else None


def plan_json(asset: Asset, plan: SmartChargingPlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "vehicleId": asset.id,
        "userId": asset.user.user_id,
        "locationId": plan.location_id,
        "vendor": asset.vendor,
        "currency": plan.currency,
        "nonSmartCost": plan.non_smart_cost,
        "smartCost": plan.smart_cost,
        "stopAt": iso(plan.stop_at),
        "startAt": _stamp(plan.start_at),
        "estimatedFinishAt": iso(plan.estimated_finish_at),
        "stopConfirmedAt": _stamp(plan.stop_confirmed_at),
        "startConfirmedAt": _stamp(plan.start_confirmed_at),
        "endedAt": _stamp(plan.ended_at),
        "finalState": plan.final_state,
        "failureCondition": plan.failure_condition,
    }


def override_json(asset: Asset, status: SmartChargingStatus) -> dict[str, Any] | None:
    override = status.override
    if not override:
        return None
    return {
        "createdAt": override["createdAt"],
        "endedAt": override.get("endedAt"),
        "targetType": "vehicle",
        "targetId": asset.id,
        "vendorActionId": override.get("vendorActionId"),
    }


def status_json(
    asset: Asset, status: SmartChargingStatus, consideration: dict[str, bool]
) -> dict[str, Any]:
    # An ended plan still shows while its state does.
    plan = status.plan if status.plan is not None and status.state.startswith("PLAN:") else None
    return {
        "updatedAt": iso(status.updated_at),
        "vehicleId": asset.id,
        "userId": asset.user.user_id,
        "vendor": asset.vendor,
        "state": status.state,
        "stateChangedAt": iso(status.state_changed_at),
        "consideration": consideration,
        "plan": plan_json(asset, plan) if plan is not None else None,
        "smartOverride": override_json(asset, status),
    }
