"""The interactive API docs at /docs in real headless chromium, with every
request to anything but this server refused: they must work offline."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from gridlink.api.postman import SCHEMA_URL
from tests.support.server import Credentials, Server

pytestmark = pytest.mark.browser


class LoopbackOnly:
    """Lets requests to the server through, aborts the rest, and remembers
    every URL the page asked for."""

    def __init__(self, page: Page, server: Server) -> None:
        self.server = server
        self.requested: list[str] = []
        self.refused: list[str] = []
        self.errors: list[str] = []
        page.context.route("**/*", self._route)
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == urlsplit(self.server.url).netloc:
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def assert_stayed_on_loopback(self) -> None:
        assert self.refused == []
        outside = [u for u in self.requested if urlsplit(u).hostname != "127.0.0.1"]
        assert [u for u in outside if not u.startswith("data:")] == []


def authorize(page: Page, client: Credentials) -> None:
    page.locator(".auth-wrapper").get_by_role("button", name="Authorize").click()
    flow = page.locator(".modal-ux .auth-container", has_text="clientCredentials")
    flow.get_by_label("client_id").fill(client.client_id)
    flow.get_by_label("client_secret").fill(client.client_secret)
    flow.get_by_role("button", name="Apply given OAuth2 credentials").click()
    expect(flow.get_by_role("heading", name="Authorized")).to_be_visible()
    flow.get_by_role("button", name="Close").click()
    expect(page.locator(".modal-ux")).to_be_hidden()


def test_docs_render_offline_and_try_it_out(server: Server, page: Page) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    get_vehicle = spec["paths"]["/vehicles/{vehicleId}"]["get"]["summary"]
    network = LoopbackOnly(page, server)

    page.goto(f"{server.url}/docs")
    expect(page).to_have_title("gridlink API")
    get_vehicle_block = page.locator(
        ".opblock-get", has=page.locator(".opblock-summary-path[data-path='/vehicles/{vehicleId}']")
    )
    expect(get_vehicle_block.locator(".opblock-summary-description")).to_have_text(get_vehicle)
    for tag in {op["tags"][0] for item in spec["paths"].values() for op in item.values()}:
        expect(page.locator(".opblock-tag", has_text=tag).first).to_be_visible()

    # "Try it out" with a client's credentials: through Swagger UI's Authorize
    # dialog (the token endpoint, on this server) where the document declares
    # its security schemes, otherwise through the token field above the docs.
    client = server.new_client()
    if spec.get("components", {}).get("securitySchemes"):
        expect(page.get_by_label("Access token")).to_be_hidden()
        authorize(page, client)
    else:
        page.get_by_label("Access token").fill(server.token(client))
    list_vehicles = page.locator(
        ".opblock-get", has=page.locator(".opblock-summary-path[data-path='/vehicles']")
    )
    list_vehicles.locator(".opblock-summary").click()
    list_vehicles.get_by_role("button", name="Try it out").click()
    list_vehicles.get_by_role("button", name="Execute").click()
    live = list_vehicles.locator(".live-responses-table tbody tr.response")
    expect(live.locator(".response-col_status")).to_have_text("200")
    expect(live.locator(".response-col_description")).to_contain_text('"data": []')

    network.assert_stayed_on_loopback()
    assert network.errors == []


def test_postman_collection_downloads_from_docs_and_dashboard(server: Server, page: Page) -> None:
    network = LoopbackOnly(page, server)
    page.goto(f"{server.url}/dashboard")
    page.get_by_label("Admin password").fill(server.admin_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()

    link = page.get_by_role("link", name="Download Postman collection")
    expect(link).to_have_attribute("download", "gridlink.postman_collection.json")
    with page.expect_download() as from_dashboard:
        link.click()
    collection = json.loads(Path(from_dashboard.value.path()).read_text())
    assert from_dashboard.value.suggested_filename == "gridlink.postman_collection.json"
    assert collection["info"]["schema"] == SCHEMA_URL
    assert {"key": "baseUrl", "value": server.url, "type": "string"} in collection["variable"]

    page.get_by_role("link", name="API docs").click()
    expect(page).to_have_url(f"{server.url}/docs")
    with page.expect_download() as from_docs:
        page.get_by_role("link", name="Download Postman collection").click()
    assert json.loads(Path(from_docs.value.path()).read_text()) == collection
    network.assert_stayed_on_loopback()
