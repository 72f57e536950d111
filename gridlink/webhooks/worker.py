"""One webhook's deliveries, one at a time and in order: the oldest pending
delivery first (retried until it succeeds or the webhook gives up), then the
next batch from the outbox, then, when idle, a heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.config import Settings
from gridlink.crypto import Vault
from gridlink.db.changes import mark_changed
from gridlink.db.engine import Database
from gridlink.db.tables import Client, Event, Webhook, WebhookDelivery
from gridlink.domain.clock import aware
from gridlink.domain.webhooks import DELIVERED, DROPPED, PENDING, webhooks_key
from gridlink.events import render
from gridlink.events.catalogue import HEARTBEAT, wants
from gridlink.events.outbox import forget_subscriptions, newest_event
from gridlink.webhooks import sender
from gridlink.webhooks.retry import RetryPolicy, policy_for
from gridlink.webhooks.signing import DELIVERY_HEADER, SIGNATURE_HEADER, signature
from gridlink.wire.timestamps import iso

MAX_BATCH = 100
# Outbox rows looked at per query when a subscription skips most of them.
SCAN = 1000
LEASE = timedelta(seconds=15)


@dataclass
class Services:
    """What delivering needs, shared by every webhook's worker in a process."""

    db: Database
    vault: Vault
    settings: Settings
    http: httpx.AsyncClient
    owner: str


@dataclass(frozen=True)
class _Send:
    delivery_pk: int
    delivery_id: str
    url: str
    body: bytes
    headers: dict[str, str]


