"""The pagination query of every list, and the shape of a page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from gridlink.domain.pagination import DEFAULT_PAGE_SIZE, Page, PageRequest


async def page_request(
    after: Annotated[str | None, Query()] = None,
    before: Annotated[str | None, Query()] = None,
    pageSize: Annotated[int, Query()] = DEFAULT_PAGE_SIZE,  # noqa: N803 - the wire name
) -> PageRequest:
    return PageRequest(after=after, before=before, page_size=pageSize)


# An async dependency: FastAPI would send a plain function through its thread pool.
PageDep = Annotated[PageRequest, Depends(page_request)]


def page_json(data: list[Any], page: Page[Any]) -> dict[str, Any]:
    return {"data": data, "pagination": {"after": page.after, "before": page.before}}
