"""The getting-started steps through the `enode` SDK from PyPI, pointed at gridlink."""

from __future__ import annotations

import pytest
from enode import Enode, models
from playwright.sync_api import Page

from tests.support.link_ui import link_in_browser
from tests.support.server import Credentials, Server

pytestmark = pytest.mark.browser


def sdk_for(server: Server, client: Credentials) -> Enode:
    return Enode(
        server_url=server.url,
        security=models.Security(
            client_id=client.client_id,
            client_secret=client.client_secret,
            token_url=f"{server.url}/oauth2/token",
        ),
    )


def test_sdk_links_and_fetches_the_user(server: Server, client: Credentials, page: Page) -> None:
    asset = server.virtual_asset(client.client_id, "vehicle", "TESLA")
    with sdk_for(server, client) as sdk:
        link = sdk.user_management.post_users_userid_link(
            user_id="sdk-user",
            vendor_type=models.VendorType.VEHICLE,
            scopes=[models.Scopes.VEHICLE_READ_DATA, models.Scopes.VEHICLE_CONTROL_CHARGING],
            language=models.LinkUserPayloadLanguage.EN_US,
            redirect_uri="https://localhost:3000",
        )
        assert link.link_url.startswith(server.url)
        assert link.link_token

        link_in_browser(
            page, link.link_url, "Tesla", asset["username"], asset["password"],
            "https://localhost:3000",
        )  # fmt: skip

        user = sdk.user_management.get(user_id="sdk-user")
        assert user.id == "sdk-user"
        assert len(user.linked_vendors) == 1
        linked = user.linked_vendors[0]
        assert linked.vendor == "TESLA"
        assert linked.vendor_type == models.VendorType.VEHICLE
        assert linked.is_valid is True

        listed = sdk.user_management.list(page_size=10)
        assert [u.id for u in listed.data] == ["sdk-user"]
        assert listed.pagination.after is None

        sdk.user_management.delete_users_userid_authorization(user_id="sdk-user")
        assert sdk.user_management.get(user_id="sdk-user").linked_vendors[0].is_valid is False
        sdk.user_management.unlink_user(user_id="sdk-user")
        assert sdk.user_management.list().data == []


def test_sdk_surfaces_problems(server: Server, client: Credentials) -> None:
    from enode import errors

    with sdk_for(server, client) as sdk, pytest.raises(errors.EnodeError) as raised:
        sdk.user_management.get(user_id="missing")
    assert raised.value.status_code == 404