class Worker:
    def __init__(self, services: Services, webhook_pk: int, client_id: str) -> None:
        self.services = services
        self.webhook_pk = webhook_pk
        self.client_id = client_id
        self.wake = asyncio.Event()
        self._environment: str | None = None
        self._default_version = ""

    async def run(self) -> None:
        while True:
            self.wake.clear()
            wait = await self.step()
            if wait is None:
                return
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), wait)

    async def step(self) -> float | None:
        """Does the next thing; returns how long to wait (None: stop, the
        webhook is gone, inactive or delivered by another process)."""
        now = datetime.now(UTC)
        async with self.services.db.session() as session:
            webhook = await self._claim(session, now)
            if webhook is None or not webhook.is_active:
                return None
            delivery = await session.scalar(
                select(WebhookDelivery)
                .where(WebhookDelivery.webhook_pk == webhook.pk, WebhookDelivery.state == PENDING)
                .order_by(WebhookDelivery.pk)
                .limit(1)
            )
            if delivery is None:
                delivery = await self._next_batch(session, webhook, now)
            if delivery is None:
                delivery = await self._heartbeat(session, webhook, now)
            if delivery is None:
                return self._until_heartbeat(webhook, now)
            due = aware(delivery.next_attempt_at) if delivery.next_attempt_at else now
            if due > now:
                return min((due - now).total_seconds(), LEASE.total_seconds() / 3)
            send = self._sending(webhook, delivery)
        outcome = await sender.post(
            self.services.http, send.url, send.body, send.headers,
            await self._client_environment(), self.services.settings.allow_insecure_webhooks,
        )  # fmt: skip
        async with self.services.db.session() as session:
            await self._record(session, send, outcome, datetime.now(UTC))
        return 0

    async def _claim(self, session: AsyncSession, now: datetime) -> Webhook | None:
        """The webhook, if this process may deliver for it (its lease, renewed)."""
        owner = self.services.owner
        webhook = await session.get(Webhook, self.webhook_pk, populate_existing=True)
        if webhook is None:
            return None
        held_long_enough = (
            webhook.lease_until is not None and aware(webhook.lease_until) > now + LEASE / 2
        )
        if webhook.lease_owner == owner and held_long_enough:
            return webhook  # no write needed to keep it
        claimed = await session.execute(
            update(Webhook)
            .where(
                Webhook.pk == self.webhook_pk,
                or_(
                    Webhook.lease_owner.is_(None),
                    Webhook.lease_owner == owner,
                    Webhook.lease_until < now,
                ),
            )
            .values(lease_owner=owner, lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return await session.get(Webhook, self.webhook_pk, populate_existing=True)

    async def _client_environment(self) -> str:
        if self._environment is None:
            async with self.services.db.session() as session:
                client = await session.get(Client, self.client_id)
                self._environment = client.environment if client else "production"
                self._default_version = client.default_api_version if client else ""
        return self._environment

    async def _version(self, webhook: Webhook) -> str:
        await self._client_environment()
        return webhook.api_version or self._default_version

    async def _next_batch(
        self, session: AsyncSession, webhook: Webhook, now: datetime
    ) -> WebhookDelivery | None:
        """Up to MAX_BATCH of the events the webhook wants, oldest first."""
        chosen: list[dict[str, Any]] = []
        while len(chosen) < MAX_BATCH:
            rows = (
                await session.execute(
                    select(Event.pk, Event.name, Event.payload)
                    .where(Event.client_id == webhook.client_id, Event.pk > webhook.cursor)
                    .order_by(Event.pk)
                    .limit(SCAN)
                )
            ).all()
            for pk, name, payload in rows:
                if len(chosen) == MAX_BATCH:
                    break
                webhook.cursor = pk
                if wants(webhook.events, name):
                    chosen.append(payload)
            if len(rows) < SCAN:
                break
        if not chosen:
            return None
        body = render.batch(chosen, await self._version(webhook))
        return await self._queue(session, webhook, "events", body, len(chosen), now)

    async def _heartbeat(
        self, session: AsyncSession, webhook: Webhook, now: datetime
    ) -> WebhookDelivery | None:
        if self._until_heartbeat(webhook, now) > 0:
            return None
        waiting = await session.scalar(
            select(func.count(Event.pk)).where(
                Event.client_id == webhook.client_id, Event.pk > webhook.cursor
            )
        )
        webhook.last_heartbeat_at = now
        event = {"createdAt": iso(now), "event": HEARTBEAT, "pendingEvents": int(waiting or 0)}
        body = render.batch([event], await self._version(webhook))
        return await self._queue(session, webhook, "heartbeat", body, 1, now)

    def _until_heartbeat(self, webhook: Webhook, now: datetime) -> float:
        interval = self.services.settings.webhook_heartbeat_interval
        last = aware(webhook.last_heartbeat_at) if webhook.last_heartbeat_at else None
        if last is None:
            return 0.0
        left = interval - (now - last).total_seconds()
        # Wake in time to renew the lease, too.
        return max(0.0, min(left, LEASE.total_seconds() / 3))

    async def _queue(
        self,
        session: AsyncSession,
        webhook: Webhook,
        kind: str,
        body: bytes,
        count: int,
        now: datetime,
    ) -> WebhookDelivery:
        delivery = WebhookDelivery(
            id=str(uuid.uuid4()), webhook_pk=webhook.pk, kind=kind, body=body,
            event_count=count, state=PENDING, attempts=0, created_at=now, next_attempt_at=now,
        )  # fmt: skip
        session.add(delivery)
        await session.flush()
        return delivery

    def _sending(self, webhook: Webhook, delivery: WebhookDelivery) -> _Send:
        vault = self.services.vault
        secret = str(vault.open(webhook.secret_encrypted))
        headers = {
            DELIVERY_HEADER: delivery.id,
            SIGNATURE_HEADER: signature(delivery.body, secret),
        }
        if webhook.auth_header_name and webhook.auth_header_value_encrypted:
            headers[webhook.auth_header_name] = str(vault.open(webhook.auth_header_value_encrypted))
        return _Send(delivery.pk, delivery.id, webhook.url, delivery.body, headers)

    async def _record(
        self, session: AsyncSession, send: _Send, outcome: sender.Outcome, now: datetime
    ) -> None:
        delivery = await session.get(WebhookDelivery, send.delivery_pk)
        webhook = await session.get(Webhook, self.webhook_pk)
        if delivery is None or webhook is None:
            return  # deleted while sending
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.response_status = outcome.status
        delivery.response_body = outcome.body
        delivery.error = outcome.error
        if outcome.ok:
            delivery.state, delivery.next_attempt_at = DELIVERED, None
            webhook.last_success_at, webhook.failing_since = now, None
            return
        webhook.failing_since = webhook.failing_since or now
        policy = await self._policy()
        if (now - aware(webhook.failing_since)).total_seconds() >= policy.window:
            await give_up(session, webhook)
            return
        delivery.next_attempt_at = now + timedelta(seconds=policy.delay(delivery.attempts))

    async def _policy(self) -> RetryPolicy:
        settings = self.services.settings
        return policy_for(
            await self._client_environment(),
            settings.webhook_retry_window,
            settings.webhook_retry_window_sandbox,
        )


async def give_up(session: AsyncSession, webhook: Webhook) -> None:
    """Failing too long: what is queued is dropped and the webhook turns inactive."""
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_pk == webhook.pk, WebhookDelivery.state == PENDING)
        .values(state=DROPPED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    webhook.cursor = await newest_event(session, webhook.client_id)
    webhook.is_active = False
    webhook.failing_since = None
    forget_subscriptions(session, webhook.client_id)
    await mark_changed(session, webhooks_key(webhook.client_id))
