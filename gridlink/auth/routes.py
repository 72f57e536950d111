"""POST /oauth2/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, unquote

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from gridlink.auth.tokens import EXPIRES_IN
from gridlink.context import context_of
from gridlink.domain import versions
from gridlink.domain.clients import is_client_id

router = APIRouter()
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_MAX_BODY = 8192


def _oauth_error(status: int, error: str, description: str) -> Response:
    headers = {**_NO_STORE, "Enode-Version": versions.LATEST}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="gridlink", charset="UTF-8"'
    return Response(
        orjson.dumps({"error": error, "error_description": description}),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    # RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote(client_id), unquote(secret)


@router.post("/oauth2/token", tags=["Authentication"], summary="Get an access token")
async def issue_token(request: Request) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > _MAX_BODY:
        return _oauth_error(400, "invalid_request", "The request body is too large.")
    if body and content_type != "application/x-www-form-urlencoded":
        return _oauth_error(
            400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded."
        )
    form = {k: v for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    if any(len(values) > 1 for values in form.values()):
        return _oauth_error(400, "invalid_request", "A parameter was sent more than once.")
    params = {k: v[0] for k, v in form.items()}

    basic = _basic_credentials(request.headers.get("authorization", ""))
    in_body = "client_id" in params or "client_secret" in params
    if basic is not None and in_body:
        return _oauth_error(
            400, "invalid_request", "Send client credentials either by Basic auth or in the body."
        )
    grant_type = params.get("grant_type")
    if grant_type is None:
        return _oauth_error(400, "invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "Only the client_credentials grant is supported."
        )
    client_id, secret = basic or (params.get("client_id", ""), params.get("client_secret", ""))
    if not client_id or not secret:
        return _oauth_error(401, "invalid_client", "Client authentication is required.")

    context = context_of(request)
    caller = await context.clients.get(client_id) if is_client_id(client_id) else None
    if caller is None or not caller.secret_matches(secret):
        return _oauth_error(401, "invalid_client", "Client authentication failed.")
    token = context.signer.issue(caller.client_id, caller.secret_version)
    return Response(
        orjson.dumps(
            {"access_token": token, "expires_in": EXPIRES_IN, "scope": "", "token_type": "bearer"}
        ),
        media_type="application/json",
        headers={**_NO_STORE, "Enode-Version": versions.LATEST},
    )
