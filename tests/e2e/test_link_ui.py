"""Link UI through plain HTTP forms: what a browser without JavaScript sees."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server, expire_link

BODY = {
    "vendorType": "vehicle",
    "scopes": ["vehicle:read:data", "vehicle:control:charging"],
    "language": "en-US",
    "redirectUri": "https://app.example/callback?state=abc",
}


def new_link(server: Server, client: Credentials, **changes: object) -> str:
    with server.api(client) as api:
        response = api.post("/users/link-ui-user/link", json={**BODY, **changes})
    assert response.status_code == 200, response.text
    url: str = response.json()["linkUrl"]
    return url


def test_steps_in_order_and_complete_redirects(server: Server, client: Credentials) -> None:
    asset = server.virtual_asset(client.client_id)
    browser = LinkBrowser(new_link(server, client))
    assert browser.step == "intro"
    assert browser.heading == "Connect your vehicle"
    browser.submit(action="continue")
    assert browser.heading == "Choose your brand"
    assert "Tesla" in browser.page.text and "Zaptec" not in browser.page.text
    browser.submit(vendor="TESLA")
    assert browser.heading == "Review data access"
    assert "Start and stop charging your vehicle" in browser.page.text
    browser.submit(action="continue")
    assert browser.heading == "Sign in to Tesla"
    browser.submit(action="continue", username=asset["username"], password="wrong")
    assert browser.page.status_code == 400
    assert "wrong" in browser.page.text and browser.step == "signin"
    assert f'value="{asset["username"]}"' in browser.page.text  # kept for the retry
    browser.submit(action="continue", username=asset["username"], password=asset["password"])
    assert browser.step == "code"
    browser.submit(action="continue", code="12ab")
    assert browser.step == "code" and browser.page.status_code == 400
    browser.submit(action="continue", code="654321")
    assert browser.heading == "Your Tesla account is connected"
    done = browser.submit(action="continue")
    assert done.status_code == 303
    assert done.headers["location"] == BODY["redirectUri"]
    # Single use: the link now says so.
    again = httpx.get(browser.link_url)
    assert again.status_code == 410
    assert "already been used" in again.text


def test_vendor_given_skips_brand_selection(server: Server, client: Credentials) -> None:
    browser = LinkBrowser(new_link(server, client, vendor="TESLA"))
    browser.submit(action="continue")
    assert browser.step == "review"
    assert "Choose your brand" not in browser.page.text


def test_cancel_redirects_with_error(server: Server, client: Credentials) -> None:
    browser = LinkBrowser(new_link(server, client))
    browser.submit(action="continue")
    response = browser.submit(action="cancel")
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://app.example/callback"
    query = parse_qs(location.query)
    assert query["state"] == ["abc"]
    assert query["error"] == ["user_cancelled"]
    assert query["error_message"][0]
    assert httpx.get(browser.link_url).status_code == 410


def test_expired_and_unknown_links_show_clear_pages(server: Server, client: Credentials) -> None:
    url = new_link(server, client)
    expire_link(server, url.rsplit("/", 1)[1])
    expired = httpx.get(url)
    assert expired.status_code == 410
    assert "expired" in expired.text
    unknown = httpx.get(f"{server.url}/link/no-such-token")
    assert unknown.status_code == 404
    assert "text/html" in unknown.headers["content-type"]
    assert "not valid" in unknown.text


def test_forms_are_protected_against_csrf(server: Server, client: Credentials) -> None:
    browser = LinkBrowser(new_link(server, client))
    # A forged post from another site has neither the cookie nor the token.
    forged = httpx.post(browser.link_url, data={"step": "intro", "action": "continue"})
    assert forged.status_code == 403
    # The right token without the browser's cookie is refused too.
    hidden_only = httpx.post(
        browser.link_url,
        data={"step": "intro", "action": "continue", "csrf": browser.http.cookies["gridlink_link"]},
    )
    assert hidden_only.status_code == 403
    assert LinkBrowser(browser.link_url).step == "intro"


@pytest.mark.parametrize(
    ("language", "accept", "heading"),
    [
        ("nb-NO", None, "Koble til bilen din"),
        ("de-DE", None, "Gerät verbinden: Fahrzeug"),
        ("en-US", None, "Connect your vehicle"),
        ("browser", "de-CH,de;q=0.9,en;q=0.8", "Gerät verbinden: Fahrzeug"),
        ("browser", "nb;q=0.9, fr-FR", "Koble til bilen din"),
        ("browser", "ja-JP", "Connect your vehicle"),
        ("browser", None, "Connect your vehicle"),
    ],
)
def test_languages(
    server: Server, client: Credentials, language: str, accept: str | None, heading: str
) -> None:
    browser = LinkBrowser(new_link(server, client, language=language), accept)
    assert browser.heading == heading


def test_norwegian_labels_and_buttons(server: Server, client: Credentials) -> None:
    asset = server.virtual_asset(client.client_id)
    browser = LinkBrowser(new_link(server, client, language="nb-NO", vendor="TESLA"))
    browser.submit(action="continue")
    browser.submit(action="continue")
    assert ">Brukernavn</label>" in browser.page.text
    assert ">Passord</label>" in browser.page.text
    assert ">Fortsett</button>" in browser.page.text
    browser.submit(action="continue", username=asset["username"], password=asset["password"])
    browser.submit(action="continue", code="000000")
    assert ">Fullfør</button>" in browser.page.text


def test_accept_any_credentials_creates_a_device(server: Server) -> None:
    legacy = server.new_client()
    server.set_accept_any(legacy.client_id)
    location = LinkBrowser(new_link(server, legacy)).link("VOLKSWAGEN", "me@example.com", "pw")
    assert location == BODY["redirectUri"]
    with server.api(legacy) as api:
        assert api.get("/users/link-ui-user").json()["linkedVendors"] == [
            {"vendor": "VOLKSWAGEN", "vendorType": "vehicle", "isValid": True}
        ]


def test_any_credentials_are_refused_without_the_setting(
    server: Server, client: Credentials
) -> None:
    browser = LinkBrowser(new_link(server, client, vendor="VOLKSWAGEN"))
    browser.submit(action="continue")
    browser.submit(action="continue")
    response = browser.submit(action="continue", username="me@example.com", password="pw")
    assert response.status_code == 400


def test_control_characters_in_credentials_are_refused(server: Server, client: Credentials) -> None:
    browser = LinkBrowser(new_link(server, client, vendor="TESLA"))
    browser.submit(action="continue")
    browser.submit(action="continue")
    response = browser.submit(action="continue", username="a\x00b", password="p\x00")
    assert response.status_code == 400
    assert browser.step == "signin"


def test_a_brand_no_connector_reaches_is_told_at_review(server: Server) -> None:
    # A production client's vehicles have no connector here (sandbox accounts are
    # for sandbox clients only): the user learns so before being asked for anything.
    production = server.new_client("production")
    with server.api(production) as api:
        response = api.post("/users/cloud-user/link", json={
            "vendorType": "vehicle", "vendor": "TESLA", "scopes": ["vehicle:read:data"],
            "language": "en-US", "redirectUri": "https://app.example.com/linked",
        })  # fmt: skip
        assert response.status_code == 200, response.text
    form = LinkBrowser(response.json()["linkUrl"])
    form.submit(action="continue")  # introduction
    assert form.step == "review"
    refused = form.submit(action="continue")
    assert refused.status_code == 400
    assert form.step == "review"
    assert "Tesla vehicle cannot be connected through this service yet." in form.page.text
    form.submit(action="cancel")
    with server.api(production) as api:
        assert api.get("/users/cloud-user").json()["linkedVendors"] == []
