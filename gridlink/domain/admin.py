"""The operator's admin password, kept as a slow hash in the settings table."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.auth.secrets import hash_password, new_password, password_matches
from gridlink.db.tables import Setting

_KEY = "admin_password_hash"


async def ensure_admin_password(session: AsyncSession, configured: str | None) -> str | None:
    """Makes sure an admin password exists. Returns the password when it was just
    generated (to be shown once); None when it was configured or already set."""
    stored = await session.get(Setting, _KEY)
    if configured:
        if stored is None or not password_matches(configured, stored.value):
            await set_admin_password(session, configured)
        return None
    if stored is not None:
        return None
    password = new_password()
    await set_admin_password(session, password)
    return password


async def set_admin_password(session: AsyncSession, password: str) -> None:
    stored = await session.get(Setting, _KEY)
    if stored is None:
        session.add(Setting(key=_KEY, value=hash_password(password)))
    else:
        stored.value = hash_password(password)
    await session.flush()


async def admin_password_hash(session: AsyncSession) -> str | None:
    stored = await session.get(Setting, _KEY)
    return stored.value if stored else None


async def check_admin_password(session: AsyncSession, password: str) -> bool:
    stored = await admin_password_hash(session)
    return stored is not None and password_matches(password, stored)
