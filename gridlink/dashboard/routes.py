"""The developer dashboard: clients, their virtual assets and their users."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from gridlink.connectors.sandbox import accounts, clock
from gridlink.connectors.sandbox.clock import aware
from gridlink.context import Context, context_of
from gridlink.crypto import cookie_key
from gridlink.dashboard import sessions
from gridlink.dashboard.charts import line_chart
from gridlink.db.tables import Asset, AssetSample, User, VendorConnection, Webhook
from gridlink.domain import admin, clients, versions
from gridlink.domain.asset_kinds import KINDS
from gridlink.domain.catalogue import models_for
from gridlink.domain.errors import DomainError, NotFound
from gridlink.domain.vendors import ASSET_TYPES, VENDORS, display_name
from gridlink.wire.asset_documents import asset_json

router = APIRouter(prefix="/dashboard", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class LoginRequired(Exception):
    pass


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _require_admin(request: Request, context: Context, form: dict[str, str] | None) -> str:
    """The admin's cookie, after checking it (and, for a form, its CSRF token)."""
    cookie = request.cookies.get(sessions.COOKIE)
    async with context.db.session() as session:
        password_hash = await admin.admin_password_hash(session)
    key = cookie_key(context.settings.secret_key)
    if not sessions.is_valid(key, password_hash, cookie):
        raise LoginRequired()
    assert cookie is not None
    if form is not None and not sessions.csrf_matches(key, cookie, form.get("csrf")):
        raise DomainError("The form expired. Reload the page and try again.")
    return cookie


def render_page(
    request: Request,
    context: Context,
    cookie: str | None,
    name: str,
    values: dict[str, Any],
    status: int = 200,
) -> Response:
    key = cookie_key(context.settings.secret_key)
    values = {
        "csrf": sessions.csrf_token(key, cookie) if cookie else "",
        "display_name": display_name,
        "public_url": context.settings.public_url,
        **values,
    }
    return templates.TemplateResponse(request, name, values, status_code=status)


async def guarded(request: Request, with_form: bool) -> tuple[Context, str, dict[str, str]]:
    context = context_of(request)
    form = await _form(request) if with_form else None
    cookie = await _require_admin(request, context, form)
    return context, cookie, form or {}


@router.get("/login")
async def login_page(request: Request) -> Response:
    return render_page(request, context_of(request), None, "login.html", {"error": None})


@router.post("/login")
async def login(request: Request) -> Response:
    context = context_of(request)
    form = await _form(request)
    async with context.db.session() as session:
        ok = await admin.check_admin_password(session, form.get("password", ""))
        password_hash = await admin.admin_password_hash(session)
    if not ok or password_hash is None:
        return render_page(
            request, context, None, "login.html", {"error": "Wrong password."}, status=401
        )
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        sessions.issue(cookie_key(context.settings.secret_key), password_hash),
        max_age=sessions.LIFETIME_SECONDS,
        path="/dashboard",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await guarded(request, with_form=True)
    response = RedirectResponse("/dashboard/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/dashboard")
    return response


@router.get("")
async def home(request: Request) -> Response:
    context, cookie, _ = await guarded(request, with_form=False)
    async with context.db.session() as session:
        all_clients = await clients.list_clients(session)
    return render_page(
        request, context, cookie, "clients.html",
        {"clients": all_clients, "versions": versions.SUPPORTED, "created": None},
    )  # fmt: skip


@router.post("/clients")
async def create_client(request: Request) -> Response:
    context, cookie, form = await guarded(request, with_form=True)
    async with context.db.session() as session:
        client, secret = await clients.create_client(
            session,
            form.get("name", ""),
            form.get("environment", "sandbox"),
            form.get("default_api_version", versions.LATEST),
        )
    return render_page(
        request, context, cookie, "secret.html",
        {"client": client, "secret": secret, "heading": "Client created"},
    )  # fmt: skip


