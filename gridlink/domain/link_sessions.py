"""Link sessions: the single-use, 24-hour journey in which a user links a vendor
account. The steps live here; the pages that show them live in gridlink.link."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import SignInRejected, VendorAccounts
from gridlink.crypto import Vault
from gridlink.db.changes import mark_changed, user_key
from gridlink.db.tables import Asset, Client, LinkSession, User, VendorConnection
from gridlink.domain import assets
from gridlink.domain.errors import BadRequest
from gridlink.domain.vendors import (
    ALL_VENDORS,
    vendor_types_from_scopes,
    vendors_for,
)

LIFETIME: Final = timedelta(hours=24)
CODE_LENGTH: Final = 6

# The steps, in order. "done" and "cancelled" end the session.
INTRO, BRAND, REVIEW, SIGN_IN, CODE, SUCCESS, DONE, CANCELLED = (
    "intro", "brand", "review", "signin", "code", "success", "done", "cancelled",
)  # fmt: skip
# Instead of signing in and a code: a device set up to connect to gridlink itself (OCPP).
CONNECT_DEVICE = "connect"
# Instead of signing in and a code: where a device gridlink reads itself is (SunSpec).
ASK_ADDRESS = "address"


@dataclass(frozen=True)
class LinkRequest:
    scopes: list[str]
    language: str
    redirect_uri: str
    vendor_type: str | None = None
    vendor: str | None = None
    color_scheme: str = "system"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link_session(
    session: AsyncSession, client: Client, user: User, request: LinkRequest
) -> tuple[LinkSession, str]:
    """The session and its secret token (only its hash is stored)."""
    if request.vendor_type is not None:
        types = [request.vendor_type]
        if f"{request.vendor_type}:read:data" not in request.scopes:
            raise BadRequest(
                f"Linking a {request.vendor_type} needs the {request.vendor_type}:read:data scope."
            )
    else:
        types = vendor_types_from_scopes(request.scopes)
        if not types:
            raise BadRequest(
                "The scopes name no asset type to link: add at least one <type>:read:data scope."
            )
    if request.vendor is not None and request.vendor not in vendors_for(types):
        raise BadRequest(
            f"{request.vendor} makes no {' or '.join(types)}; "
            f"choose a vendor of the requested asset types."
        )
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    link = LinkSession(
        id=str(uuid.uuid4()),
        token_hash=_hash_token(token),
        client_id=client.id,
        user_pk=user.pk,
        vendor_types=types,
        vendor=request.vendor,
        scopes=list(dict.fromkeys(request.scopes)),
        language=request.language,
        redirect_uri=request.redirect_uri,
        color_scheme=request.color_scheme,
        step=INTRO,
        chosen_vendor=request.vendor,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(link)
    await session.flush()
    return link, token


async def find_by_token(session: AsyncSession, token: str) -> LinkSession | None:
    if not token or len(token) > 100:
        return None
    return await session.scalar(
        select(LinkSession).where(LinkSession.token_hash == _hash_token(token))
    )


def is_expired(link: LinkSession, now: datetime | None = None) -> bool:
    expires_at = link.expires_at
    if expires_at.tzinfo is None:  # SQLite hands back naive UTC
        expires_at = expires_at.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) >= expires_at


def is_finished(link: LinkSession) -> bool:
    return link.step in (DONE, CANCELLED)


def brands(link: LinkSession) -> list[str]:
    return vendors_for(link.vendor_types)


def start(link: LinkSession) -> None:
    link.step = REVIEW if link.chosen_vendor else BRAND


def choose_brand(link: LinkSession, vendor: str) -> None:
    if vendor not in ALL_VENDORS or vendor not in brands(link):
        raise BadRequest("Choose one of the listed brands.")
    link.chosen_vendor = vendor
    link.step = REVIEW


def back_to_brands(link: LinkSession) -> None:
    if link.vendor is None:
        link.chosen_vendor = None
        link.step = BRAND


def accept_review(
    link: LinkSession, device_connects: bool = False, device_at_address: bool = False
) -> None:
    """On to signing in with the vendor; for a device that connects to gridlink itself,
    to the values to enter in the device; for a device gridlink reads on the user's
    network, to the form asking where it is."""
    if device_connects:
        link.step = CONNECT_DEVICE
    elif device_at_address:
        link.step = ASK_ADDRESS
    else:
        link.step = SIGN_IN


def device_connected(link: LinkSession) -> None:
    """The device set up in the CONNECT_DEVICE step has connected, or the one at the
    address given in the ASK_ADDRESS step has been found: linked."""
    link.pending_credentials = None
    link.step = SUCCESS


async def sign_in(
    link: LinkSession, accounts: VendorAccounts, vault: Vault, username: str, password: str
) -> None:
    """Checks the credentials with the vendor; keeps them sealed until the code step."""
    if not username.strip() or not password:
        raise SignInRejected()
    assert link.chosen_vendor is not None
    await accounts.sign_in(
        link.client_id, link.chosen_vendor, link.vendor_types, username, password
    )
    link.pending_credentials = vault.seal({"username": username.strip(), "password": password})
    link.step = CODE


def code_is_acceptable(code: str) -> bool:
    """Sandbox vendors accept any six digits as the second factor."""
    code = code.strip()
    return len(code) == CODE_LENGTH and code.isdigit()


async def finish_linking(
    session: AsyncSession, link: LinkSession, accounts: VendorAccounts, vault: Vault
) -> list[VendorConnection]:
    """Links the signed-in account to the user: one vendor connection per asset type."""
    assert link.chosen_vendor is not None and link.pending_credentials is not None
    credentials = vault.open(link.pending_credentials)
    devices = await accounts.sign_in(
        link.client_id,
        link.chosen_vendor,
        link.vendor_types,
        credentials["username"],
        credentials["password"],
    )
    connections: list[VendorConnection] = []
    for asset_type in dict.fromkeys(d.asset_type for d in devices):
        device = next(d for d in devices if d.asset_type == asset_type)
        connection = await session.scalar(
            select(VendorConnection).where(
                VendorConnection.user_pk == link.user_pk,
                VendorConnection.vendor == link.chosen_vendor,
                VendorConnection.vendor_type == asset_type,
            )
        )
        if connection is None:
            connection = VendorConnection(
                client_id=link.client_id,
                user_pk=link.user_pk,
                vendor=link.chosen_vendor,
                vendor_type=asset_type,
                created_at=datetime.now(UTC),
            )
            session.add(connection)
        connection.is_valid = True
        connection.scopes = [s for s in link.scopes if s.startswith(f"{asset_type}:")]
        connection.credentials_encrypted = vault.seal(credentials)
        connection.virtual_asset_id = device.device_ref
        connections.append(connection)
    await session.flush()
    now = await accounts.now(link.client_id)
    for connection in connections:
        # The scopes may have changed: every asset of the account shows them.
        await assets.mark_assets_changed(session, Asset.connection_pk == connection.pk)
        await assets.discover(session, connection, devices, now)
    await accounts.devices_linked(link.client_id, devices)
    link.pending_credentials = None
    link.step = SUCCESS
    await session.flush()
    user = await session.get(User, link.user_pk)
    assert user is not None
    await mark_changed(session, user_key(link.client_id, user.user_id))
    return connections


def complete(link: LinkSession) -> None:
    link.step = DONE
    link.ended_at = datetime.now(UTC)


def cancel(link: LinkSession) -> None:
    link.pending_credentials = None
    link.step = CANCELLED
    link.ended_at = datetime.now(UTC)
