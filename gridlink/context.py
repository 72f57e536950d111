"""What a running gridlink holds: settings, database, keys. Built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from gridlink.auth.caller import ClientCache
from gridlink.auth.tokens import TokenSigner
from gridlink.config import Settings
from gridlink.crypto import Vault, signing_key
from gridlink.db.engine import Database


@dataclass
class Context:
    settings: Settings
    db: Database
    vault: Vault
    signer: TokenSigner
    clients: ClientCache

    @classmethod
    def build(cls, settings: Settings) -> Context:
        db = Database(settings.database_url)
        return cls(
            settings=settings,
            db=db,
            vault=Vault(settings.secret_key),
            signer=TokenSigner(signing_key(settings.secret_key)),
            clients=ClientCache(db),
        )


def context_of(request: Request) -> Context:
    context: Context = request.app.state.context
    return context
