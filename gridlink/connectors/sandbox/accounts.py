"""Sandbox vendor accounts: virtual assets, signed in to with their generated
username and password."""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import LinkedDevice, SignInRejected
from gridlink.connectors.sandbox import clock, engine
from gridlink.crypto import Vault
from gridlink.db.tables import Client, VirtualAsset
from gridlink.domain.catalogue import resolve_model
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.text import clean_name, has_control_characters
from gridlink.domain.vendors import ASSET_TYPES, VENDORS, display_name


def _new_username(vendor: str) -> str:
    return f"{vendor.lower()}-{secrets.token_hex(3)}@sandbox.gridlink"


async def create_virtual_asset(
    session: AsyncSession,
    vault: Vault,
    client: Client,
    asset_type: str,
    vendor: str,
    model: str | None = None,
    name: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> tuple[VirtualAsset, str]:
    """A new virtual asset with its own vendor account; returns it and its password."""
    if client.environment != "sandbox":
        raise BadRequest("Virtual assets belong to sandbox clients only.")
    if asset_type not in ASSET_TYPES:
        raise BadRequest(f"type must be one of {', '.join(ASSET_TYPES)}.")
    vendor = _canonical_vendor(asset_type, vendor)
    try:
        model_name, properties = resolve_model(asset_type, vendor, model)
    except ValueError as error:
        raise BadRequest(str(error)) from error
    password = password or secrets.token_urlsafe(9)
    asset = VirtualAsset(
        id=str(uuid.uuid4()),
        client_id=client.id,
        asset_type=asset_type,
        vendor=vendor,
        model=model_name,
        name=clean_name(name, "name") if name else f"{display_name(vendor)} {model_name}",
        username=username or _new_username(vendor),
        password_encrypted=vault.seal(password),
        properties=properties,
        created_at=datetime.now(UTC),
    )
    session.add(asset)
    await session.flush()
    return asset, password


def _canonical_vendor(asset_type: str, vendor: str) -> str:
    for known in VENDORS[asset_type]:
        if known.lower() == vendor.lower():
            return known
    raise BadRequest(
        f"{vendor!r} is not a {asset_type} brand; choose one of: {', '.join(VENDORS[asset_type])}."
    )


async def list_virtual_assets(session: AsyncSession, client_id: str) -> list[VirtualAsset]:
    return list(
        await session.scalars(
            select(VirtualAsset)
            .where(VirtualAsset.client_id == client_id)
            .order_by(VirtualAsset.created_at.desc())
        )
    )


async def get_virtual_asset(session: AsyncSession, client_id: str, asset_id: str) -> VirtualAsset:
    asset = await session.scalar(
        select(VirtualAsset).where(VirtualAsset.client_id == client_id, VirtualAsset.id == asset_id)
    )
    if asset is None:
        raise NotFound(f"No virtual asset with id {asset_id}.")
    return asset


def describe(asset: VirtualAsset, vault: Vault) -> dict[str, Any]:
    return {
        "id": asset.id,
        "clientId": asset.client_id,
        "type": asset.asset_type,
        "vendor": asset.vendor,
        "model": asset.model,
        "name": asset.name,
        "username": asset.username,
        "password": vault.open(asset.password_encrypted),
        "properties": asset.properties,
        "createdAt": asset.created_at.isoformat(),
    }


class SandboxAccounts:
    """Signs in to virtual vendor accounts of one sandbox client."""

    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def sign_in(
        self, client_id: str, vendor: str, asset_types: list[str], username: str, password: str
    ) -> list[LinkedDevice]:
        client = await self._session.get(Client, client_id)
        if client is None:
            raise SignInRejected()
        if has_control_characters(username + password):
            raise SignInRejected()
        candidates = await self._session.scalars(
            select(VirtualAsset).where(
                VirtualAsset.client_id == client_id,
                VirtualAsset.vendor == vendor,
                VirtualAsset.username == username.strip(),
                VirtualAsset.asset_type.in_(asset_types),
            )
        )
        devices = [
            LinkedDevice(asset.asset_type, asset.vendor, asset.id, asset.model, asset.name)
            for asset in candidates
            if hmac.compare_digest(
                str(self._vault.open(asset.password_encrypted)).encode(), password.encode()
            )
        ]
        if devices:
            return devices
        if client.accept_any_credentials and username.strip() and password:
            # The legacy sandbox: any credentials create a device of the brand on the fly.
            asset_type = next(t for t in asset_types if vendor in VENDORS[t])
            asset, _ = await create_virtual_asset(
                self._session, self._vault, client, asset_type, vendor,
                username=username.strip(), password=password,
            )  # fmt: skip
            return [LinkedDevice(asset.asset_type, asset.vendor, asset.id, asset.model, asset.name)]
        raise SignInRejected()

    async def now(self, client_id: str) -> datetime:
        return await clock.now(self._session, client_id)

    async def devices_linked(self, client_id: str, devices: list[LinkedDevice]) -> None:
        now = await self.now(client_id)
        for device in devices:
            va = await self._session.get(VirtualAsset, device.device_ref)
            if va is not None and va.client_id == client_id:
                await engine.start_simulating(self._session, va, now)
