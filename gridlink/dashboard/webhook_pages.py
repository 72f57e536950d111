"""The dashboard's webhook pages: a webhook's settings, state, heartbeat and
recent deliveries, with redelivery and a test event."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from gridlink.dashboard.charts import bar_chart
from gridlink.dashboard.routes import guarded, render_page
from gridlink.db.tables import Event, Webhook, WebhookDelivery
from gridlink.domain import clients, webhooks
from gridlink.domain.clock import aware
from gridlink.domain.errors import NotFound
from gridlink.domain.webhooks import DELIVERED, DROPPED, FAILED, PENDING

router = APIRouter(prefix="/dashboard", include_in_schema=False)

SHOWN_DELIVERIES = 50
STATES = (DELIVERED, PENDING, FAILED, DROPPED)
# What a redirect back may announce on the page (from a query parameter).
NOTICES = {
    "redelivered": "Redelivery queued: it goes out after anything already waiting.",
    "test-ok": "Test event delivered.",
    "test-failed": "The test event was not received: see the newest delivery below.",
}


def _page_url(client_id: str, webhook_id: str) -> str:
    return f"/dashboard/clients/{client_id}/webhooks/{webhook_id}"


def _pretty(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


async def _recent(session: AsyncSession, webhook: Webhook) -> list[WebhookDelivery]:
    return list(
        await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_pk == webhook.pk)
            .order_by(WebhookDelivery.pk.desc())
            .limit(SHOWN_DELIVERIES)
        )
    )


async def _latest_heartbeat(session: AsyncSession, webhook: Webhook) -> WebhookDelivery | None:
    delivery: WebhookDelivery | None = await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_pk == webhook.pk, WebhookDelivery.kind == "heartbeat")
        .order_by(WebhookDelivery.pk.desc())
        .limit(1)
    )
    return delivery


async def _state_counts(session: AsyncSession, webhook: Webhook) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(WebhookDelivery.state, func.count())
        .where(WebhookDelivery.webhook_pk == webhook.pk)
        .group_by(WebhookDelivery.state)
    )
    counts: dict[str, int] = {state: count for state, count in rows.tuples()}
    return [(state, counts.get(state, 0)) for state in STATES]


async def _outbox(session: AsyncSession, webhook: Webhook) -> int:
    """Events of the client the webhook has not yet taken into a delivery
    (whether or not it subscribes to them: it skips those as it goes)."""
    waiting = await session.scalar(
        select(func.count(Event.pk)).where(
            Event.client_id == webhook.client_id, Event.pk > webhook.cursor
        )
    )
    return int(waiting or 0)


@router.get("/clients/{client_id}/webhooks/{webhook_id}")
async def webhook_page(request: Request, client_id: str, webhook_id: str) -> Response:
    context, cookie, _ = await guarded(request, with_form=False)
    async with context.db.session() as session:
        client = await clients.get_client(session, client_id)
        webhook = await webhooks.get_webhook(session, client_id, webhook_id)
        deliveries = await _recent(session, webhook)
        heartbeat = await _latest_heartbeat(session, webhook)
        counts = await _state_counts(session, webhook)
        outbox = await _outbox(session, webhook)
    interval = context.settings.webhook_heartbeat_interval
    next_heartbeat = None
    if webhook.is_active and webhook.last_heartbeat_at is not None:
        next_heartbeat = aware(webhook.last_heartbeat_at) + timedelta(seconds=interval)
    values: dict[str, Any] = {
        "client": client,
        "webhook": webhook,
        "api_version": webhook.api_version or client.default_api_version,
        "deliveries": [(d, _pretty(d.body)) for d in deliveries],
        "shown": SHOWN_DELIVERIES,
        "heartbeat": heartbeat,
        "heartbeat_interval": interval,
        "next_heartbeat": next_heartbeat,
        "outbox": outbox,
        "chart": Markup(bar_chart(counts, "Kept deliveries by state")),
        "notice": NOTICES.get(request.query_params.get("done", "")),
    }
    return render_page(request, context, cookie, "webhook.html", values)


@router.post("/clients/{client_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")
async def redeliver(
    request: Request, client_id: str, webhook_id: str, delivery_id: str
) -> Response:
    context, _, _ = await guarded(request, with_form=True)
    async with context.db.session() as session:
        webhook = await webhooks.get_webhook(session, client_id, webhook_id)
        known = await session.scalar(
            select(WebhookDelivery.pk).where(
                WebhookDelivery.webhook_pk == webhook.pk, WebhookDelivery.id == delivery_id
            )
        )
    if known is None:
        raise NotFound(f"No delivery with id {delivery_id}.")
    await context.webhooks.redeliver(webhook.pk, delivery_id)
    return RedirectResponse(
        f"{_page_url(client_id, webhook_id)}?done=redelivered#deliveries", status_code=303
    )


@router.post("/clients/{client_id}/webhooks/{webhook_id}/test")
async def send_test(request: Request, client_id: str, webhook_id: str) -> Response:
    context, _, _ = await guarded(request, with_form=True)
    async with context.db.session() as session:
        client = await clients.get_client(session, client_id)
        webhook = await webhooks.get_webhook(session, client_id, webhook_id)
    version = webhook.api_version or client.default_api_version
    result = await context.webhooks.test(webhook, client.environment, version)
    done = "test-ok" if result["status"] == "SUCCESS" else "test-failed"
    return RedirectResponse(
        f"{_page_url(client_id, webhook_id)}?done={done}#deliveries", status_code=303
    )
