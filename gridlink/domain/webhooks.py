"""Webhook subscriptions: create, read, change, delete; secrets sealed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.crypto import Vault
from gridlink.db.changes import mark_changed
from gridlink.db.tables import Webhook, WebhookDelivery
from gridlink.domain import versions
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.pagination import Page, PageRequest, paginate
from gridlink.domain.webhook_urls import check_destination
from gridlink.events.catalogue import SUBSCRIBABLE
from gridlink.events.outbox import forget_subscriptions, newest_event


class _Keep:
    """A field an update leaves as it is (None would mean "clear it")."""


KEEP: Final = _Keep()

# A delivery's states: waiting to be sent (again), or done one way or another.
PENDING, DELIVERED, FAILED, DROPPED = "PENDING", "DELIVERED", "FAILED", "DROPPED"


@dataclass(frozen=True)
class Destination:
    """Who asks, and what their environment lets them point at."""

    client_id: str
    environment: str
    allow_insecure: bool


@dataclass(frozen=True)
class WebhookFields:
    url: str | _Keep = KEEP
    secret: str | _Keep = KEEP
    events: list[str] | _Keep = KEEP
    api_version: str | None | _Keep = KEEP
    # (header name, header value); None removes the header.
    authentication: tuple[str, str] | None | _Keep = KEEP


def webhooks_key(client_id: str) -> str:
    """Marked changed when a client's webhooks change: delivery looks again."""
    return f"webhooks:{client_id}"


class WebhookNotValid(BadRequest):
    kind = "webhook-not-valid"
    title = "Webhook not valid"


def _check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in SUBSCRIBABLE]
    if unknown:
        raise WebhookNotValid(f"Unknown events: {', '.join(unknown)}.")
    if not events:
        raise WebhookNotValid("events must name at least one event, or '*' for all.")
    return list(dict.fromkeys(events))


# The spec's only valid webhook version: payloads for older ones follow the client's default.
WEBHOOK_VERSIONS: Final = (versions.LATEST,)


def _check_version(version: str | None) -> str | None:
    if version is not None and version not in WEBHOOK_VERSIONS:
        raise WebhookNotValid(
            f"apiVersion {version!r} is not valid for webhooks. Valid versions: "
            f"{', '.join(WEBHOOK_VERSIONS)}."
        )
    return version


async def create_webhook(
    session: AsyncSession,
    vault: Vault,
    who: Destination,
    fields: WebhookFields,
    now: datetime,
) -> Webhook:
    assert isinstance(fields.url, str) and isinstance(fields.secret, str)
    await check_destination(fields.url, who.environment, who.allow_insecure)
    events = _check_events(fields.events if isinstance(fields.events, list) else ["*"])
    api_version = None if isinstance(fields.api_version, _Keep) else fields.api_version
    webhook = Webhook(
        id=str(uuid.uuid4()),
        client_id=who.client_id,
        url=fields.url,
        secret_encrypted=vault.seal(fields.secret),
        events=events,
        api_version=_check_version(api_version),
        is_active=True,
        created_at=now,
        # It hears of what happens from now on, and its first heartbeat in a while.
        cursor=await newest_event(session, who.client_id),
        last_heartbeat_at=now,
    )
    _set_authentication(webhook, vault, fields.authentication)
    session.add(webhook)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise WebhookNotValid("A webhook with this url already exists.") from None
    await _changed(session, who.client_id)
    return webhook


def _set_authentication(
    webhook: Webhook, vault: Vault, authentication: tuple[str, str] | None | _Keep
) -> None:
    if isinstance(authentication, _Keep):
        return
    if authentication is None:
        webhook.auth_header_name = webhook.auth_header_value_encrypted = None
        return
    name, value = authentication
    webhook.auth_header_name = name.lower()
    webhook.auth_header_value_encrypted = vault.seal(value)


async def get_webhook(session: AsyncSession, client_id: str, webhook_id: str) -> Webhook:
    webhook = await session.scalar(
        select(Webhook).where(Webhook.client_id == client_id, Webhook.id == webhook_id)
    )
    if webhook is None:
        raise NotFound(f"No webhook with id {webhook_id}.")
    return webhook


async def list_webhooks(session: AsyncSession, client_id: str, page: PageRequest) -> Page[Webhook]:
    query = select(Webhook).where(Webhook.client_id == client_id)
    return await paginate(session, query, Webhook.pk, page)


async def update_webhook(
    session: AsyncSession,
    vault: Vault,
    who: Destination,
    webhook_id: str,
    fields: WebhookFields,
    now: datetime,
) -> Webhook:
    """Changes the given fields; an update also reactivates the webhook."""
    webhook = await get_webhook(session, who.client_id, webhook_id)
    if isinstance(fields.url, str) and fields.url != webhook.url:
        await check_destination(fields.url, who.environment, who.allow_insecure)
        taken = await session.scalar(
            select(Webhook.pk).where(Webhook.client_id == who.client_id, Webhook.url == fields.url)
        )
        if taken is not None:
            raise WebhookNotValid("A webhook with this url already exists.")
        webhook.url = fields.url
    if isinstance(fields.secret, str):
        webhook.secret_encrypted = vault.seal(fields.secret)
    if isinstance(fields.events, list):
        webhook.events = _check_events(fields.events)
    if not isinstance(fields.api_version, _Keep):
        webhook.api_version = _check_version(fields.api_version)
    _set_authentication(webhook, vault, fields.authentication)
    await reactivate(session, webhook, now)
    await session.flush()
    return webhook


async def reactivate(session: AsyncSession, webhook: Webhook, now: datetime) -> None:
    """Back in service: what it missed while inactive stays dropped, and a
    delivery waiting for its next retry goes now."""
    if not webhook.is_active:
        webhook.cursor = await newest_event(session, webhook.client_id)
        webhook.last_heartbeat_at = now
    webhook.is_active = True
    webhook.failing_since = None
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_pk == webhook.pk, WebhookDelivery.state == PENDING)
        .values(next_attempt_at=now)
    )
    await _changed(session, webhook.client_id)


async def delete_webhook(session: AsyncSession, client_id: str, webhook_id: str) -> None:
    webhook = await get_webhook(session, client_id, webhook_id)
    await session.delete(webhook)
    await session.flush()
    await _changed(session, client_id)


async def _changed(session: AsyncSession, client_id: str) -> None:
    forget_subscriptions(session, client_id)
    await mark_changed(session, webhooks_key(client_id))
