"""Where a webhook may point. A server must not be turned against its own
network, so loopback, private and other special addresses are refused unless
the operator allows them (GRIDLINK_ALLOW_INSECURE_WEBHOOKS=1)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from gridlink.domain.errors import BadRequest

_RESOLVE_SECONDS = 2.0


def check_form(url: str, environment: str, allow_insecure: bool) -> str:
    """The URL's host, if its form is acceptable; raises BadRequest if not."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a malformed port
    except ValueError as error:
        raise BadRequest(f"url is not a valid URL: {error}.") from None
    schemes = {"https"} if environment == "production" and not allow_insecure else {"https", "http"}
    if parts.scheme not in schemes:
        need = "https" if schemes == {"https"} else "http or https"
        raise BadRequest(f"url must use {need}, not {parts.scheme or 'no scheme'!r}.")
    if not parts.hostname:
        raise BadRequest("url needs a host name.")
    if parts.username or parts.password:
        raise BadRequest("url must not carry a user name or password; use authentication.")
    return parts.hostname


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve(host: str) -> list[str]:
    """The addresses a host name stands for (empty if it does not resolve now)."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), _RESOLVE_SECONDS
        )
    except (OSError, TimeoutError):
        return []
    return sorted({str(info[4][0]) for info in infos})


async def check_destination(url: str, environment: str, allow_insecure: bool) -> None:
    """Refuses URLs whose host is, or resolves to, a non-public address. A name
    that does not resolve yet is accepted: delivery checks again each time."""
    host = check_form(url, environment, allow_insecure)
    if allow_insecure:
        return
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        raise BadRequest("url points at this machine (localhost), which is not allowed.")
    for address in await resolve(host):
        if not is_public(address):
            raise BadRequest(
                f"url points at {address}, a loopback, private or reserved address, "
                "which is not allowed."
            )
