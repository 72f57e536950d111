"""Link UI: the hosted pages behind a linkUrl. Plain forms, no JavaScript needed.

Every POST moves the session one step through gridlink.domain.link_sessions and
redirects back (post/redirect/get), so reloading never repeats an action.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from gridlink.connectors.base import SignInRejected
from gridlink.connectors.ocpp import provisioning as ocpp
from gridlink.connectors.sandbox.accounts import SandboxAccounts
from gridlink.connectors.sunspec import brands as sunspec
from gridlink.connectors.sunspec.connector import NoSunSpecDevice, link_device
from gridlink.connectors.sunspec.device import Address, Unreachable
from gridlink.context import Context, context_of
from gridlink.db.tables import Client, LinkSession, OcppChargePoint, User
from gridlink.domain import link_sessions as flow
from gridlink.domain.errors import BadRequest
from gridlink.domain.vendors import display_name
from gridlink.link.translations import Translator, choose_language

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSRF_COOKIE = "gridlink_link"
_STEPS_SHOWN = (flow.INTRO, flow.BRAND, flow.REVIEW, flow.SIGN_IN, flow.CODE, flow.SUCCESS)
_STEPS_OVER_OCPP = (flow.INTRO, flow.BRAND, flow.REVIEW, flow.CONNECT_DEVICE, flow.SUCCESS)
_STEPS_OVER_SUNSPEC = (flow.INTRO, flow.BRAND, flow.REVIEW, flow.SCAN_DEVICE, flow.SUCCESS)
# A host name: dot-separated labels of letters, digits and inner hyphens.
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


def _translator(request: Request, link: LinkSession | None) -> Translator:
    requested = link.language if link is not None else "browser"
    return Translator(choose_language(requested, request.headers.get("accept-language")))


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
    error: str | None = None,
    status: int = 200,
    username: str = "",
    over_ocpp: bool = False,
    over_sunspec: bool = False,
    device: dict[str, str] | None = None,
    error_detail: str | None = None,
) -> Response:
    t = _translator(request, link)
    brand = display_name(link.chosen_vendor) if link.chosen_vendor else ""
    assets = t.join([t(f"asset.{kind}") for kind in link.vendor_types])
    over_ocpp = over_ocpp or link.step == flow.CONNECT_DEVICE
    over_sunspec = over_sunspec or link.step == flow.SCAN_DEVICE
    shown: tuple[str, ...]
    if over_ocpp:
        shown = _STEPS_OVER_OCPP
    elif over_sunspec:
        shown = _STEPS_OVER_SUNSPEC
    else:
        shown = _STEPS_SHOWN
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
        "step_number": steps.index(link.step) + 1,
        "step_total": len(steps),
        "brands": [(v, display_name(v)) for v in flow.brands(link)],
        "scopes": [t(f"scope.{scope}") for scope in link.scopes],
        "can_go_back": link.vendor is None,
        "username": username,
        "ocpp": _ocpp_values(request, link) if link.step == flow.CONNECT_DEVICE else None,
        "device": device
        or {"host": "", "port": str(sunspec.DEFAULT_PORT), "unit": str(sunspec.DEFAULT_UNIT)},
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


def _redirect_with(uri: str, params: dict[str, str]) -> str:
    if not params:
        return uri
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


async def _load(context: Context, session: Any, token: str) -> LinkSession | None:
    return await flow.find_by_token(session, token)


async def _over_ocpp(session: Any, link: LinkSession) -> bool:
    """A production client's charger connects to gridlink itself, over OCPP."""
    client = await session.get(Client, link.client_id)
    return (
        client is not None
        and client.environment == "production"
        and link.vendor_types == ["charger"]
    )


async def _over_sunspec(session: Any, link: LinkSession) -> bool:
    """A production client's inverter, battery or meter that gridlink reads itself on
    the user's network, over SunSpec Modbus TCP."""
    if not sunspec.links_by_address(link.chosen_vendor, link.vendor_types):
        return False
    client = await session.get(Client, link.client_id)
    return client is not None and client.environment == "production"


