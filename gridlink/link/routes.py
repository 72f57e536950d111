"""Link UI: the hosted pages behind a linkUrl. Plain forms, no JavaScript needed.

Every POST moves the session one step through gridlink.domain.link_sessions and
redirects back (post/redirect/get), so reloading never repeats an action.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from gridlink.connectors.base import (
    Connector,
    DeviceAtAddress,
    DeviceConnects,
    EnteredRejected,
    Linking,
    Shown,
    SignInRejected,
)
from gridlink.context import Context, context_of
from gridlink.db.tables import Client, LinkSession, User
from gridlink.domain import link_sessions as flow
from gridlink.domain.errors import BadRequest
from gridlink.domain.vendors import display_name
from gridlink.link.translations import Translator, choose_language

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSRF_COOKIE = "gridlink_link"
_STEPS_SIGNING_IN = (flow.INTRO, flow.BRAND, flow.REVIEW, flow.SIGN_IN, flow.CODE, flow.SUCCESS)
_STEPS_CONNECTING = (flow.INTRO, flow.BRAND, flow.REVIEW, flow.CONNECT_DEVICE, flow.SUCCESS)
_STEPS_ASKING = (flow.INTRO, flow.BRAND, flow.REVIEW, flow.ASK_ADDRESS, flow.SUCCESS)


@dataclass(frozen=True)
class Way:
    """How this link's devices are linked: the connector that reaches them, and how."""

    connector: Connector
    linking: Linking


def _translator(request: Request, link: LinkSession | None, way: Way | None = None) -> Translator:
    requested = link.language if link is not None else "browser"
    language = choose_language(requested, request.headers.get("accept-language"))
    return Translator(language, way.connector.texts if way is not None else None)


async def _way(context: Context, session: Any, link: LinkSession) -> Way | None:
    """Asks the connectors how this brand's devices are linked for this client."""
    client = await session.get(Client, link.client_id)
    if client is None:
        return None
    found = context.executor.linking(
        session, client.environment, link.chosen_vendor, link.vendor_types
    )
    return Way(*found) if found is not None else None


def _message(request: Request, link: LinkSession | None, which: str, status: int) -> Response:
    t = _translator(request, link)
    return templates.TemplateResponse(
        request,
        "message.html",
        {
            "t": t,
            "scheme": link.color_scheme if link else "system",
            "heading": t(f"{which}_heading"),
            "body": t(f"{which}_body"),
        },
        status_code=status,
    )


