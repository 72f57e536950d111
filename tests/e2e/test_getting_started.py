"""Enode's getting-started guide, step by step, against a real gridlink.

Steps 1, 2 and 4 run the guide's curl commands with the base URLs swapped;
step 3 is Link UI in real headless chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from tests.support.link_ui import link_in_browser
from tests.support.server import Credentials, Server
from tests.support.spec import assert_response

pytestmark = pytest.mark.browser


def curl(*args: str) -> dict[str, object]:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to replay the guide's commands")
    done = subprocess.run(["curl", "-sS", *args], capture_output=True, text=True, check=True)
    parsed: dict[str, object] = json.loads(done.stdout)
    return parsed


def test_the_guide_end_to_end(server: Server, client: Credentials, page: Page) -> None:
    asset = server.virtual_asset(client.client_id, "vehicle", "TESLA")

    # Step 1: Get an API access token
    token = curl(
        f"{server.url}/oauth2/token",
        "-u", f"{client.client_id}:{client.client_secret}",
        "-d", "grant_type=client_credentials",
    )  # fmt: skip
    assert token["expires_in"] == 3599 and token["token_type"] == "bearer"
    assert token["scope"] == ""
    access_token = str(token["access_token"])

    # Step 2: Create a Link session
    link = curl(
        f"{server.url}/users/1ab23cd4/link",
        "-H", f"Authorization: Bearer {access_token}",
        "-H", "Content-Type: application/json",
        "-d", json.dumps({
            "vendorType": "vehicle",
            "scopes": ["vehicle:read:data", "vehicle:read:location", "vehicle:control:charging"],
            "language": "en-US",
            "redirectUri": "https://localhost:3000",
        }),
    )  # fmt: skip
    assert set(link) == {"linkUrl", "linkToken"}

    # Step 3: Link UI in a browser, with the virtual asset's username and password
    landed = link_in_browser(
        page, str(link["linkUrl"]), "Tesla", asset["username"], asset["password"],
        "https://localhost:3000",
    )  # fmt: skip
    assert landed.rstrip("/") == "https://localhost:3000"

    # Step 4: Fetch the user
    user = curl(
        f"{server.url}/users/1ab23cd4",
        "-X", "GET",
        "-H", f"Authorization: Bearer {access_token}",
    )  # fmt: skip
    assert user == {
        "id": "1ab23cd4",
        "linkedVendors": [{"vendor": "TESLA", "vendorType": "vehicle", "isValid": True}],
    }
    assert_response("GET", "/users/{userId}", 200, user)


def test_wrong_password_lets_the_user_try_again(
    server: Server, client: Credentials, page: Page
) -> None:
    asset = server.virtual_asset(client.client_id, "vehicle", "NISSAN")
    with server.api(client) as api:
        link_url = api.post(
            "/users/retry/link",
            json={"vendor": "NISSAN", "scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000/done"},
        ).json()["linkUrl"]  # fmt: skip
    page.goto(link_url)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Username").fill(asset["username"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong")
    page.get_by_label("Username").fill(asset["username"])
    page.get_by_label("Password").fill(asset["password"])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Code")).to_be_visible()


def test_works_without_javascript_in_a_narrow_dark_in_app_browser(
    server: Server, client: Credentials, page: Page
) -> None:
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 320, "height": 640}, color_scheme="dark"
    )
    narrow = context.new_page()
    asset = server.virtual_asset(client.client_id, "vehicle", "TESLA")
    with server.api(client) as api:
        link_url = api.post(
            "/users/narrow/link",
            json={"vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000", "colorScheme": "system"},
        ).json()["linkUrl"]  # fmt: skip
    narrow.goto(link_url)
    # The system scheme follows the device: dark here.
    background = narrow.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 21, 18)"
    # Nothing is wider than the screen.
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 320
    # Every input has a label and every step a heading, checked as the steps go by.
    landed = link_in_browser(
        narrow, link_url, "Tesla", asset["username"], asset["password"], "https://localhost:3000"
    )
    assert landed.startswith("https://localhost:3000")
    context.close()


@pytest.mark.parametrize(("scheme", "expected"), [("light", "rgb(244, 246, 245)"),
                                                  ("dark", "rgb(15, 21, 18)")])  # fmt: skip
def test_forced_color_scheme(
    server: Server, client: Credentials, page: Page, scheme: str, expected: str
) -> None:
    with server.api(client) as api:
        link_url = api.post(
            "/users/schemes/link",
            json={"vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000", "colorScheme": scheme},
        ).json()["linkUrl"]  # fmt: skip
    page.emulate_media(color_scheme="dark" if scheme == "light" else "light")
    page.goto(link_url)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == expected
