"""Inverter production statistics, HEM statistics and charging statistics' errors."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.api.test_sandbox_devices import advance, link
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

PATH = "/inverters/{inverterId}/statistics"


def test_inverter_production_by_quarter_hour_and_by_day(
    server: Server, client: Credentials
) -> None:
    with server.api(client) as api:
        inverter_id = link(server, client, api, "sunny", "inverter", "FRONIUS",
                           ["inverter:read:data", "inverter:read:location"])  # fmt: skip
        advance(api, 10)
        zone = ZoneInfo(api.get(f"/inverters/{inverter_id}").json()["timezone"] or "UTC")
        now = advance(api, 36 * 3600).astimezone(zone)
        yesterday = now.date() - timedelta(days=1)
        day = {"year": yesterday.year, "month": yesterday.month, "day": yesterday.day}
        final = api.get(f"/inverters/{inverter_id}/statistics", params=day)
        assert final.status_code == 200, final.text
        assert_response("GET", PATH, 200, final.json())
        data = final.json()["resolutions"]["QUARTER_HOUR"]["data"]
        assert len(data) in (92, 96, 100)  # a day of quarter hours (DST days differ)
        values = {entry["date"][11:16]: entry["value"] for entry in data}
        assert values["02:00"] == 0  # night
        assert values["12:00"] > values["08:00"] >= 0  # towards noon
        assert sum(v for v in values.values() if v) > 0

        today = api.get(f"/inverters/{inverter_id}/statistics",
                        params={"year": now.year, "month": now.month, "day": now.day})  # fmt: skip
        assert today.status_code == 202  # the day is not over
        assert_response("GET", PATH, 202, today.json())
        month = api.get(f"/inverters/{inverter_id}/statistics",
                        params={"year": now.year, "month": now.month})  # fmt: skip
        assert "DAY" in month.json()["resolutions"]

        impossible = api.get(f"/inverters/{inverter_id}/statistics",
                             params={"year": 2025, "month": 2, "day": 30})  # fmt: skip
        assert impossible.status_code == 400
        assert_problem(impossible.json())
        unknown = api.get("/inverters/nope/statistics", params={"year": 2025, "month": 2})
        assert unknown.status_code == 404


def test_hem_statistics_and_charging_statistics_errors(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        bad = api.get("/hem-systems/none/statistics", params={"interval": "yesterday"})
        assert bad.status_code == 400
        assert_problem(bad.json())
        missing = api.get("/hem-systems/none/statistics", params={"interval": "2025-05-01"})
        assert missing.status_code == 404

        vehicle_id = link(server, client, api, "stats", "vehicle", "TESLA", ["vehicle:read:data"])
        base = "/users/stats/statistics/charging"
        start = {"startDate": "2025-01-01T00:00:00Z", "type": "vehicle"}
        ok = api.get(base, params={**start, "id": vehicle_id, "resolution": "MONTH"})
        assert ok.status_code == 200, ok.text
        assert_response("GET", "/users/{userId}/statistics/charging", 200, ok.json())
        for path, params, status in [
            ("/users/nobody/statistics/charging", start, 404),
            (base, {**start, "id": "not-a-vehicle"}, 404),
            (base, {"type": "vehicle"}, 400),
            (base, {**start, "type": "meter"}, 400),
            (base, {**start, "resolution": "FORTNIGHT"}, 400),
            (base, {**start, "endDate": "2024-01-01T00:00:00Z"}, 400),
            (base, {**start, "startDate": "yesterday"}, 400),
            (base, {**start, "resolution": "QUARTER_HOUR",
                    "startDate": "2000-01-01T00:00:00Z"}, 400),  # too many buckets
            (f"{base}/sessions", {**start, "id": "not-a-vehicle"}, 404),
        ]:  # fmt: skip
            response = api.get(path, params=params)
            assert response.status_code == status, (params, response.text)
            assert_problem(response.json())
