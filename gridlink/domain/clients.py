"""API clients: one environment each, hashed secrets, a default API version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.auth.secrets import hash_client_secret, new_client_secret
from gridlink.db.changes import client_key, mark_changed
from gridlink.db.tables import Client
from gridlink.domain import versions
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.text import clean_name

Environment = Literal["sandbox", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("sandbox", "production")


async def create_client(
    session: AsyncSession,
    name: str,
    environment: str,
    default_api_version: str = versions.LATEST,
) -> tuple[Client, str]:
    """The new client and its secret, which is never shown again."""
    if environment not in ENVIRONMENTS:
        raise BadRequest(f"environment must be one of {', '.join(ENVIRONMENTS)}")
    _check_version(default_api_version)
    name = clean_name(name, "name")
    secret = new_client_secret()
    client = Client(
        id=str(uuid.uuid4()),
        name=name,
        environment=environment,
        secret_hash=hash_client_secret(secret),
        secret_version=1,
        default_api_version=default_api_version,
        accept_any_credentials=False,
        created_at=datetime.now(UTC),
    )
    session.add(client)
    await session.flush()
    return client, secret


async def get_client(session: AsyncSession, client_id: str) -> Client:
    client = await session.get(Client, client_id) if is_client_id(client_id) else None
    if client is None:
        raise NotFound(f"No client with id {client_id}")
    return client


async def list_clients(session: AsyncSession) -> list[Client]:
    return list((await session.scalars(select(Client).order_by(Client.created_at))).all())


async def rotate_secret(session: AsyncSession, client_id: str) -> tuple[Client, str]:
    client = await get_client(session, client_id)
    secret = new_client_secret()
    client.secret_hash = hash_client_secret(secret)
    client.secret_version += 1
    await mark_changed(session, client_key(client.id))
    return client, secret


async def set_default_api_version(session: AsyncSession, client_id: str, version: str) -> Client:
    _check_version(version)
    client = await get_client(session, client_id)
    client.default_api_version = version
    await mark_changed(session, client_key(client.id))
    return client


async def set_accept_any_credentials(session: AsyncSession, client_id: str, on: bool) -> Client:
    client = await get_client(session, client_id)
    if on and client.environment != "sandbox":
        raise BadRequest("Only sandbox clients can accept any credentials")
    client.accept_any_credentials = on
    await mark_changed(session, client_key(client.id))
    return client


def _check_version(version: str) -> None:
    if version not in versions.SUPPORTED:
        raise BadRequest(f"default API version must be one of {', '.join(versions.SUPPORTED)}")


def is_client_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
