"""The dashboard's user page after a night of smart charging: energy and cost
as charts, the night's session with its savings, and readable 404s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from gridlink.dashboard.user_pages import span_of
from tests.api.test_smart_charging import OSLO, advance_to, plugged_in_at_six
from tests.e2e.test_dashboard import log_in
from tests.e2e.test_dashboard_webhooks import logged_in
from tests.support.server import Credentials, Server

USER = "dash-night"


@dataclass(frozen=True)
class Night:
    client: Credentials
    vehicle_id: str
    kwh: float  # the night session's, as the API tells it


@pytest.fixture
def night(server: Server, client: Credentials) -> Night:
    """A vehicle plugged in at 18:00 that charged in the cheap hours, now 07:00."""
    with server.api(client) as api:
        vehicle_id = plugged_in_at_six(server, client, api, USER)
        plugged = advance_to(api, 7)
        sessions = api.get(
            f"/users/{USER}/statistics/charging/sessions",
            params={"startDate": plugged.replace(hour=0).isoformat(), "type": "vehicle"},
        )
        assert sessions.status_code == 200, sessions.text
    main = max(sessions.json(), key=lambda s: s["kwhSum"])
    assert main["estimatedSavings"] > 0
    return Night(client, vehicle_id, main["kwhSum"])


def user_url(server: Server, client_id: str, user_id: str = USER, days: int | None = None) -> str:
    query = f"?days={days}" if days is not None else ""
    return f"{server.url}/dashboard/clients/{client_id}/users/{user_id}{query}"


@pytest.mark.browser
def test_the_user_page_shows_the_night_session_and_its_savings(
    server: Server, night: Night, page: Page
) -> None:
    log_in(page, server)
    page.goto(f"{server.url}/dashboard/clients/{night.client.client_id}#users")
    page.get_by_role("link", name=USER).click()
    expect(page.get_by_role("heading", name=f"User {USER}")).to_be_visible()
    expect(page.get_by_role("heading", name="Vehicles")).to_be_visible()

    # The default span: seven days, by day, with the currency of the tariff.
    expect(page.get_by_text("7 days", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("img", name="Energy per day (kWh)")).to_be_visible()
    expect(page.get_by_role("img", name="Cost per day (NOK)")).to_be_visible()
    assert page.locator("figure.chart svg rect.bar").count() > 0

    # The night's session, started at 01:00 Oslo time when the cheap hours began.
    night_row = page.locator("table.sessions tbody tr", has_text="01:00")
    expect(night_row).to_have_count(1)
    shown_kwh = float(night_row.locator("td.kwh").inner_text())
    assert abs(shown_kwh - night.kwh) < 0.01
    savings = float(night_row.locator("td.savings").inner_text())
    assert savings > 0
    price = float(night_row.locator("td.price").inner_text())
    assert 0.10 <= price < 2.00  # the cheap hours, a little of the normal rate after 05:00
    assert float(page.locator(".total-energy").inner_text().split()[0]) >= shown_kwh - 0.01
    total_savings = page.locator(".total-savings").inner_text()
    assert total_savings.endswith("NOK") and float(total_savings.split()[0]) > 0

    # A day by the hour: the cheap hours carry the energy.
    page.get_by_role("link", name="1 day", exact=True).click()
    expect(page.get_by_role("img", name="Energy per hour (kWh)")).to_be_visible()
    expect(page.get_by_role("img", name="Cost per hour (NOK)")).to_be_visible()
    assert page.locator("figure.chart").first.locator("rect.bar").count() == 24
    titles = page.locator("figure.chart").first.locator("rect.bar title").all_text_contents()
    by_hour = {t.split(":")[0][-2:]: float(t.split(": ")[1].split()[0]) for t in titles}
    assert sum(by_hour[h] for h in ("01", "02", "03", "04")) > 40
    assert by_hour["20"] == 0
    expect(page.locator("table.sessions tbody tr", has_text="01:00")).to_have_count(1)


def test_unknown_ids_give_a_readable_404_and_pages_stay_within_their_client(
    server: Server, night: Night
) -> None:
    other = server.new_client()
    with logged_in(server) as browser:
        found = browser.get(user_url(server, night.client.client_id, days=30))
        assert found.status_code == 200, found.text
        assert "Energy per day (kWh)" in found.text and "<svg" in found.text
        assert 'aria-current="page">30 days' in found.text

        for url in (
            user_url(server, night.client.client_id, "nobody"),
            user_url(server, other.client_id),  # the user belongs to another client
            user_url(server, "no-such-client"),
        ):
            missing = browser.get(url)
            assert missing.status_code == 404, url
            assert "text/html" in missing.headers["content-type"]
            assert "Not found" in missing.text
        assert (
            "No user with id &#39;nobody&#39;"
            in browser.get(user_url(server, night.client.client_id, "nobody")).text
        )

        odd = browser.get(user_url(server, night.client.client_id, days=3))  # not offered: 7
        assert 'aria-current="page">7 days' in odd.text

    with server.api(night.client) as api:
        api.post("/users/no-assets/link", json={
            "vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
            "redirectUri": "https://localhost:3000"})  # fmt: skip
    with logged_in(server) as browser:
        empty = browser.get(user_url(server, night.client.client_id, "no-assets"))
        assert empty.status_code == 200
        assert "no vehicles, chargers or HVACs" in empty.text

    # Not logged in: the login page, not the figures.
    answer = httpx.get(user_url(server, night.client.client_id), follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/login"


def test_spans_end_now_in_whole_local_hours_or_days() -> None:
    now = datetime(2025, 3, 12, 6, 40, tzinfo=UTC)  # 07:40 in Oslo
    day = span_of(1, now, OSLO)
    assert day.hourly and day.end == now
    assert day.start.astimezone(OSLO) == datetime(2025, 3, 11, 8, 0, tzinfo=OSLO)
    week = span_of(7, now, OSLO)
    assert not week.hourly and week.utc_offset_hours == 1.0
    assert week.start.astimezone(OSLO) == datetime(2025, 3, 6, 0, 0, tzinfo=OSLO)
    assert span_of(30, now, ZoneInfo("UTC")).start == datetime(2025, 2, 11, tzinfo=UTC)
