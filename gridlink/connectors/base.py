"""What every connector offers the rest of gridlink.

A connector reaches devices one way: a vendor account (the sandbox's virtual
accounts, a vendor's cloud), a device that connects to gridlink (OCPP), or a
device gridlink reads on the user's network (SunSpec Modbus TCP). It says how
Link UI links a brand's devices, reports what the devices say and executes
commands; it never writes API JSON or sends webhooks.

Link UI knows the three ways of linking below, not the connectors: a new
connector brings its own texts and plugs into one of them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import User
from gridlink.domain.actions import Executor

# Link UI texts a connector brings: language → key → text (en-US is the fallback).
Texts = Mapping[str, Mapping[str, str]]


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


# ---- how Link UI links a brand's devices ----


@dataclass(frozen=True)
class Shown:
    """A value the user copies into the device's own settings."""

    key: str  # stable: the page element's id
    label: str  # a text key
    value: str


@dataclass(frozen=True)
class Asked:
    """A field the user fills in on the device-address form."""

    key: str  # the form field's name and id
    label: str  # text keys
    hint: str
    default: str = ""
    max_length: int = 253
    numeric: bool = False


class DeviceConnects(ABC):
    """The device connects to gridlink itself: Link UI shows the values to enter in
    it and finishes when the device has connected."""

    heading: str  # text keys, given {brand} and {assets}
    body: str
    waiting: str  # shown when the user moves on before the device has connected

    @abstractmethod
    async def prepare(
        self, session: AsyncSession, user: User, vendor: str, scopes: list[str], now: datetime
    ) -> dict[str, str]:
        """Sets the device up; returns what Link UI keeps (sealed) until it connects."""

    @abstractmethod
    def shown(self, prepared: dict[str, str], public_url: str) -> list[Shown]: ...

    @abstractmethod
    async def connected(self, session: AsyncSession, prepared: dict[str, str]) -> bool:
        """Whether the device has connected; once it has, its assets exist."""


@dataclass
class EnteredRejected(Exception):
    """What the user entered doesn't lead to a device: a text key and its values,
    and a technical detail to show beneath it."""

    text: str
    values: dict[str, object] = field(default_factory=dict)
    detail: str | None = None


class DeviceAtAddress(ABC):
    """gridlink reaches the device on the user's network: Link UI asks where it is."""

    heading: str  # text keys, given {brand} and {assets}
    body: str
    submit: str
    asked: tuple[Asked, ...]

    @abstractmethod
    async def link(
        self,
        session: AsyncSession,
        user: User,
        vendor: str,
        asset_types: list[str],
        scopes: list[str],
        entered: dict[str, str],
        now: datetime,
    ) -> None:
        """Finds the device and creates its assets; EnteredRejected if it can't."""


Linking = VendorAccounts | DeviceConnects | DeviceAtAddress


class Connector(Executor, Protocol):
    """One way of reaching devices, plugged into gridlink (see registry.installed)."""

    name: str
    texts: Texts

    def linking(
        self, session: AsyncSession, environment: str, vendor: str | None, asset_types: list[str]
    ) -> Linking | None:
        """How Link UI links this brand's devices of these types for a client in this
        environment, or None where this connector doesn't reach them."""
        ...

    def routes(self) -> APIRouter | None:
        """Endpoints the devices or the vendor call (OCPP's websocket), if any."""
        ...

    async def run(self) -> None:
        """Background work (polling devices) until cancelled."""
        ...

    def changed(self, keys: set[str]) -> None:
        """These keys (gridlink.db.changes) changed in a commit here or in another
        process sharing the database."""
        ...

    async def close(self) -> None: ...
