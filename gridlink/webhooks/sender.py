"""One POST to a receiver, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from gridlink.domain.errors import BadRequest
from gridlink.domain.webhook_urls import check_form, is_public, resolve

TIMEOUT_SECONDS = 5.0
# Kept of a receiver's answer: enough to debug, not enough to fill the disk.
MAX_RESPONSE_CHARS = 2000
USER_AGENT = "gridlink-webhooks"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    body: str | None = None
    headers: list[str] | None = None
    error: str | None = None

    @property
    def description(self) -> str:
        if self.ok:
            return f"The receiver answered {self.status}."
        if self.status is not None:
            return f"The receiver answered {self.status}; only 2xx counts as received."
        return self.error or "The request failed."


def new_http_client() -> httpx.AsyncClient:
    # No redirects: a 3xx must not send the signed body somewhere else.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    return httpx.AsyncClient(
        timeout=TIMEOUT_SECONDS, follow_redirects=False, limits=limits, trust_env=False
    )


async def post(
    http: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    environment: str,
    allow_insecure: bool,
) -> Outcome:
    try:
        host = check_form(url, environment, allow_insecure)
    except BadRequest as error:
        return Outcome(False, error=error.detail)
    if not allow_insecure:
        addresses = await resolve(host)
        if not addresses:
            return Outcome(False, error=f"Could not resolve {host}.")
        if not all(is_public(a) for a in addresses):
            return Outcome(False, error=f"{host} resolves to an address that is not allowed.")
    sent = {"content-type": "application/json", "user-agent": USER_AGENT, **headers}
    try:
        async with http.stream("POST", url, content=body, headers=sent) as response:
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) >= MAX_RESPONSE_CHARS:
                    break
    except httpx.TimeoutException:
        return Outcome(False, error=f"No answer within {TIMEOUT_SECONDS:g} seconds.")
    except httpx.HTTPError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:500])
    return Outcome(
        ok=200 <= response.status_code < 300,
        status=response.status_code,
        body=received[:MAX_RESPONSE_CHARS].decode("utf-8", "replace"),
        headers=[f"{name}: {value}" for name, value in response.headers.items()],
    )
