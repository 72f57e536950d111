"""HVACs, inverters, batteries, chargers and meters in the sandbox, on its clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server
from tests.support.spec import assert_response

PLURAL = {"vehicle": "vehicles", "hvac": "hvacs", "inverter": "inverters", "battery": "batteries",
          "charger": "chargers", "meter": "meters"}  # fmt: skip
ID_PARAM = {"hvacs": "hvacId", "inverters": "inverterId", "batteries": "batteryId",
            "chargers": "chargerId", "meters": "meterId"}  # fmt: skip


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def link(server: Server, client: Credentials, api: httpx.Client, user_id: str,
         asset_type: str, vendor: str, scopes: list[str]) -> str:  # fmt: skip
    asset = server.virtual_asset(client.client_id, asset_type, vendor)
    url = api.post(
        f"/users/{user_id}/link",
        json={"vendorType": asset_type, "vendor": vendor, "scopes": scopes,
              "language": "en-US", "redirectUri": "https://localhost:3000"},
    ).json()["linkUrl"]  # fmt: skip
    LinkBrowser(url).link(vendor, asset["username"], asset["password"])
    data = api.get(f"/users/{user_id}/{PLURAL[asset_type]}").json()["data"]
    asset_id: str = data[-1]["id"] if len(data) == 1 else data[0]["id"]
    return asset_id


def advance(api: httpx.Client, seconds: float) -> datetime:
    response = api.post("/sandbox/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
    return parse(response.json()["now"])


def get(api: httpx.Client, asset_type: str, asset_id: str) -> dict[str, Any]:
    plural = PLURAL[asset_type]
    response = api.get(f"/{plural}/{asset_id}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert_response("GET", f"/{plural}/{{{ID_PARAM[plural]}}}", 200, body)
    return body


def test_hvac_in_heat_mode_reaches_its_setpoint(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        hvac_id = link(server, client, api, "warm", "hvac", "NIBE",
                       ["hvac:read:data", "hvac:control:mode"])  # fmt: skip
        advance(api, 5)
        api.patch(f"/sandbox/assets/{hvac_id}", json={"outdoorTemperature": 0})
        start = get(api, "hvac", hvac_id)
        assert start["temperatureState"]["currentTemperature"] < 21.5
        hold = api.post(f"/hvacs/{hvac_id}/permanent-hold",
                        json={"mode": "HEAT", "heatSetpoint": 23})  # fmt: skip
        assert hold.status_code == 200, hold.text
        assert_response("POST", "/hvacs/{hvacId}/permanent-hold", 200, hold.json())
        assert hold.json()["target"] == {
            "mode": "HEAT",
            "heatSetpoint": 23,
            "holdType": "PERMANENT",
        }
        advance(api, 10)
        action = api.get(f"/hvacs/actions/{hold.json()['id']}").json()
        assert_response("GET", "/hvacs/actions/{actionId}", 200, action)
        assert action["state"] == "CONFIRMED"
        heating = get(api, "hvac", hvac_id)
        assert heating["thermostatState"]["mode"] == "HEAT"
        assert heating["thermostatState"]["heatSetpoint"] == 23
        assert heating["thermostatState"]["holdType"] == "PERMANENT"
        assert heating["temperatureState"]["isActive"] is True
        assert heating["consumptionRate"] > 0
        advance(api, 24 * 3600)
        warm = get(api, "hvac", hvac_id)
        assert warm["temperatureState"]["currentTemperature"] == pytest.approx(23, abs=0.2)
        bad = api.post(
            f"/hvacs/{hvac_id}/permanent-hold", json={"mode": "HEAT", "heatSetpoint": 60}
        )
        assert bad.status_code == 400
        off = api.post(f"/hvacs/{hvac_id}/permanent-hold", json={"mode": "OFF"})
        assert off.status_code == 200
        advance(api, 10)
        advance(api, 12 * 3600)
        cooling = get(api, "hvac", hvac_id)
        assert cooling["temperatureState"]["currentTemperature"] < 21
        assert cooling["temperatureState"]["isActive"] is False
        schedule = api.post(f"/hvacs/{hvac_id}/follow-schedule")
        assert_response("POST", "/hvacs/{hvacId}/follow-schedule", 200, schedule.json())
        assert schedule.json()["target"] == {"holdType": "SCHEDULED"}


def test_inverter_follows_the_sun(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        inverter_id = link(server, client, api, "solar", "inverter", "FRONIUS",
                           ["inverter:read:data", "inverter:read:location"])  # fmt: skip
        now = advance(api, 5)
        # Oslo: 00:30 UTC is deep night; winter solar noon is close to 11:10 UTC.
        night = (now + timedelta(days=1)).replace(hour=0, minute=30, second=0, microsecond=0)
        advance(api, (night - now).total_seconds())
        dark = get(api, "inverter", inverter_id)["productionState"]
        assert dark["productionRate"] == 0
        assert dark["isProducing"] is False
        lifetime_before = dark["totalLifetimeProduction"]
        rates: dict[int, float] = {}
        moment = night
        for hour in range(7, 16):
            target = night.replace(hour=hour, minute=0)
            advance(api, (target - moment).total_seconds())
            moment = target
            rates[hour] = get(api, "inverter", inverter_id)["productionState"]["productionRate"]
        peak = max(rates, key=lambda h: rates[h])
        assert peak in (10, 11, 12), rates
        assert rates[peak] > 0 and rates[7] < rates[peak] and rates[15] < rates[peak]
        later = get(api, "inverter", inverter_id)["productionState"]
        assert later["totalLifetimeProduction"] > lifetime_before
        assert get(api, "inverter", inverter_id)["location"]["latitude"] == pytest.approx(
            59.91, abs=0.1
        )


def test_battery_operation_mode_and_meter(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        battery_id = link(server, client, api, "home", "battery", "TESLA",
                          ["battery:read:data", "battery:control:operation_mode"])  # fmt: skip
        meter_id = link(server, client, api, "home", "meter", "TESLA", ["meter:read:data"])
        advance(api, 5)
        api.patch(f"/sandbox/assets/{battery_id}", json={"batteryLevel": 40})
        action = api.post(f"/batteries/{battery_id}/operation-mode",
                          json={"operationMode": "IMPORT_FOCUS"})  # fmt: skip
        assert action.status_code == 200, action.text
        assert_response("POST", "/batteries/{batteryId}/operation-mode", 200, action.json())
        same = api.post(f"/batteries/{battery_id}/operation-mode",
                        json={"operationMode": "SELF_RELIANCE"})  # fmt: skip
        assert same.status_code == 400  # already the mode the battery is in
        advance(api, 10)
        assert api.get(f"/batteries/actions/{action.json()['id']}").json()["state"] == "CONFIRMED"
        charging = get(api, "battery", battery_id)
        assert charging["config"]["operationMode"] == "IMPORT_FOCUS"
        assert charging["chargeState"]["status"] == "CHARGING"
        advance(api, 1800)
        assert get(api, "battery", battery_id)["chargeState"]["batteryLevel"] > 40
        meter = get(api, "meter", meter_id)
        # The house imports what it uses plus what the battery takes in.
        assert meter["energyState"]["power"] > 1
        invalid = api.post(f"/batteries/{battery_id}/operation-mode",
                           json={"operationMode": "TURBO"})  # fmt: skip
        assert invalid.status_code == 400


def test_charger_charges_a_plugged_in_car(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        charger_id = link(server, client, api, "garage", "charger", "ZAPTEC",
                          ["charger:read:data", "charger:control:charging"])  # fmt: skip
        advance(api, 5)
        unplugged = get(api, "charger", charger_id)["chargeState"]
        assert unplugged["powerDeliveryState"] == "UNPLUGGED"
        assert (
            api.post(f"/chargers/{charger_id}/charging", json={"action": "START"}).status_code
            == 400
        )
        api.patch(f"/sandbox/assets/{charger_id}", json={"isPluggedIn": True})
        charging = get(api, "charger", charger_id)["chargeState"]
        assert charging["isCharging"] is True and charging["chargeRate"] > 0
        stop = api.post(f"/chargers/{charger_id}/charging", json={"action": "STOP"})
        assert_response("POST", "/chargers/{chargerId}/charging", 200, stop.json())
        current = api.post(f"/chargers/{charger_id}/max-current", json={"maxCurrent": 10})
        assert current.status_code == 200
        assert_response("POST", "/chargers/{chargerId}/max-current", 200, current.json())
        # The newer action replaced the pending stop.
        replaced = api.get(f"/chargers/actions/{stop.json()['id']}").json()
        assert replaced["state"] == "CANCELLED"
        advance(api, 10)
        state = get(api, "charger", charger_id)["chargeState"]
        assert state["maxCurrent"] == 10


def test_charger_charges_a_linked_vehicle_plugged_into_it(
    server: Server, client: Credentials
) -> None:
    with server.api(client) as api:
        vehicle_id = link(server, client, api, "pair", "vehicle", "TESLA",
                          ["vehicle:read:data", "vehicle:control:charging"])  # fmt: skip
        charger_id = link(server, client, api, "pair", "charger", "EASEE",
                          ["charger:read:data", "charger:control:charging"])  # fmt: skip
        advance(api, 5)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 30})
        plugged = api.patch(f"/sandbox/assets/{charger_id}",
                            json={"pluggedInVehicleId": vehicle_id})  # fmt: skip
        assert plugged.status_code == 200, plugged.text
        car = api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]
        box = get(api, "charger", charger_id)["chargeState"]
        assert car["isPluggedIn"] is True and car["pluggedInChargerId"] == charger_id
        assert box["pluggedInVehicleId"] == vehicle_id
        assert box["isCharging"] is True and car["isCharging"] is True
        assert box["chargeRate"] == car["chargeRate"] == pytest.approx(11.04, abs=0.05)

        # Turning the charger down slows the car: 6 A on 3 phases is 4.14 kW.
        api.post(f"/chargers/{charger_id}/max-current", json={"maxCurrent": 6})
        advance(api, 10)
        car = api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]
        assert car["chargeRate"] == pytest.approx(4.14, abs=0.05)
        level = car["batteryLevel"]
        advance(api, 3600)
        car = api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]
        assert car["batteryLevel"] == pytest.approx(level + 4.14 / 75 * 100, abs=0.3)

        # Stopping at the charger stops the car.
        stop = api.post(f"/chargers/{charger_id}/charging", json={"action": "STOP"})
        assert stop.status_code == 200, stop.text
        advance(api, 10)
        assert api.get(f"/chargers/actions/{stop.json()['id']}").json()["state"] == "CONFIRMED"
        car = api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]
        box = get(api, "charger", charger_id)["chargeState"]
        assert car["powerDeliveryState"] == "PLUGGED_IN:STOPPED"
        assert box["isCharging"] is False and box["powerDeliveryState"] == "PLUGGED_IN:STOPPED"

        # Unplugging the car frees the charger.
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": False})
        box = get(api, "charger", charger_id)["chargeState"]
        assert box["powerDeliveryState"] == "UNPLUGGED"
        assert box["pluggedInVehicleId"] is None
        other = api.patch(f"/sandbox/assets/{charger_id}", json={"pluggedInVehicleId": "nope"})
        assert other.status_code == 400
        assert api.patch(f"/sandbox/assets/{vehicle_id}",
                         json={"pluggedInVehicleId": None}).status_code == 400  # fmt: skip


def test_a_meter_sees_a_charging_neighbour_through_one_long_advance(
    server: Server, client: Credentials
) -> None:
    """One long jump gives the same history as many short steps."""
    from sqlalchemy import select

    from gridlink.db.tables import Asset, AssetSample

    with server.api(client) as api:
        vehicle_id = link(server, client, api, "night", "vehicle", "TESLA", ["vehicle:read:data"])
        meter_id = link(server, client, api, "night", "meter", "TESLA", ["meter:read:data"])
        advance(api, 5)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True, "batteryLevel": 60})
        # Full (80 %) after 15 kWh at 11 kW, 1 h 22 min into a 3 h jump.
        advance(api, 3 * 3600)

    async def meter_history(session: Any, _vault: Any) -> list[float]:
        meter = await session.scalar(select(Asset).where(Asset.id == meter_id))
        samples = await session.scalars(
            select(AssetSample).where(AssetSample.asset_pk == meter.pk).order_by(AssetSample.at)
        )
        return [s.values["energyState.power"] for s in samples]

    history = server._domain(meter_history)
    # The house alone draws 0.3 to 2 kW; with the car, 11 kW more. Points every 15 min:
    # the first hour shows the car (plug-in, then 4 samples), the last hour does not.
    charging = [power for power in history if power > 10]
    assert len(charging) >= 4, history
    assert all(power < 3 for power in history[-4:]), history
