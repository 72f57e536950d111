"""Settings, read once from GRIDLINK_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8080


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    public_url: str
    secret_key: bytes
    admin_password: str | None
    bootstrap: bool
    # Sandbox seconds a simulated vendor takes to confirm a command.
    sandbox_action_delay: float = 5.0
    # Webhooks may point at loopback and private addresses, and production
    # clients' at plain http: for development and tests on one machine only.
    allow_insecure_webhooks: bool = False
    # How long failing deliveries are retried before a webhook turns inactive.
    webhook_retry_window: float = 24 * 3600.0
    webhook_retry_window_sandbox: float = 300.0
    # How often an idle webhook hears a system:heartbeat.
    webhook_heartbeat_interval: float = 300.0
    # Production clients' market prices: a CSV file or an HTTP feed of one.
    prices_csv: str | None = None
    prices_url: str | None = None
    # How often linked SunSpec devices are read.
    sunspec_poll_seconds: float = 60.0
    # How long a charger has to start or stop charging after accepting the command.
    ocpp_confirm_seconds: float = 120.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _secret_key(data_dir: Path) -> bytes:
    """The key that signs access tokens and encrypts vendor credentials.

    Taken from GRIDLINK_SECRET_KEY when set (needed when several machines share
    one database); otherwise generated once and kept beside the data, readable
    by its owner only.
    """
    configured = os.environ.get("GRIDLINK_SECRET_KEY")
    if configured:
        return configured.encode()
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def load_settings(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> Settings:
    data_dir = Path(os.environ.get("GRIDLINK_DATA_DIR", "data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get(
        "GRIDLINK_DATABASE_URL", f"sqlite+aiosqlite:///{data_dir / 'gridlink.db'}"
    )
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    public_url = os.environ.get("GRIDLINK_PUBLIC_URL", f"http://{shown_host}:{port}")
    return Settings(
        data_dir=data_dir,
        database_url=normalise_database_url(database_url),
        public_url=public_url.rstrip("/"),
        secret_key=_secret_key(data_dir),
        admin_password=os.environ.get("GRIDLINK_ADMIN_PASSWORD") or None,
        bootstrap=os.environ.get("GRIDLINK_BOOTSTRAP", "1") != "0",
        sandbox_action_delay=_seconds("GRIDLINK_SANDBOX_ACTION_DELAY", 5.0),
        allow_insecure_webhooks=os.environ.get("GRIDLINK_ALLOW_INSECURE_WEBHOOKS", "0") == "1",
        webhook_retry_window=_seconds("GRIDLINK_WEBHOOK_RETRY_WINDOW", 24 * 3600.0),
        webhook_retry_window_sandbox=_seconds("GRIDLINK_WEBHOOK_RETRY_WINDOW_SANDBOX", 300.0),
        webhook_heartbeat_interval=_seconds("GRIDLINK_WEBHOOK_HEARTBEAT_INTERVAL", 300.0),
        prices_csv=os.environ.get("GRIDLINK_PRICES_CSV") or None,
        prices_url=os.environ.get("GRIDLINK_PRICES_URL") or None,
        sunspec_poll_seconds=_seconds("GRIDLINK_SUNSPEC_POLL_SECONDS", 60.0),
        ocpp_confirm_seconds=_seconds("GRIDLINK_OCPP_CONFIRM_SECONDS", 120.0),
    )


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a number of seconds, not {raw!r}") from None
    if value < 0:
        raise SystemExit(f"{name} must not be negative")
    return value


def normalise_database_url(url: str) -> str:
    """Accept the plain URLs people paste and pick the async driver for them."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
