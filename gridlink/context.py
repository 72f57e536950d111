"""What a running gridlink holds: settings, database, keys. Built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from gridlink.auth.caller import ClientCache
from gridlink.auth.tokens import TokenSigner
from gridlink.config import Settings
from gridlink.connectors.registry import Connectors, installed
from gridlink.connectors.sandbox.engine import Engine, SandboxConnector
from gridlink.crypto import Vault, signing_key
from gridlink.db.engine import Database
from gridlink.runtime.read_cache import ReadCache
from gridlink.webhooks.dispatcher import Dispatcher


@dataclass
class Context:
    settings: Settings
    db: Database
    vault: Vault
    signer: TokenSigner
    clients: ClientCache
    reads: ReadCache
    engine: Engine
    # The connectors: commands to devices go each to the one that reaches it.
    executor: Connectors
    webhooks: Dispatcher

    @classmethod
    def build(cls, settings: Settings) -> Context:
        db = Database(settings.database_url)
        vault = Vault(settings.secret_key)
        connectors = installed(settings, db, vault)
        sandbox = connectors.named("sandbox")
        assert isinstance(sandbox, SandboxConnector)
        context = cls(
            settings=settings,
            db=db,
            vault=vault,
            signer=TokenSigner(signing_key(settings.secret_key)),
            clients=ClientCache(db),
            reads=ReadCache(),
            engine=Engine(db, sandbox),
            executor=connectors,
            webhooks=Dispatcher(db, vault, settings),
        )
        db.on_commit = context.changed
        return context

    def changed(self, keys: set[str]) -> None:
        """Drops what this process keeps of the changed keys."""
        self.reads.invalidate(keys)
        self.clients.invalidate(keys)
        self.webhooks.changed(keys)
        self.executor.changed(keys)

    def listening(self, on: bool) -> None:
        """Whether other processes' changes are being heard (PostgreSQL LISTEN).
        Across a gap, anything kept in memory may be stale: drop it all."""
        self.reads.clear()
        self.clients.clear()
        self.reads.enabled = on


def context_of(request: Request) -> Context:
    context: Context = request.app.state.context
    return context
