"""Sandbox controls for people and CI: the clock and device overrides.
Not part of Enode's API; listed under the "Sandbox" tag."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from gridlink.api.responses import json_response
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep
from gridlink.connectors.sandbox import clock
from gridlink.context import context_of
from gridlink.domain.errors import BadRequest
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.timestamps import iso

router = APIRouter(prefix="/sandbox", tags=["Sandbox"])


class ClockAdvance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seconds: float = Field(ge=0, le=clock.MAX_ADVANCE_SECONDS)


class ClockSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speed: float = Field(gt=0, le=clock.MAX_SPEED)


class AssetOverrides(BaseModel):
    model_config = ConfigDict(extra="forbid")

    isPluggedIn: bool | None = None
    # A charger: plug in one of its user's linked vehicles by asset id (null unplugs).
    pluggedInVehicleId: str | None = None
    isDriving: bool | None = None
    batteryLevel: float | None = Field(default=None, ge=0, le=100)
    chargeLimit: float | None = Field(default=None, ge=1, le=100)
    outdoorTemperature: float | None = Field(default=None, ge=-60, le=60)
    isReachable: bool | None = None
    credentialsValid: bool | None = None
    failNextCommand: bool | None = None
    # A capability to switch off (with an intervention) or back on, e.g. "startCharging".
    disableCapability: str | None = None
    enableCapability: str | None = None


def _sandbox_only(caller: Caller) -> None:
    if caller.environment != "sandbox":
        raise BadRequest("Sandbox controls are for sandbox clients only.")


@router.get(
    "/clock",
    summary="Read the sandbox clock",
    operation_id="getSandboxClock",
    responses=answers(models.SandboxClock),
)
async def read_clock(request: Request, caller: CallerDep) -> Response:
    _sandbox_only(caller)
    async with context_of(request).db.session() as session:
        now = await clock.now(session, caller.client_id)
    return json_response({"now": iso(now)}, caller.default_api_version)


@router.post(
    "/clock/advance",
    summary="Move the sandbox clock forward",
    operation_id="advanceSandboxClock",
    responses=answers(models.SandboxClock),
)
async def advance_clock(request: Request, caller: CallerDep, payload: ClockAdvance) -> Response:
    """Moves this client's clock forward and runs everything that happens in
    between, in order, before answering."""
    _sandbox_only(caller)
    context = context_of(request)
    async with context.db.session() as session:
        moment = await clock.advance(session, caller.client_id, payload.seconds)
    await context.engine.run_until(caller.client_id, moment)
    return json_response({"now": iso(moment)}, caller.default_api_version)


@router.patch(
    "/clock",
    summary="Set how fast the sandbox clock runs",
    operation_id="setSandboxClockSpeed",
    responses=answers(models.SandboxClockSpeed),
)
async def set_clock(request: Request, caller: CallerDep, payload: ClockSettings) -> Response:
    _sandbox_only(caller)
    async with context_of(request).db.session() as session:
        now = await clock.set_speed(session, caller.client_id, payload.speed)
    return json_response({"now": iso(now), "speed": payload.speed}, caller.default_api_version)


@router.patch(
    "/assets/{assetId}",
    summary="Override a sandbox asset's state",
    operation_id="overrideSandboxAsset",
    responses=answers(models.SandboxOverrideResult, 404),
)
async def override_asset(
    request: Request,
    caller: CallerDep,
    assetId: str,
    payload: AssetOverrides,  # noqa: N803
) -> Response:
    """Changes take effect and are reported at once."""
    _sandbox_only(caller)
    changes: dict[str, Any] = payload.model_dump(exclude_unset=True)
    if not changes:
        raise BadRequest("Name at least one field to override.")
    result = await context_of(request).engine.override(caller.client_id, assetId, changes)
    return json_response(result, caller.default_api_version)