async def _client_page(
    request: Request, context: Context, cookie: str, client_id: str, **extra: Any
) -> Response:
    async with context.db.session() as session:
        client = await clients.get_client(session, client_id)
        assets = await accounts.list_virtual_assets(session, client_id)
        described = [accounts.describe(a, context.vault) for a in assets]
        user_rows = list(
            await session.scalars(
                select(User).where(User.client_id == client_id).order_by(User.pk.desc()).limit(200)
            )
        )
        connections = list(
            await session.scalars(
                select(VendorConnection).where(VendorConnection.client_id == client_id)
            )
        )
        owned_assets = list(
            await session.scalars(
                select(Asset).where(Asset.client_id == client_id).order_by(Asset.pk)
            )
        )
        client_webhooks = list(
            await session.scalars(
                select(Webhook).where(Webhook.client_id == client_id).order_by(Webhook.pk)
            )
        )
    linked: dict[int, list[VendorConnection]] = {}
    for connection in connections:
        linked.setdefault(connection.user_pk, []).append(connection)
    owned: dict[int, list[Asset]] = {}
    for asset in owned_assets:
        owned.setdefault(asset.user_pk, []).append(asset)
    asset_type = extra.pop("asset_type", None)
    vendor = extra.pop("vendor", None)
    return render_page(
        request, context, cookie, "client.html",
        {
            "client": client,
            "assets": described,
            "users": [(u, linked.get(u.pk, []), owned.get(u.pk, [])) for u in user_rows],
            "webhooks": client_webhooks,
            "versions": versions.SUPPORTED,
            "asset_types": ASSET_TYPES,
            "new_type": asset_type,
            "new_vendor": vendor,
            "vendors": VENDORS.get(asset_type or "", ()),
            "models": list(models_for(asset_type, vendor)) if asset_type and vendor else [],
            "created_asset": None,
            **extra,
        },
    )  # fmt: skip


@router.get("/clients/{client_id}")
async def client_page(request: Request, client_id: str) -> Response:
    context, cookie, _ = await guarded(request, with_form=False)
    asset_type = request.query_params.get("type")
    vendor = request.query_params.get("vendor")
    if asset_type not in ASSET_TYPES:
        asset_type, vendor = None, None
    elif vendor not in VENDORS[asset_type]:
        vendor = None
    return await _client_page(
        request, context, cookie, client_id, asset_type=asset_type, vendor=vendor
    )


@router.post("/clients/{client_id}/settings")
async def update_client(request: Request, client_id: str) -> Response:
    context, _, form = await guarded(request, with_form=True)
    async with context.db.session() as session:
        client = await clients.set_default_api_version(
            session, client_id, form.get("default_api_version", "")
        )
        if client.environment == "sandbox":
            await clients.set_accept_any_credentials(
                session, client_id, form.get("accept_any_credentials") == "on"
            )
    return RedirectResponse(f"/dashboard/clients/{client_id}", status_code=303)


@router.post("/clients/{client_id}/rotate-secret")
async def rotate_secret(request: Request, client_id: str) -> Response:
    context, cookie, form = await guarded(request, with_form=True)
    if form.get("confirm") != "on":
        raise DomainError("Tick the box to confirm that the current secret should stop working.")
    async with context.db.session() as session:
        client, secret = await clients.rotate_secret(session, client_id)
    return render_page(
        request, context, cookie, "secret.html",
        {"client": client, "secret": secret, "heading": "New client secret"},
    )  # fmt: skip


@router.post("/clients/{client_id}/virtual-assets")
async def create_virtual_asset(request: Request, client_id: str) -> Response:
    context, cookie, form = await guarded(request, with_form=True)
    async with context.db.session() as session:
        client = await clients.get_client(session, client_id)
        asset, _ = await accounts.create_virtual_asset(
            session,
            context.vault,
            client,
            form.get("type", ""),
            form.get("vendor", ""),
            form.get("model") or None,
            form.get("name") or None,
        )
    return await _client_page(
        request, context, cookie, client_id, created_asset=accounts.describe(asset, context.vault)
    )


