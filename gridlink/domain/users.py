"""End users of a client, and the vendor accounts they linked."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gridlink.db.changes import mark_changed, user_key
from gridlink.db.tables import Asset, User, VendorConnection
from gridlink.domain import clock, hem_systems
from gridlink.domain.assets import delete_assets
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.pagination import Page, PageRequest, paginate
from gridlink.domain.text import has_control_characters

MAX_USER_ID_LENGTH = 255


def _check_user_id(user_id: str) -> None:
    if not user_id or len(user_id) > MAX_USER_ID_LENGTH:
        raise BadRequest(f"userId must be 1 to {MAX_USER_ID_LENGTH} characters.")
    if has_control_characters(user_id):
        raise BadRequest("userId must not contain control characters.")


async def find_user(session: AsyncSession, client_id: str, user_id: str) -> User | None:
    return await session.scalar(
        select(User).where(User.client_id == client_id, User.user_id == user_id)
    )


async def get_user(session: AsyncSession, client_id: str, user_id: str) -> User:
    user = await find_user(session, client_id, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id!r}.")
    return user


async def ensure_user(session: AsyncSession, client_id: str, user_id: str) -> User:
    """The user, created on first mention as Enode does."""
    _check_user_id(user_id)
    user = await find_user(session, client_id, user_id)
    if user is not None:
        return user
    try:
        async with session.begin_nested():
            user = User(client_id=client_id, user_id=user_id, created_at=datetime.now(UTC))
            session.add(user)
    except IntegrityError:
        # Another request created the same user a moment ago.
        user = await get_user(session, client_id, user_id)
    return user


async def list_users(session: AsyncSession, client_id: str, page: PageRequest) -> Page[User]:
    return await paginate(session, select(User).where(User.client_id == client_id), User.pk, page)


async def user_pk_of(connection: AsyncConnection, client_id: str, user_id: str) -> int | None:
    pk: int | None = await connection.scalar(
        select(User.pk).where(User.client_id == client_id, User.user_id == user_id)
    )
    return pk


LinkedVendor = tuple[str, str, bool]  # vendor, vendor type, credentials valid


async def linked_vendors_of(
    connection: AsyncConnection, client_id: str, user_id: str
) -> list[LinkedVendor] | None:
    """The user's linked vendors in one query; None when there is no such user."""
    rows = (
        await connection.execute(
            select(
                User.pk,
                VendorConnection.vendor,
                VendorConnection.vendor_type,
                VendorConnection.is_valid,
            )
            .outerjoin(VendorConnection, VendorConnection.user_pk == User.pk)
            .where(User.client_id == client_id, User.user_id == user_id)
            .order_by(VendorConnection.pk)
        )
    ).all()
    if not rows:
        return None
    return [(r.vendor, r.vendor_type, r.is_valid) for r in rows if r.vendor is not None]


async def delete_user(session: AsyncSession, client_id: str, user_id: str) -> None:
    user = await find_user(session, client_id, user_id)
    if user is None:
        return
    now = await clock.now(session, client_id)
    await delete_assets(session, now, Asset.user_pk == user.pk)
    await hem_systems.forget_empty(session, user.pk, now, everything=True)
    await session.execute(delete(User).where(User.client_id == client_id, User.user_id == user_id))
    await mark_changed(session, user_key(client_id, user_id))


async def deauthorize(session: AsyncSession, client_id: str, user_id: str) -> None:
    """Forget the user's vendor credentials but keep everything else."""
    user = await find_user(session, client_id, user_id)
    if user is None:
        return
    await session.execute(
        update(VendorConnection)
        .where(VendorConnection.user_pk == user.pk)
        .values(credentials_encrypted=None, is_valid=False)
    )
    await mark_changed(session, user_key(client_id, user_id))


async def disconnect_vendor(
    session: AsyncSession,
    client_id: str,
    user_id: str,
    vendor: str,
    vendor_type: str | None = None,
) -> None:
    user = await find_user(session, client_id, user_id)
    if user is None:
        return
    condition = (VendorConnection.user_pk == user.pk) & (VendorConnection.vendor == vendor)
    if vendor_type is not None:
        condition &= VendorConnection.vendor_type == vendor_type
    now = await clock.now(session, client_id)
    await delete_assets(
        session, now, Asset.connection_pk.in_(select(VendorConnection.pk).where(condition))
    )
    await session.execute(delete(VendorConnection).where(condition))
    await hem_systems.forget_empty(session, user.pk, now)
    await mark_changed(session, user_key(client_id, user_id))
