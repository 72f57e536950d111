"""Webhooks: the spec's management calls and the test call."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from gridlink.api.pagination import PageDep, page_json
from gridlink.api.responses import json_response
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import Context, context_of
from gridlink.domain import webhooks
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.webhooks import WebhookCreatePayload, WebhookUpdatePayload, webhook_json

router = APIRouter(tags=["Webhooks"])


def _who(context: Context, caller: Caller) -> webhooks.Destination:
    return webhooks.Destination(
        caller.client_id, caller.environment, context.settings.allow_insecure_webhooks
    )


@router.post(
    "/webhooks",
    summary="Create Webhook",
    operation_id="createWebhook",
    responses=answers(models.Webhook),
)
async def create_webhook(
    request: Request, caller: CallerDep, payload: WebhookCreatePayload
) -> Response:
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        webhook = await webhooks.create_webhook(
            session, context.vault, _who(context, caller), payload.fields(), datetime.now(UTC)
        )
        body = webhook_json(webhook)
    return json_response(body, version)


@router.get(
    "/webhooks",
    summary="List Webhooks",
    operation_id="listWebhooks",
    responses=answers(models.WebhookPage),
)
async def list_webhooks(request: Request, caller: CallerDep, page: PageDep) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        result = await webhooks.list_webhooks(session, caller.client_id, page)
    return json_response(page_json([webhook_json(w) for w in result.items], result), version)


@router.get(
    "/webhooks/{webhookId}",
    summary="Get Webhook",
    operation_id="getWebhook",
    responses=answers(models.Webhook, 404),
)
async def get_webhook(request: Request, caller: CallerDep, webhookId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        body = webhook_json(await webhooks.get_webhook(session, caller.client_id, webhookId))
    return json_response(body, version)


@router.patch(
    "/webhooks/{webhookId}",
    summary="Update Webhook",
    operation_id="updateWebhook",
    responses=answers(models.Webhook, 404),
)
async def update_webhook(
    request: Request,
    caller: CallerDep,
    webhookId: str,  # noqa: N803
    payload: WebhookUpdatePayload,
) -> Response:
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        webhook = await webhooks.update_webhook(
            session, context.vault, _who(context, caller), webhookId, payload.fields(),
            datetime.now(UTC),
        )  # fmt: skip
        body = webhook_json(webhook)
    return json_response(body, version)


@router.delete(
    "/webhooks/{webhookId}",
    status_code=204,
    summary="Delete Webhook",
    operation_id="deleteWebhook",
    responses=answers(None, 404, status=204, description="The webhook is gone."),
)
async def delete_webhook(request: Request, caller: CallerDep, webhookId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await webhooks.delete_webhook(session, caller.client_id, webhookId)
    return Response(status_code=204, headers={"Enode-Version": version})


@router.post(
    "/webhooks/{webhookId}/test",
    summary="Test Webhook",
    operation_id="testWebhook",
    responses=answers(models.WebhookTestResult, 404),
)
async def test_webhook(request: Request, caller: CallerDep, webhookId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        webhook = await webhooks.get_webhook(session, caller.client_id, webhookId)
    payload_version = webhook.api_version or caller.default_api_version
    result = await context.webhooks.test(webhook, caller.environment, payload_version)
    return json_response(result, version)
