"""Builds the ASGI app: the API, the token endpoint, Link UI and the dashboard."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gridlink.api import (
    actions,
    assets,
    docs,
    health,
    hem_systems,
    locations,
    problems,
    sandbox,
    schedules,
    service,
    smart_charging,
    statistics,
    tariffs,
    users,
    webhooks,
)
from gridlink.auth import routes as token_routes
from gridlink.config import Settings
from gridlink.context import Context
from gridlink.dashboard import routes as dashboard_routes
from gridlink.dashboard import user_pages, webhook_pages
from gridlink.domain import price_feeds
from gridlink.domain.errors import DomainError
from gridlink.link import routes as link_routes
from gridlink.openapi import schema as openapi_schema
from gridlink.runtime.change_listener import ChangeListener
from gridlink.runtime.loops import run_sandbox

_PAGES = ("/link/", "/dashboard")


def create_app(settings: Settings) -> FastAPI:
    context = Context.build(settings)
    price_feeds.configure(settings.prices_csv, settings.prices_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        listener = None
        if context.db.is_postgresql:
            # Other processes share this database: hear their changes, and
            # serve nothing from memory while they might go unheard.
            context.reads.enabled = False
            listener = ChangeListener(settings.database_url, context.changed, context.listening)
            listener.start()
        simulation = asyncio.create_task(run_sandbox(context))
        delivery = asyncio.create_task(context.webhooks.run())
        connectors = asyncio.create_task(context.executor.run())
        yield
        for task in (simulation, delivery, connectors):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await context.executor.close()
        await context.webhooks.stop()
        if listener is not None:
            await listener.stop()
        await context.db.dispose()

    app = FastAPI(
        title="gridlink",
        summary="A self-hostable server that speaks the Enode API.",
        description=openapi_schema.DESCRIPTION,
        version="0.1.0",
        openapi_tags=openapi_schema.TAGS,
        lifespan=lifespan,
        docs_url=None,  # gridlink.api.docs serves /docs without a CDN
        redoc_url=None,
    )
    app.state.context = context
    app.include_router(token_routes.router)
    app.include_router(docs.router)
    app.include_router(health.router)
    app.include_router(users.router)
    app.include_router(locations.router)
    app.include_router(assets.router)
    app.include_router(actions.router)
    app.include_router(service.router)
    app.include_router(hem_systems.router)
    app.include_router(webhooks.router)
    app.include_router(tariffs.router)
    app.include_router(smart_charging.router)
    app.include_router(statistics.router)
    app.include_router(schedules.router)
    app.include_router(sandbox.router)
    app.include_router(link_routes.router)
    for router in context.executor.routers():
        app.include_router(router)
    app.include_router(dashboard_routes.router)
    app.include_router(webhook_pages.router)
    app.include_router(user_pages.router)
    app.mount(
        "/link-static",
        StaticFiles(directory=Path(__file__).parent / "link" / "static"),
        name="link-static",
    )

    app.mount(
        "/dashboard-static",
        StaticFiles(directory=Path(__file__).parent / "dashboard" / "static"),
        name="dashboard-static",
    )

    app.add_exception_handler(dashboard_routes.LoginRequired, dashboard_routes.error_page)
    app.add_exception_handler(DomainError, _on_page_or_api(problems.domain_error))
    app.add_exception_handler(
        RequestValidationError, _on_page_or_api(problems.request_validation_error)
    )
    app.add_exception_handler(HTTPException, _on_page_or_api(problems.http_error))
    app.add_exception_handler(Exception, problems.unexpected_error)
    openapi_schema.install(app)
    return app


ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


def _on_page_or_api(api_handler: ErrorHandler) -> ErrorHandler:
    """Pages answer errors with a readable page; the API with problem+json."""

    async def handle(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(_PAGES):
            return await dashboard_routes.error_page(request, error)
        response: Response = await api_handler(request, error)
        return response

    return handle