def _sunspec_address(entered: dict[str, str]) -> Address | str:
    """The address entered on the SunSpec form, or the key of what is wrong with it."""
    host = entered["host"].removeprefix("[").removesuffix("]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if len(host) > 253 or not _HOST_NAME.fullmatch(host):
            return "sunspec_host_error"
    port, unit = entered["port"], entered["unit"]
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        return "sunspec_port_error"
    if not (unit.isascii() and unit.isdigit() and 0 <= int(unit) <= 255):
        return "sunspec_unit_error"
    return Address(host, int(port), int(unit))


async def _link_sunspec(session: Any, link: LinkSession, address: Address) -> None:
    """Scans the device and creates the assets it holds; NoSunSpecDevice if none."""
    user = await session.get(User, link.user_pk)
    assert user is not None and link.chosen_vendor is not None
    await link_device(
        session,
        user,
        link.chosen_vendor,
        link.vendor_types,
        link.scopes,
        address,
        datetime.now(UTC),
    )
    flow.device_connected(link)


def _ocpp_values(request: Request, link: LinkSession) -> dict[str, str]:
    """What the user enters in the charger: the URL, its id, its password."""
    assert link.pending_credentials is not None
    sealed = context_of(request).vault.open(link.pending_credentials)
    base = context_of(request).settings.public_url
    scheme, _, rest = base.partition("://")
    socket_scheme = "wss" if scheme == "https" else "ws"
    return {
        "url": f"{socket_scheme}://{rest}/ocpp/{sealed['chargePointId']}",
        "chargePointId": sealed["chargePointId"],
        "password": sealed["password"],
    }


async def _provision_charger(context: Context, session: Any, link: LinkSession) -> None:
    user = await session.get(User, link.user_pk)
    assert user is not None and link.chosen_vendor is not None
    provisioned = await ocpp.provision(
        session, user, link.chosen_vendor, link.scopes, datetime.now(UTC)
    )
    link.pending_credentials = context.vault.seal(
        {"chargePointId": provisioned.charge_point_id, "password": provisioned.password}
    )


async def _charger_booted(context: Context, session: Any, link: LinkSession) -> bool:
    """Whether the charger of this link has connected and booted; if so, it is linked."""
    if link.pending_credentials is None:
        return False
    sealed = context.vault.open(link.pending_credentials)
    point = await session.get(OcppChargePoint, sealed["chargePointId"])
    if point is None or point.booted_at is None:
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
        if link.step == flow.CONNECT_DEVICE:
            # The page reloads itself while the charger is set up; it moves on once booted.
            await _charger_booted(context, session, link)
        return _page(
            request,
            link,
            token,
            over_ocpp=await _over_ocpp(session, link),
            over_sunspec=await _over_sunspec(session, link),
        )


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
        t = _translator(request, link)
        if action == "cancel":
            flow.cancel(link)
            return RedirectResponse(
                _redirect_with(
                    link.redirect_uri,
                    {"error": "user_cancelled", "error_message": t("cancelled_message")},
                ),
                status_code=303,
            )
        accounts = SandboxAccounts(session, context.vault)
        step = link.step
        if step == flow.INTRO:
            flow.start(link)
        elif step == flow.BRAND:
            try:
                flow.choose_brand(link, field.get("vendor", ""))
            except BadRequest:
                return _page(request, link, token, status=400)
        elif step == flow.REVIEW:
            if action == "back":
                flow.back_to_brands(link)
            elif await _over_ocpp(session, link):
                await _provision_charger(context, session, link)
                flow.accept_review(link, device_connects=True)
            elif await _over_sunspec(session, link):
                flow.accept_review(link, device_scanned=True)
            else:
                flow.accept_review(link)
        elif step == flow.CONNECT_DEVICE:
            if not await _charger_booted(context, session, link):
                return _page(request, link, token, t("ocpp_waiting"), 400)
        elif step == flow.SCAN_DEVICE:
            entered = {k: field.get(k, "").strip()[:300] for k in ("host", "port", "unit")}
            address = _sunspec_address(entered)
            if isinstance(address, str):
                return _page(request, link, token, t(address), 400, device=entered)
            try:
                await _link_sunspec(session, link, address)
            except NoSunSpecDevice as error:
                where = {"host": address.host, "port": address.port, "unit": address.unit}
                if isinstance(error.__cause__, Unreachable):
                    message = t("sunspec_unreachable", **where)
                else:
                    kinds = t.join([t(f"asset.{kind}") for kind in link.vendor_types])
                    message = t("sunspec_missing", assets=kinds, **where)
                return _page(
                    request, link, token, message, 400, device=entered, error_detail=str(error)
                )
        elif step == flow.SIGN_IN:
            username, password = field.get("username", ""), field.get("password", "")
            if not username.strip() or not password:
                return _page(request, link, token, t("signin_missing"), 400, username)
            try:
                await flow.sign_in(link, accounts, context.vault, username, password)
            except SignInRejected:
                return _page(request, link, token, t("signin_error"), 400, username)
        elif step == flow.CODE:
            if not flow.code_is_acceptable(field.get("code", "")):
                return _page(request, link, token, t("code_error"), 400)
            await flow.finish_linking(session, link, accounts, context.vault)
        elif step == flow.SUCCESS:
            flow.complete(link)
            return RedirectResponse(link.redirect_uri, status_code=303)
    return RedirectResponse(f"/link/{token}", status_code=303)
