"""Charge points a user sets up: an id and a password to enter in the charger's
OCPP settings (Security Profile 1, HTTP Basic), and the asset that appears when
the charger first boots."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import LinkedDevice
from gridlink.db.changes import mark_changed, user_key
from gridlink.db.tables import Asset, OcppChargePoint, User, VendorConnection
from gridlink.domain import assets

CONNECTOR = "ocpp"


@dataclass(frozen=True)
class Provisioned:
    """What the user types into the charger; the password is shown this once."""

    charge_point_id: str
    password: str


def _hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


async def provision(
    session: AsyncSession, user: User, vendor: str, scopes: list[str], now: datetime
) -> Provisioned:
    """A new charge point for the user, on the user's OCPP connection for this brand."""
    connection = await session.scalar(
        select(VendorConnection).where(
            VendorConnection.user_pk == user.pk,
            VendorConnection.vendor == vendor,
            VendorConnection.vendor_type == "charger",
        )
    )
    if connection is None:
        connection = VendorConnection(
            client_id=user.client_id,
            user_pk=user.pk,
            vendor=vendor,
            vendor_type="charger",
            created_at=now,
        )
        session.add(connection)
    connection.connector = CONNECTOR
    connection.is_valid = True
    connection.scopes = [s for s in scopes if s.startswith("charger:")]
    await session.flush()
    password = secrets.token_urlsafe(24)
    point = OcppChargePoint(
        id="GL" + secrets.token_hex(6).upper(),
        client_id=user.client_id,
        connection_pk=connection.pk,
        password_hash=_hash(password),
        created_at=now,
    )
    session.add(point)
    await session.flush()
    return Provisioned(point.id, password)


async def authenticate(
    session: AsyncSession, charge_point_id: str, password: str
) -> OcppChargePoint | None:
    """The charge point, if this is its password."""
    point = await session.get(OcppChargePoint, charge_point_id)
    # Compare something even for an unknown id, so timing tells nothing.
    expected = point.password_hash if point is not None else _hash(secrets.token_hex(8))
    if not hmac.compare_digest(expected, _hash(password)):
        return None
    return point


async def asset_of(session: AsyncSession, point: OcppChargePoint) -> Asset | None:
    return await session.scalar(
        select(Asset).where(
            Asset.connection_pk == point.connection_pk, Asset.device_ref == point.id
        )
    )


async def booted(
    session: AsyncSession, point: OcppChargePoint, boot: dict[str, str | None], now: datetime
) -> Asset:
    """The charger said who it is: its asset, discovered on its first boot."""
    point.boot = boot
    point.booted_at = now
    asset = await asset_of(session, point)
    if asset is None:
        connection = point.connection
        device = LinkedDevice(
            asset_type="charger",
            vendor=connection.vendor,
            device_ref=point.id,
            model=boot.get("model") or "",
            name=point.id,
        )
        [asset] = await assets.discover(session, connection, [device], now)
        user = await session.get(User, connection.user_pk)
        assert user is not None
        await mark_changed(session, user_key(user.client_id, user.user_id))
    return asset
