"""The sandbox as a connector: Link UI signs in to its virtual vendor accounts, and
commands go to the simulated devices. The Engine's ticks (gridlink.runtime.loops)
move the devices along, so there is nothing else to run."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import Linking, Texts
from gridlink.connectors.sandbox.accounts import SandboxAccounts
from gridlink.connectors.sandbox.engine import SandboxConnector
from gridlink.crypto import Vault


class Sandbox(SandboxConnector):
    name = "sandbox"
    texts: Texts = {}

    def __init__(self, action_delay_seconds: float, vault: Vault) -> None:
        super().__init__(action_delay_seconds)
        self.vault = vault

    def linking(
        self, session: AsyncSession, environment: str, vendor: str | None, asset_types: list[str]
    ) -> Linking | None:
        return SandboxAccounts(session, self.vault) if environment == "sandbox" else None

    def routes(self) -> None:
        return None

    def changed(self, keys: set[str]) -> None:
        return None

    async def run(self) -> None:
        return None

    async def close(self) -> None:
        return None
