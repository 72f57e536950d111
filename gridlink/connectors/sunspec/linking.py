"""Linking a device over SunSpec: Link UI asks where the device is on the user's
network (host, port, unit id); gridlink scans it and links what it holds."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import (
    Asked,
    DeviceAtAddress,
    EnteredRejected,
    LinkedDevice,
    SignInRejected,
)
from gridlink.connectors.sunspec import brands, models
from gridlink.connectors.sunspec.device import Address, Device, Unreachable
from gridlink.connectors.sunspec.reports import asset_types, report
from gridlink.db.changes import mark_changed, user_key
from gridlink.db.tables import Asset, User, VendorConnection
from gridlink.domain import assets
from gridlink.domain.reports import apply_report

CONNECTOR = "sunspec"
# A host name: dot-separated labels of letters, digits and inner hyphens.
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


def address_of(entered: dict[str, str]) -> Address:
    """The address entered on the form; EnteredRejected saying what is wrong with it."""
    host = entered.get("host", "").removeprefix("[").removesuffix("]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if len(host) > 253 or not _HOST_NAME.fullmatch(host):
            raise EnteredRejected("sunspec_host_error") from None
    port, unit = entered.get("port", ""), entered.get("unit", "")
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise EnteredRejected("sunspec_port_error")
    if not (unit.isascii() and unit.isdigit() and 0 <= int(unit) <= 255):
        raise EnteredRejected("sunspec_unit_error")
    return Address(host, int(port), int(unit))


class NoSunSpecDevice(SignInRejected):
    """Nothing at that address speaks SunSpec, or it holds none of the asset types asked for."""


def device_ref(address: Address, asset_type: str) -> str:
    return f"{address.ref}#{asset_type}"


async def link_device(
    session: AsyncSession,
    user: User,
    vendor: str,
    wanted_types: list[str],
    scopes: list[str],
    address: Address,
    now: datetime,
) -> list[Asset]:
    """Scans the device at the address and creates the assets it holds (of the wanted
    types), each on the user's SunSpec connection for this brand and asset type."""
    device = Device(address)
    try:
        values = await device.read_models()
    except Unreachable as error:
        raise NoSunSpecDevice(str(error)) from error
    finally:
        await device.close()
    found = [t for t in asset_types(values) if t in wanted_types]
    if not found:
        raise NoSunSpecDevice(f"{address.ref} holds no {', '.join(wanted_types)}")
    common = values.get(models.COMMON, {})
    model = " ".join(str(common.get(k) or "") for k in ("Mn", "Md")).strip()
    linked: list[Asset] = []
    for asset_type in found:
        connection = await session.scalar(
            select(VendorConnection).where(
                VendorConnection.user_pk == user.pk,
                VendorConnection.vendor == vendor,
                VendorConnection.vendor_type == asset_type,
            )
        )
        if connection is None:
            connection = VendorConnection(
                client_id=user.client_id,
                user_pk=user.pk,
                vendor=vendor,
                vendor_type=asset_type,
                created_at=now,
            )
            session.add(connection)
        connection.connector = CONNECTOR
        connection.is_valid = True
        connection.scopes = [s for s in scopes if s.startswith(f"{asset_type}:")]
        await session.flush()
        ref = device_ref(address, asset_type)
        await assets.discover(
            session, connection, [LinkedDevice(asset_type, vendor, ref, model, model)], now
        )
        asset = await session.scalar(
            select(Asset).where(Asset.connection_pk == connection.pk, Asset.device_ref == ref)
        )
        assert asset is not None
        await apply_report(
            session, asset, {"isReachable": True, **report(asset_type, values, now)}, now
        )
        linked.append(asset)
    await mark_changed(session, user_key(user.client_id, user.user_id))
    return linked


class AtAddress(DeviceAtAddress):
    heading = "sunspec_heading"
    body = "sunspec_body"
    submit = "sunspec_find"
    asked = (
        Asked("host", "sunspec_host", "sunspec_host_hint"),
        Asked("port", "sunspec_port", "sunspec_port_hint", str(brands.DEFAULT_PORT), 5, True),
        Asked("unit", "sunspec_unit", "sunspec_unit_hint", str(brands.DEFAULT_UNIT), 3, True),
    )

    async def link(
        self,
        session: AsyncSession,
        user: User,
        vendor: str,
        asset_types: list[str],
        scopes: list[str],
        entered: dict[str, str],
        now: datetime,
    ) -> None:
        address = address_of(entered)
        try:
            await link_device(session, user, vendor, asset_types, scopes, address, now)
        except NoSunSpecDevice as error:
            where = {"host": address.host, "port": address.port, "unit": address.unit}
            unreachable = isinstance(error.__cause__, Unreachable)
            text = "sunspec_unreachable" if unreachable else "sunspec_missing"
            raise EnteredRejected(text, where, str(error)) from error
