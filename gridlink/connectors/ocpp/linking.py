"""Linking a charger over OCPP: Link UI shows the URL, charge point id and password
to enter in the charger, and finishes when the charger has connected and booted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import DeviceConnects, Shown
from gridlink.connectors.ocpp import provisioning
from gridlink.db.tables import OcppChargePoint, User


class OverOcpp(DeviceConnects):
    heading = "ocpp_heading"
    body = "ocpp_body"
    waiting = "ocpp_waiting"

    async def prepare(
        self, session: AsyncSession, user: User, vendor: str, scopes: list[str], now: datetime
    ) -> dict[str, str]:
        provisioned = await provisioning.provision(session, user, vendor, scopes, now)
        return {"chargePointId": provisioned.charge_point_id, "password": provisioned.password}

    def shown(self, prepared: dict[str, str], public_url: str) -> list[Shown]:
        scheme, _, rest = public_url.partition("://")
        socket_scheme = "wss" if scheme == "https" else "ws"
        point_id = prepared["chargePointId"]
        return [
            Shown("ocpp-url", "ocpp_url", f"{socket_scheme}://{rest}/ocpp/{point_id}"),
            Shown("ocpp-id", "ocpp_id", point_id),
            Shown("ocpp-password", "ocpp_password", prepared["password"]),
        ]

    async def connected(self, session: AsyncSession, prepared: dict[str, str]) -> bool:
        point = await session.get(OcppChargePoint, prepared["chargePointId"])
        return point is not None and point.booted_at is not None
