"""The developer dashboard in a real browser: the guide's prerequisite steps."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.link_ui import link_in_browser
from tests.support.server import Credentials, Server

pytestmark = pytest.mark.browser


def log_in(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/dashboard")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Admin password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong password")
    page.get_by_label("Admin password").fill(server.admin_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()


def test_create_client_and_virtual_asset_then_link_it(server: Server, page: Page) -> None:
    log_in(page, server)
    page.get_by_label("Name").fill("My energy app")
    page.get_by_label("Environment").select_option("sandbox")
    page.get_by_role("button", name="Create client").click()
    expect(page.get_by_role("heading", name="Client created")).to_be_visible()
    client = Credentials(
        page.locator("#client-id").inner_text(), page.locator("#client-secret").inner_text()
    )
    page.get_by_role("link", name="Open the client").click()
    # The secret is shown once only.
    assert client.client_secret not in page.content()

    # Virtual assets -> Create new -> any name and model -> note username and password.
    page.get_by_label("Asset type").select_option("vehicle")
    page.get_by_role("button", name="Choose brand").click()
    page.get_by_label("Brand").select_option("VOLKSWAGEN")
    page.get_by_role("button", name="Choose model").click()
    page.get_by_label("Model").select_option("ID.4 Pro")
    page.get_by_label("Name", exact=True).fill("Family car")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="Virtual asset created")).to_be_visible()
    username = page.locator("#new-username").inner_text()
    password = page.locator("#new-password").inner_text()
    expect(page.get_by_role("cell", name="Family car")).to_be_visible()

    with server.api(client) as api:
        link_url = api.post(
            "/users/dash-user/link",
            json={"vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000"},
        ).json()["linkUrl"]  # fmt: skip
    link_page = page.context.new_page()
    link_in_browser(link_page, link_url, "Volkswagen", username, password, "https://localhost:3000")

    page.reload()
    expect(page.get_by_role("cell", name="dash-user")).to_be_visible()
    expect(page.get_by_text("Volkswagen · vehicle")).to_be_visible()


def test_rotate_secret_and_default_version(server: Server, page: Page) -> None:
    client = server.new_client()
    token = server.token(client)
    log_in(page, server)
    page.goto(f"{server.url}/dashboard/clients/{client.client_id}")
    page.get_by_label("Default API version").select_option("2024-01-01")
    page.get_by_role("button", name="Save settings").click()
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.url}/users", headers=headers).headers["enode-version"] == (
        "2024-01-01"
    )
    page.get_by_role("button", name="Rotate secret").click()
    # Unconfirmed, the browser refuses to send the form: nothing happens.
    assert httpx.get(f"{server.url}/users", headers=headers).status_code == 200
    page.get_by_label("Yes, revoke the current secret").check()
    page.get_by_role("button", name="Rotate secret").click()
    expect(page.get_by_role("heading", name="New client secret")).to_be_visible()
    new_secret = page.locator("#client-secret").inner_text()
    # At once: the very next request with the old token fails.
    assert httpx.get(f"{server.url}/users", headers=headers).status_code == 401
    fresh = server.token(Credentials(client.client_id, new_secret))
    assert httpx.get(f"{server.url}/users", headers={"Authorization": f"Bearer {fresh}"}).is_success


def test_dashboard_needs_login_and_csrf(server: Server) -> None:
    anonymous = httpx.get(f"{server.url}/dashboard", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/dashboard/login"
    forged = httpx.post(
        f"{server.url}/dashboard/clients", data={"name": "x"}, follow_redirects=False
    )
    assert forged.status_code == 303  # to the login page, nothing created
    with httpx.Client(base_url=server.url) as browser:
        browser.post("/dashboard/login", data={"password": server.admin_password})
        no_token = browser.post("/dashboard/clients", data={"name": "x"})
        assert no_token.status_code == 400
        assert "text/html" in no_token.headers["content-type"]
        page = browser.get("/dashboard").text
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        client = server.new_client()
        unconfirmed = browser.post(
            f"/dashboard/clients/{client.client_id}/rotate-secret", data={"csrf": csrf}
        )
        assert unconfirmed.status_code == 400
        assert "confirm" in unconfirmed.text
        assert server.token(client)  # the secret still works
        missing = browser.get("/dashboard/clients/not-a-client")
        assert missing.status_code == 404
        assert "text/html" in missing.headers["content-type"]


def test_asset_page_drives_the_sandbox_and_charts_it(server: Server, page: Page) -> None:
    client = server.new_client()
    asset = server.virtual_asset(client.client_id, "vehicle", "TESLA")
    with server.api(client) as api:
        url = api.post(
            "/users/charted/link",
            json={"vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000"},
        ).json()["linkUrl"]  # fmt: skip
        link_in_browser(page.context.new_page(), url, "Tesla", asset["username"],
                        asset["password"], "https://localhost:3000")  # fmt: skip
        vehicle_id = api.get("/vehicles").json()["data"][0]["id"]
        api.post("/sandbox/clock/advance", json={"seconds": 5})

    log_in(page, server)
    page.goto(f"{server.url}/dashboard/clients/{client.client_id}")
    page.get_by_role("link", name="Tesla Model 3 Long Range (vehicle)").click()
    expect(page.get_by_role("heading", name="Recent history")).to_be_visible()
    page.get_by_role("button", name="Plug in").click()
    page.get_by_label("New battery level (%)").fill("20")
    page.get_by_role("button", name="Set battery level").click()
    page.get_by_label("Advance the sandbox clock (hours)").fill("3")
    page.get_by_role("button", name="Advance").click()
    chart = page.get_by_role("img", name="Battery level (%)")
    expect(chart).to_be_visible()
    assert chart.locator("path.series").count() >= 1
    with server.api(client) as api:
        level = api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]["batteryLevel"]
    assert 60 < level <= 80  # three hours at 11 kW into a 75 kWh battery
    assert f'"batteryLevel": {level}' in page.locator("pre.state").inner_text()


def test_plug_a_linked_vehicle_into_a_charger_from_the_dashboard(server: Server) -> None:
    from tests.support.link_flow import LinkBrowser

    client = server.new_client()
    with server.api(client) as api:
        for asset_type, vendor in (("vehicle", "TESLA"), ("charger", "ZAPTEC")):
            asset = server.virtual_asset(client.client_id, asset_type, vendor)
            url = api.post(
                "/users/garage/link",
                json={"vendorType": asset_type, "scopes": [f"{asset_type}:read:data"],
                      "language": "en-US", "redirectUri": "https://localhost:3000"},
            ).json()["linkUrl"]  # fmt: skip
            LinkBrowser(url).link(vendor, asset["username"], asset["password"])
        api.post("/sandbox/clock/advance", json={"seconds": 5})
        vehicle_id = api.get("/vehicles").json()["data"][0]["id"]
        charger_id = api.get("/chargers").json()["data"][0]["id"]
    with httpx.Client(base_url=server.url) as browser:
        browser.post("/dashboard/login", data={"password": server.admin_password})
        page = browser.get(f"/dashboard/clients/{client.client_id}/assets/{charger_id}").text
        assert "Plug in a linked vehicle" in page
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        done = browser.post(
            f"/dashboard/clients/{client.client_id}/assets/{charger_id}/override",
            data={"csrf": csrf, "field": "pluggedInVehicleId", "value": vehicle_id},
        )
        assert done.status_code == 303
    with server.api(client) as api:
        charger = api.get(f"/chargers/{charger_id}").json()
    assert charger["chargeState"]["pluggedInVehicleId"] == vehicle_id
