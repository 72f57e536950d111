"""A second client never sees or touches the first one's data."""

from __future__ import annotations

from tests.support.link_flow import LinkBrowser
from tests.support.server import Server

BODY = {
    "vendorType": "vehicle",
    "scopes": ["vehicle:read:data"],
    "language": "en-US",
    "redirectUri": "https://localhost:3000",
}


def test_clients_are_isolated(server: Server) -> None:
    first, second = server.new_client(), server.new_client()
    asset = server.virtual_asset(first.client_id)
    with server.api(first) as api_a, server.api(second) as api_b:
        link_url = api_a.post("/users/shared-id/link", json=BODY).json()["linkUrl"]
        LinkBrowser(link_url).link("TESLA", asset["username"], asset["password"])

        # Same user id in the second client is a different, unknown user.
        assert api_b.get("/users/shared-id").status_code == 404
        assert api_b.get("/users").json()["data"] == []
        assert api_b.delete("/users/shared-id").status_code == 204
        assert api_b.delete("/users/shared-id/authorization").status_code == 204
        assert api_b.delete("/users/shared-id/vendors/TESLA").status_code == 204

        # ...and none of that touched the first client's user.
        assert api_a.get("/users/shared-id").json()["linkedVendors"] == [
            {"vendor": "TESLA", "vendorType": "vehicle", "isValid": True}
        ]

        # The second client's users cannot sign in with the first client's virtual asset.
        other_link = api_b.post("/users/intruder/link", json=BODY).json()["linkUrl"]
        browser = LinkBrowser(other_link)
        browser.submit(action="continue")
        browser.submit(vendor="TESLA")
        browser.submit(action="continue")
        rejected = browser.submit(
            action="continue", username=asset["username"], password=asset["password"]
        )
        assert rejected.status_code == 400
        assert browser.step == "signin"
        assert api_b.get("/users/intruder").json()["linkedVendors"] == []
