"""The OCPP endpoint: ws://HOST/ocpp/{chargePointId} (wss behind a TLS proxy),
Security Profile 1: HTTP Basic with the charge point's id and password. A charger
speaks OCPP 2.0.1 or 1.6J there, whichever it offers: the URL, id and password
are the same."""

from __future__ import annotations

import base64
import binascii
import contextlib
from typing import TYPE_CHECKING

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from gridlink.connectors.ocpp import provisioning, v16, v201
from gridlink.connectors.ocpp.station import Speaks
from gridlink.db.engine import Database
from gridlink.db.tables import OcppChargePoint

if TYPE_CHECKING:
    from gridlink.connectors.ocpp.central import OcppConnector

# The subprotocols gridlink speaks, the one it prefers first.
SUBPROTOCOLS: dict[str, Speaks] = {"ocpp2.0.1": v201.Session, "ocpp1.6": v16.Session}
# Policy violation: the close code that refuses a handshake (HTTP 403).
REFUSED = 1008


class _Socket:
    """A Starlette WebSocket as the `ocpp` library's connection."""

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket

    async def recv(self) -> str:
        return await self._websocket.receive_text()

    async def send(self, message: str) -> None:
        await self._websocket.send_text(message)


def _basic(websocket: WebSocket) -> tuple[str, str] | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if sep else None


async def _authenticated(
    db: Database, websocket: WebSocket, charge_point_id: str
) -> OcppChargePoint | None:
    sent = _basic(websocket)
    if sent is None or sent[0] != charge_point_id:
        return None
    async with db.session() as session:
        return await provisioning.authenticate(session, charge_point_id, sent[1])


def chosen(offered: list[str]) -> str | None:
    """The subprotocol to speak with a charger offering these, if gridlink speaks one."""
    return next((subprotocol for subprotocol in SUBPROTOCOLS if subprotocol in offered), None)


def router(central: OcppConnector) -> APIRouter:
    """The endpoint chargers connect to, served by this central system."""
    routes = APIRouter(include_in_schema=False)

    @routes.websocket("/ocpp/{charge_point_id}")
    async def charge_point(websocket: WebSocket, charge_point_id: str) -> None:
        subprotocol = chosen(websocket.scope.get("subprotocols", []))
        if subprotocol is None:
            await websocket.close(REFUSED)
            return
        point = await _authenticated(central.db, websocket, charge_point_id)
        if point is None:
            await websocket.close(REFUSED)
            return
        await websocket.accept(subprotocol=subprotocol)
        with contextlib.suppress(WebSocketDisconnect):
            await central.serve(point, _Socket(websocket), SUBPROTOCOLS[subprotocol])

    return routes
