"""Interactive API docs at /docs and a Postman collection at /postman.json.

Swagger UI comes from the `swagger-ui-bundle-v2` package and is served by this
server, so the docs work without reaching any other host (no CDN, no fonts).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from swagger_ui_bundle import swagger_ui_path

from gridlink.api import postman
from gridlink.context import context_of

router = APIRouter(include_in_schema=False)

_OWN: Final = Path(__file__).resolve().parent.parent / "docs_static"
_SWAGGER: Final = Path(str(swagger_ui_path))
ASSETS: Final[dict[str, Path]] = {
    "swagger-ui.css": _SWAGGER / "swagger-ui.css",
    "swagger-ui.css.map": _SWAGGER / "swagger-ui.css.map",
    "swagger-ui-bundle.js": _SWAGGER / "swagger-ui-bundle.js",
    "swagger-ui-bundle.js.map": _SWAGGER / "swagger-ui-bundle.js.map",
    "favicon-32x32.png": _SWAGGER / "favicon-32x32.png",
    "docs.css": _OWN / "docs.css",
    "docs.js": _OWN / "docs.js",
}
POSTMAN_FILENAME: Final = "gridlink.postman_collection.json"
_PAGE: Final = (_OWN / "docs.html").read_text(encoding="utf-8")


@router.get("/docs")
async def docs_page(request: Request) -> HTMLResponse:
    title = html.escape(f"{request.app.title} API")
    openapi_url = html.escape(request.app.openapi_url or "/openapi.json")
    page = _PAGE.replace("{{title}}", title).replace("{{openapi_url}}", openapi_url)
    return HTMLResponse(page, headers={"Content-Security-Policy": _CSP})


@router.get("/docs/assets/{name}")
async def docs_asset(name: str) -> Response:
    path = ASSETS.get(name)
    if path is None:
        raise HTTPException(404, f"No docs asset named {name}")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/postman.json")
async def postman_collection(request: Request) -> JSONResponse:
    """The API as a Postman Collection v2.1, made from /openapi.json."""
    body = postman.collection(request.app.openapi(), context_of(request).settings.public_url)
    return JSONResponse(
        body, headers={"Content-Disposition": f'attachment; filename="{POSTMAN_FILENAME}"'}
    )


# Everything the page loads comes from this server.
_CSP: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
