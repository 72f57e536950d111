"""First start: an admin password, a ready sandbox client with one virtual
vehicle, and the getting-started commands rewritten for this server."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from sqlalchemy import func, select

from gridlink.config import Settings
from gridlink.connectors.sandbox.accounts import create_virtual_asset
from gridlink.crypto import Vault
from gridlink.db.engine import Database
from gridlink.db.tables import Client
from gridlink.domain import admin, clients

STOP_HINT = "Press Ctrl+C to stop."
GUIDE_USER_ID = "1ab23cd4"
GUIDE_SCOPES = ("vehicle:read:data", "vehicle:read:location", "vehicle:control:charging")


@dataclass
class FirstStart:
    admin_password: str | None
    client_id: str | None = None
    client_secret: str | None = None
    vehicle_username: str | None = None
    vehicle_password: str | None = None
    vehicle_vendor: str | None = None


async def first_start(db: Database, settings: Settings) -> FirstStart:
    async with db.session() as session:
        result = FirstStart(await admin.ensure_admin_password(session, settings.admin_password))
        if not settings.bootstrap or await session.scalar(select(func.count(Client.id))):
            return result
        client, secret = await clients.create_client(session, "Sandbox", "sandbox")
        vehicle, password = await create_virtual_asset(
            session, Vault(settings.secret_key), client, "vehicle", "TESLA", name="My Tesla"
        )
        result.client_id, result.client_secret = client.id, secret
        result.vehicle_username, result.vehicle_password = vehicle.username, password
        result.vehicle_vendor = vehicle.vendor
    return result


def welcome_text(settings: Settings, start: FirstStart) -> str:
    base = settings.public_url
    lines = [f"gridlink is running at {base}", f"  Dashboard:       {base}/dashboard"]
    if start.admin_password:
        lines.append(f"  Admin password:  {start.admin_password}   (shown once; keep it)")
    if start.client_id is None:
        return "\n".join([*lines, "", STOP_HINT])
    body = (
        '{"vendorType": "vehicle", "scopes": ['
        + ", ".join(f'"{s}"' for s in GUIDE_SCOPES)
        + '], "language": "en-US", "redirectUri": "https://localhost:3000"}'
    )
    lines += [
        "",
        "A sandbox client is ready (the secret is shown only now):",
        f"  client_id:       {start.client_id}",
        f"  client_secret:   {start.client_secret}",
        f"A virtual vehicle to link (choose the brand {start.vehicle_vendor} in Link UI):",
        f"  username:        {start.vehicle_username}",
        f"  password:        {start.vehicle_password}",
        "  two-factor code: any 6 digits",
        "",
        "Getting started, step by step:",
        "",
        "1. Get an access token:",
        f"curl {base}/oauth2/token \\",
        f"  -u {start.client_id}:{start.client_secret} \\",
        '  -d "grant_type=client_credentials"',
        "",
        "2. Create a Link session (paste the access_token):",
        f"curl {base}/users/{GUIDE_USER_ID}/link \\",
        '  -H "Authorization: Bearer {YOUR_ACCESS_TOKEN}" \\',
        '  -H "Content-Type: application/json" \\',
        f"  -d {shlex.quote(body)}",
        "",
        "3. Open the linkUrl in a browser, choose the brand, sign in with the username",
        "   and password above, enter any 6 digits, and tap Complete.",
        "",
        "4. Fetch the user:",
        f"curl {base}/users/{GUIDE_USER_ID} \\",
        "  -X GET \\",
        '  -H "Authorization: Bearer {YOUR_ACCESS_TOKEN}"',
        "",
        STOP_HINT,
    ]
    return "\n".join(lines)
