"""What every connector offers the rest of gridlink.

A connector knows how to sign in to a vendor account and which devices that
account holds. It reports what the device says and executes commands; it never
writes API JSON or sends webhooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class LinkedDevice:
    asset_type: str
    vendor: str
    # The connector's own handle for the device (a virtual asset id, a charge point id).
    device_ref: str
    model: str
    name: str


class SignInRejected(Exception):
    """The vendor did not accept the username and password."""


class VendorAccounts(Protocol):
    async def sign_in(
        self, client_id: str, vendor: str, asset_types: list[str], username: str, password: str
    ) -> list[LinkedDevice]:
        """The devices of the requested types in the account; SignInRejected if the
        credentials are wrong or the account holds none of those types."""
        ...

    async def now(self, client_id: str) -> datetime:
        """The time as this connector's devices know it (a sandbox clock)."""
        ...

    async def devices_linked(self, client_id: str, devices: list[LinkedDevice]) -> None:
        """The devices now belong to a user: start watching them."""
        ...
