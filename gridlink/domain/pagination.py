"""Cursor pagination, newest first, shared by every list.

A cursor is an opaque token around a row's monotonically growing key, so a page
stays correct while rows are added before or after it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from gridlink.domain.errors import BadRequest

DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    after: str | None = None
    before: str | None = None
    page_size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if self.after is not None and self.before is not None:
            raise BadRequest("Use either `after` or `before`, not both.")
        if not 0 < self.page_size <= MAX_PAGE_SIZE:
            raise BadRequest(f"pageSize must be between 1 and {MAX_PAGE_SIZE}.")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    after: str | None
    before: str | None


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("k:"):
            raise ValueError(cursor)
        return int(text[2:])
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise BadRequest("The pagination cursor is not valid.") from error


async def paginate(
    session: AsyncSession | AsyncConnection,
    query: Select[T],
    key: InstrumentedAttribute[Any],
    request: PageRequest,
    *,
    rows_of_columns: bool = False,
) -> Page[T]:
    """One page of `query` ordered by `key` descending (newest first): ORM
    objects, or with `rows_of_columns` the rows of a query of columns."""
    size = request.page_size

    async def fetch(statement: Select[T]) -> list[Any]:
        if rows_of_columns:
            return list(await session.execute(statement))
        return list(await session.scalars(statement))

    if request.before is not None:
        # Walk towards newer rows, then put them back in newest-first order.
        pivot = decode_cursor(request.before)
        rows = await fetch(query.where(key > pivot).order_by(key.asc()).limit(size + 1))
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        newer, older = has_newer, True
    else:
        filtered = query
        if request.after is not None:
            filtered = query.where(key < decode_cursor(request.after))
        rows = await fetch(filtered.order_by(key.desc()).limit(size + 1))
        older = len(rows) > size
        rows = rows[:size]
        newer = request.after is not None
    if not rows:
        return Page(items=[], after=None, before=None)
    first, last = getattr(rows[0], key.key), getattr(rows[-1], key.key)
    return Page(
        items=rows,
        after=encode_cursor(last) if older else None,
        before=encode_cursor(first) if newer else None,
    )
