"""Runs a worker per active webhook, so one slow or dead receiver never delays
another; wakes them when their client has new events; tidies up behind them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from gridlink.config import Settings
from gridlink.crypto import Vault
from gridlink.db.engine import Database
from gridlink.db.tables import Event, Webhook, WebhookDelivery
from gridlink.domain.webhooks import DELIVERED, FAILED, PENDING, reactivate
from gridlink.events import render
from gridlink.events.catalogue import TEST
from gridlink.webhooks import sender
from gridlink.webhooks.signing import DELIVERY_HEADER, SIGNATURE_HEADER, signature
from gridlink.webhooks.worker import Services, Worker
from gridlink.wire.timestamps import iso

logger = logging.getLogger("gridlink")

RESCAN_SECONDS = 5.0
TIDY_SECONDS = 60.0
# Finished deliveries kept per webhook, for the dashboard.
KEPT_DELIVERIES = 200


class Dispatcher:
    def __init__(self, db: Database, vault: Vault, settings: Settings) -> None:
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.services = Services(db, vault, settings, sender.new_http_client(), owner)
        self._workers: dict[int, tuple[asyncio.Task[None], Worker]] = {}
        self._look_again = asyncio.Event()

    def changed(self, keys: set[str]) -> None:
        """Committed changes (this process's or, on PostgreSQL, another's)."""
        for key in keys:
            kind, _, client_id = key.partition(":")
            if kind == "events":
                self._wake(client_id)
            elif kind == "webhooks":
                self._wake(client_id)
                self._look_again.set()

    def _wake(self, client_id: str) -> None:
        for _task, worker in self._workers.values():
            if worker.client_id == client_id:
                worker.wake.set()

    async def run(self) -> None:
        db = self.services.db
        if not db.is_postgresql:
            # One server process per SQLite file: leases left by a killed one are stale.
            async with db.session() as session:
                await session.execute(update(Webhook).values(lease_owner=None, lease_until=None))
        tidied = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                await self._start_workers()
                if loop.time() - tidied >= TIDY_SECONDS:
                    tidied = loop.time()
                    await self._tidy()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhook dispatch failed; trying again")
            self._look_again.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._look_again.wait(), RESCAN_SECONDS)

    async def _start_workers(self) -> None:
        for pk, (task, _worker) in list(self._workers.items()):
            if task.done():
                del self._workers[pk]
        now = datetime.now(UTC)
        async with self.services.db.read() as connection:
            rows = (
                await connection.execute(
                    select(Webhook.pk, Webhook.client_id).where(
                        Webhook.is_active,
                        or_(
                            Webhook.lease_owner.is_(None),
                            Webhook.lease_owner == self.services.owner,
                            Webhook.lease_until < now,
                        ),
                    )
                )
            ).all()
        for pk, client_id in rows:
            if pk not in self._workers:
                worker = Worker(self.services, pk, client_id)
                self._workers[pk] = (asyncio.create_task(self._guarded(worker)), worker)

    async def _guarded(self, worker: Worker) -> None:
        while True:
            try:
                await worker.run()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhook worker failed; restarting it")
                await asyncio.sleep(1)

    async def _tidy(self) -> None:
        """Drops outbox events every active webhook has taken, and old deliveries."""
        async with self.services.db.session() as session:
            for client_id in list(await session.scalars(select(Event.client_id).distinct())):
                cursor = await session.scalar(
                    select(func.min(Webhook.cursor)).where(
                        Webhook.client_id == client_id, Webhook.is_active
                    )
                )
                condition = Event.client_id == client_id
                if cursor is not None:
                    condition &= Event.pk <= cursor
                await session.execute(delete(Event).where(condition))
            for (webhook_pk,) in (await session.execute(select(Webhook.pk))).all():
                keep = (
                    select(WebhookDelivery.pk)
                    .where(WebhookDelivery.webhook_pk == webhook_pk)
                    .order_by(WebhookDelivery.pk.desc())
                    .limit(1)
                    .offset(KEPT_DELIVERIES)
                ).scalar_subquery()
                await session.execute(
                    delete(WebhookDelivery).where(
                        WebhookDelivery.webhook_pk == webhook_pk,
                        WebhookDelivery.state != PENDING,
                        WebhookDelivery.pk <= keep,
                    )
                )

    async def test(self, webhook: Webhook, environment: str, version: str) -> dict[str, Any]:
        """Sends `enode:webhook:test` now; success reactivates the webhook."""
        now = datetime.now(UTC)
        body = render.batch([{"createdAt": iso(now), "event": TEST}], version)
        vault = self.services.vault
        delivery_id = str(uuid.uuid4())
        headers = {
            DELIVERY_HEADER: delivery_id,
            SIGNATURE_HEADER: signature(body, str(vault.open(webhook.secret_encrypted))),
        }
        if webhook.auth_header_name and webhook.auth_header_value_encrypted:
            headers[webhook.auth_header_name] = str(vault.open(webhook.auth_header_value_encrypted))
        outcome = await sender.post(
            self.services.http, webhook.url, body, headers, environment,
            self.services.settings.allow_insecure_webhooks,
        )  # fmt: skip
        async with self.services.db.session() as session:
            stored = await session.get(Webhook, webhook.pk)
            if stored is not None:
                session.add(
                    WebhookDelivery(
                        id=delivery_id, webhook_pk=stored.pk, kind="test", body=body,
                        event_count=1, state=DELIVERED if outcome.ok else FAILED, attempts=1,
                        created_at=now, last_attempt_at=now, response_status=outcome.status,
                        response_body=outcome.body, error=outcome.error,
                    )
                )  # fmt: skip
                if outcome.ok:
                    stored.last_success_at = now
                    await reactivate(session, stored, now)
        response = None
        if outcome.status is not None:
            response = {"code": outcome.status, "body": outcome.body, "headers": outcome.headers}
        return {
            "status": "SUCCESS" if outcome.ok else "FAILURE",
            "description": outcome.description,
            "response": response,
        }

    async def redeliver(self, webhook_pk: int, delivery_id: str) -> None:
        """Queues a copy of a past delivery, after what is already queued."""
        async with self.services.db.session() as session:
            past = await session.scalar(
                select(WebhookDelivery).where(
                    WebhookDelivery.webhook_pk == webhook_pk, WebhookDelivery.id == delivery_id
                )
            )
            if past is None:
                return
            now = datetime.now(UTC)
            session.add(
                WebhookDelivery(
                    id=str(uuid.uuid4()), webhook_pk=webhook_pk, kind="redelivery",
                    body=past.body, event_count=past.event_count, state=PENDING, attempts=0,
                    created_at=now, next_attempt_at=now,
                )
            )  # fmt: skip
        self._look_again.set()
        for _task, worker in self._workers.values():
            if worker.webhook_pk == webhook_pk:
                worker.wake.set()

    async def stop(self) -> None:
        for task, _worker in self._workers.values():
            task.cancel()
        for task, _worker in self._workers.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        with contextlib.suppress(Exception):
            async with self.services.db.session() as session:
                await session.execute(
                    update(Webhook)
                    .where(Webhook.lease_owner == self.services.owner)
                    .values(lease_owner=None, lease_until=None)
                )
        await self.services.http.aclose()