def _page(
    request: Request,
    link: LinkSession,
    token: str,
    way: Way | None,
    error: str | None = None,
    status: int = 200,
    username: str = "",
    entered: dict[str, str] | None = None,
    error_detail: str | None = None,
) -> Response:
    t = _translator(request, link, way)
    brand = display_name(link.chosen_vendor) if link.chosen_vendor else ""
    assets = t.join([t(f"asset.{kind}") for kind in link.vendor_types])
    linking = way.linking if way is not None else None
    shown: tuple[str, ...] = _STEPS_SIGNING_IN
    if isinstance(linking, DeviceConnects):
        shown = _STEPS_CONNECTING
    elif isinstance(linking, DeviceAtAddress):
        shown = _STEPS_ASKING
    steps = [s for s in shown if s != flow.BRAND or link.vendor is None]
    context: dict[str, Any] = {
        "t": t,
        "scheme": link.color_scheme,
        "link": link,
        "action": f"/link/{token}",
        "csrf": link.csrf_token,
        "brand": brand,
        "assets": assets,
        "error": error,
        "step_number": steps.index(link.step) + 1 if link.step in steps else len(steps),
        "step_total": len(steps),
        "brands": [(v, display_name(v)) for v in flow.brands(link)],
        "scopes": [t(f"scope.{scope}") for scope in link.scopes],
        "can_go_back": link.vendor is None,
        "username": username,
        "way": linking,
        "shown": _shown(request, link, linking),
        "entered": entered or {},
        "error_detail": error_detail,
    }
    response = templates.TemplateResponse(request, f"{link.step}.html", context, status_code=status)
    response.set_cookie(
        CSRF_COOKIE,
        link.csrf_token,
        path=f"/link/{token}",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _shown(request: Request, link: LinkSession, linking: Linking | None) -> list[Shown]:
    """What the user enters in a device that connects to gridlink itself."""
    if not isinstance(linking, DeviceConnects) or link.pending_credentials is None:
        return []
    context = context_of(request)
    prepared = context.vault.open(link.pending_credentials)
    return linking.shown(prepared, context.settings.public_url)


def _redirect_with(uri: str, params: dict[str, str]) -> str:
    if not params:
        return uri
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


async def _load(context: Context, session: Any, token: str) -> LinkSession | None:
    return await flow.find_by_token(session, token)


async def _device_connected(
    context: Context, session: Any, link: LinkSession, way: Way | None
) -> bool:
    """Whether the device set up for this link has connected; if so, it is linked."""
    if way is None or not isinstance(way.linking, DeviceConnects):
        return False
    if link.pending_credentials is None:
        return False
    if not await way.linking.connected(session, context.vault.open(link.pending_credentials)):
        return False
    flow.device_connected(link)
    return True


def _gate(request: Request, link: LinkSession | None) -> Response | None:
    """The page shown instead of the flow when the link cannot be used."""
    if link is None:
        return _message(request, None, "unknown", 404)
    if flow.is_finished(link):
        return _message(request, link, "used", 410)
    if link.step != flow.SUCCESS and flow.is_expired(link):
        return _message(request, link, "expired", 410)
    return None


@router.get("/link/{token}")
async def show(request: Request, token: str) -> Response:
    context = context_of(request)
    async with context.db.session() as session:
        link = await _load(context, session, token)
        blocked = _gate(request, link)
        if blocked is not None:
            return blocked
        assert link is not None
        way = await _way(context, session, link)
        if link.step == flow.CONNECT_DEVICE:
            # The page reloads itself while the device is set up; it moves on once connected.
            await _device_connected(context, session, link, way)
        return _page(request, link, token, way)


@router.post("/link/{token}")
async def advance(request: Request, token: str) -> Response:
    context = context_of(request)
    form = await request.form()
    field = {k: v for k, v in form.items() if isinstance(v, str)}
    async with context.db.session() as session:
        link = await _load(context, session, token)
        blocked = _gate(request, link)
        if blocked is not None:
            return blocked
        assert link is not None
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = field.get("csrf", "")
        if not (
            hmac.compare_digest(sent.encode(), link.csrf_token.encode())
            and hmac.compare_digest(cookie.encode(), link.csrf_token.encode())
        ):
            return _message(request, link, "csrf", 403)
        if field.get("step") != link.step:
            # A stale form (another tab, the back button): show where the flow is now.
            return RedirectResponse(f"/link/{token}", status_code=303)

        action = field.get("action", "continue")
        if action == "cancel":
            flow.cancel(link)
            t = _translator(request, link)
            return RedirectResponse(
                _redirect_with(
                    link.redirect_uri,
                    {"error": "user_cancelled", "error_message": t("cancelled_message")},
                ),
                status_code=303,
            )
        way = await _way(context, session, link)
        failed = await _step(context, session, request, link, token, way, action, field)
        if failed is not None:
            return failed
        if link.step == flow.DONE:
            return RedirectResponse(link.redirect_uri, status_code=303)
    return RedirectResponse(f"/link/{token}", status_code=303)


async def _step(
    context: Context,
    session: Any,
    request: Request,
    link: LinkSession,
    token: str,
    way: Way | None,
    action: str,
    field: dict[str, str],
) -> Response | None:
    """Moves the link one step on; the page to show instead when the input is wrong."""
    t = _translator(request, link, way)
    linking = way.linking if way is not None else None
    user = await session.get(User, link.user_pk)
    assert user is not None
    step = link.step
    if step == flow.INTRO:
        flow.start(link)
    elif step == flow.BRAND:
        try:
            flow.choose_brand(link, field.get("vendor", ""))
        except BadRequest:
            return _page(request, link, token, way, status=400)
    elif step == flow.REVIEW:
        if action == "back":
            flow.back_to_brands(link)
        elif linking is None:
            brand = display_name(link.chosen_vendor) if link.chosen_vendor else ""
            assets = t.join([t(f"asset.{kind}") for kind in link.vendor_types])
            message = t("review_unavailable", brand=brand, assets=assets)
            return _page(request, link, token, way, message, 400)
        elif isinstance(linking, DeviceConnects):
            assert link.chosen_vendor is not None
            prepared = await linking.prepare(
                session, user, link.chosen_vendor, link.scopes, datetime.now(UTC)
            )
            link.pending_credentials = context.vault.seal(prepared)
            flow.accept_review(link, device_connects=True)
        elif isinstance(linking, DeviceAtAddress):
            flow.accept_review(link, device_at_address=True)
        else:
            flow.accept_review(link)
    elif step == flow.CONNECT_DEVICE:
        if not await _device_connected(context, session, link, way):
            waiting = linking.waiting if isinstance(linking, DeviceConnects) else "unknown_body"
            return _page(request, link, token, way, t(waiting), 400)
    elif step == flow.ASK_ADDRESS:
        if not isinstance(linking, DeviceAtAddress):
            return _page(request, link, token, way, t("unknown_body"), 400)
        entered = {a.key: field.get(a.key, "").strip()[: a.max_length] for a in linking.asked}
        assert link.chosen_vendor is not None
        try:
            await linking.link(
                session, user, link.chosen_vendor, link.vendor_types, link.scopes,
                entered, datetime.now(UTC),
            )  # fmt: skip
        except EnteredRejected as rejected:
            assets = t.join([t(f"asset.{kind}") for kind in link.vendor_types])
            message = t(rejected.text, assets=assets, **rejected.values)
            return _page(
                request, link, token, way, message, 400,
                entered=entered, error_detail=rejected.detail,
            )  # fmt: skip
        flow.device_connected(link)
    elif step in (flow.SIGN_IN, flow.CODE):
        if isinstance(linking, (DeviceConnects, DeviceAtAddress)) or linking is None:
            return _page(request, link, token, way, t("signin_error"), 400)
        if step == flow.SIGN_IN:
            username, password = field.get("username", ""), field.get("password", "")
            if not username.strip() or not password:
                return _page(request, link, token, way, t("signin_missing"), 400, username)
            try:
                await flow.sign_in(link, linking, context.vault, username, password)
            except SignInRejected:
                return _page(request, link, token, way, t("signin_error"), 400, username)
        else:
            if not flow.code_is_acceptable(field.get("code", "")):
                return _page(request, link, token, way, t("code_error"), 400)
            await flow.finish_linking(session, link, linking, context.vault)
    elif step == flow.SUCCESS:
        flow.complete(link)
    return None