@router.get("/clients/{client_id}/assets/{asset_id}")
async def asset_page(request: Request, client_id: str, asset_id: str) -> Response:
    context, cookie, _ = await guarded(request, with_form=False)
    async with context.db.session() as session:
        client = await clients.get_client(session, client_id)
        asset = await session.scalar(
            select(Asset).where(Asset.client_id == client_id, Asset.id == asset_id)
        )
        if asset is None:
            raise NotFound(f"No asset with id {asset_id}.")
        now = await clock.now(session, client_id)
        samples = list(
            await session.scalars(
                select(AssetSample)
                .where(AssetSample.asset_pk == asset.pk,
                       AssetSample.at >= now - timedelta(hours=24))
                .order_by(AssetSample.at)
            )
        )  # fmt: skip
        body = asset_json(asset)
        vehicles = []
        if asset.asset_type == "charger":
            vehicles = list(
                await session.scalars(
                    select(Asset).where(
                        Asset.user_pk == asset.user_pk, Asset.asset_type == "vehicle"
                    )
                )
            )
    kind = KINDS[asset.asset_type]
    charts = [
        Markup(line_chart([(aware(s.at), s.values.get(path)) for s in samples], label, unit))
        for path, label, unit in kind.history
    ]
    return render_page(
        request, context, cookie, "asset.html",
        {"client": client, "asset": body, "kind": kind, "charts": charts,
         "state": json.dumps(body, indent=2, ensure_ascii=False), "now": now,
         "vehicles": [(v.id, v.document["information"].get("displayName") or v.vendor)
                      for v in vehicles]},
    )  # fmt: skip


@router.post("/clients/{client_id}/assets/{asset_id}/override")
async def override_asset(request: Request, client_id: str, asset_id: str) -> Response:
    context, _, form = await guarded(request, with_form=True)
    field, raw = form.get("field", ""), form.get("value", "")
    if field == "pluggedInVehicleId":
        await context.engine.override(client_id, asset_id, {field: raw or None})
        return RedirectResponse(
            f"/dashboard/clients/{client_id}/assets/{asset_id}", status_code=303
        )
    parsers: dict[str, Callable[[str], Any]] = {
        "isPluggedIn": _boolean, "isDriving": _boolean, "isReachable": _boolean,
        "credentialsValid": _boolean, "failNextCommand": _boolean, "batteryLevel": float,
        "outdoorTemperature": float,
    }  # fmt: skip
    if field not in parsers:
        raise DomainError(f"Unknown override {field!r}.")
    try:
        value = parsers[field](raw)
    except ValueError:
        raise DomainError(f"{raw!r} is not a valid value for {field}.") from None
    async with context.db.session() as session:
        await clients.get_client(session, client_id)
    await context.engine.override(client_id, asset_id, {field: value})
    return RedirectResponse(f"/dashboard/clients/{client_id}/assets/{asset_id}", status_code=303)


@router.post("/clients/{client_id}/clock/advance")
async def advance_clock(request: Request, client_id: str) -> Response:
    context, _, form = await guarded(request, with_form=True)
    try:
        seconds = float(form.get("hours", "0")) * 3600
    except ValueError:
        raise DomainError("Hours must be a number.") from None
    async with context.db.session() as session:
        await clients.get_client(session, client_id)
        moment = await clock.advance(session, client_id, seconds)
    await context.engine.run_until(client_id, moment)
    back = form.get("back") or f"/dashboard/clients/{client_id}"
    if not back.startswith("/dashboard/"):
        back = f"/dashboard/clients/{client_id}"
    return RedirectResponse(back, status_code=303)


def _boolean(raw: str) -> bool:
    if raw not in ("true", "false"):
        raise ValueError(raw)
    return raw == "true"


async def error_page(request: Request, error: Exception) -> Response:
    """Errors on pages (dashboard and Link UI) as a readable page, never JSON."""
    context = context_of(request)
    if isinstance(error, LoginRequired):
        return RedirectResponse("/dashboard/login", status_code=303)
    if isinstance(error, DomainError):
        status, message = error.status, error.detail
    elif isinstance(error, RequestValidationError):
        status, message = 400, "The form is not valid."
    elif isinstance(error, HTTPException):
        status = error.status_code
        message = "This page does not exist." if status == 404 else str(error.detail)
    else:
        status, message = 500, "Something went wrong."
    cookie = request.cookies.get(sessions.COOKIE)
    return render_page(
        request, context, cookie, "error.html",
        {"status": status, "message": message, "back": request.headers.get("referer")},
        status=status,
    )  # fmt: skip
