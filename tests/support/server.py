"""A real gridlink server process on loopback, and helpers that talk to it."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.postgres import free_port
from tests.support.threads import run_async

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Credentials:
    client_id: str
    client_secret: str

    @property
    def basic(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


@dataclass
class Server:
    """One running gridlink and the database behind it."""

    backend: str
    database_url: str
    data_dir: Path
    secret_key: str
    admin_password: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    output: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            GRIDLINK_DATA_DIR=str(self.data_dir),
            GRIDLINK_DATABASE_URL=self.database_url,
            GRIDLINK_SECRET_KEY=self.secret_key,
            GRIDLINK_ADMIN_PASSWORD=self.admin_password,
            GRIDLINK_PUBLIC_URL=self.url,
            GRIDLINK_BOOTSTRAP="0",
            # Receivers in tests listen on loopback; retries give up within seconds.
            GRIDLINK_ALLOW_INSECURE_WEBHOOKS="1",
            GRIDLINK_WEBHOOK_RETRY_WINDOW_SANDBOX="6",
            GRIDLINK_WEBHOOK_HEARTBEAT_INTERVAL="3",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        self.output = self.data_dir / "server.log"
        log = self.output.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gridlink", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gridlink exited:\n{self.output.read_text()}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=1).status_code == 204:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gridlink did not become ready:\n{self.output.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gridlink", *args],
            env=self.env, cwd=ROOT, capture_output=True, text=True, check=check, timeout=120,
        )  # fmt: skip

    # Direct domain calls: quicker than the CLI for set-up the tests are not about.
    def _domain(self, work: Any) -> Any:
        from gridlink.crypto import Vault
        from gridlink.db.engine import Database

        async def main() -> Any:
            db = Database(self.database_url)
            try:
                async with db.session() as session:
                    return await work(session, Vault(self.secret_key.encode()))
            finally:
                await db.dispose()

        return run_async(main())

    def new_client(
        self, environment: str = "sandbox", default_api_version: str = "2024-10-01"
    ) -> Credentials:
        from gridlink.domain.clients import create_client

        async def work(session: Any, _vault: Any) -> Credentials:
            client, secret = await create_client(
                session, f"test-{secrets.token_hex(3)}", environment, default_api_version
            )
            return Credentials(client.id, secret)

        result: Credentials = self._domain(work)
        return result

    def virtual_asset(
        self, client_id: str, asset_type: str = "vehicle", vendor: str = "TESLA"
    ) -> dict[str, Any]:
        from gridlink.connectors.sandbox.accounts import create_virtual_asset, describe
        from gridlink.domain.clients import get_client

        async def work(session: Any, vault: Any) -> dict[str, Any]:
            client = await get_client(session, client_id)
            asset, _ = await create_virtual_asset(session, vault, client, asset_type, vendor)
            return describe(asset, vault)

        result: dict[str, Any] = self._domain(work)
        return result

    def set_accept_any(self, client_id: str) -> None:
        from gridlink.domain.clients import set_accept_any_credentials

        async def work(session: Any, _vault: Any) -> None:
            await set_accept_any_credentials(session, client_id, True)

        self._domain(work)

    def token(self, credentials: Credentials) -> str:
        response = httpx.post(
            f"{self.url}/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": credentials.basic},
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def api(self, credentials: Credentials) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.token(credentials)}"},
            timeout=30,
        )


def new_data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gridlink-test-"))


def expire_link(server: Server, link_token: str) -> None:
    """Moves a Link session's expiry into the past, as if 24 hours had gone by."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from gridlink.db.tables import LinkSession
    from gridlink.domain.link_sessions import _hash_token

    async def work(session: Any, _vault: Any) -> None:
        await session.execute(
            update(LinkSession)
            .where(LinkSession.token_hash == _hash_token(link_token))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    server._domain(work)
