"""The `enode` SDK from PyPI parses gridlink's assets, locations, actions and
service answers: what users' code sees."""

from __future__ import annotations

from enode import Enode, models

from tests.e2e.test_sdk import sdk_for
from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server

TYPES = [("vehicle", "TESLA"), ("charger", "ZAPTEC"), ("hvac", "DAIKIN"),
         ("inverter", "FRONIUS"), ("battery", "TESLA"), ("meter", "TESLA")]  # fmt: skip
CONTROL = {"vehicle": "vehicle:control:charging", "charger": "charger:control:charging",
           "hvac": "hvac:control:mode", "battery": "battery:control:operation_mode"}  # fmt: skip


def link_everything(server: Server, client: Credentials, sdk: Enode) -> None:
    for asset_type, vendor in TYPES:
        asset = server.virtual_asset(client.client_id, asset_type, vendor)
        scopes = [
            f"{asset_type}:read:data",
            *([CONTROL[asset_type]] if asset_type in CONTROL else []),
        ]
        link = sdk.user_management.post_users_userid_link(
            user_id="sdk-home", vendor_type=models.VendorType(asset_type), vendor=vendor,
            scopes=[models.Scopes(s) for s in scopes],
            language=models.LinkUserPayloadLanguage.EN_US, redirect_uri="https://localhost:3000",
        )  # fmt: skip
        LinkBrowser(link.link_url).link(vendor, asset["username"], asset["password"])


def test_sdk_reads_and_controls_every_type(server: Server, client: Credentials) -> None:
    with sdk_for(server, client) as sdk, server.api(client) as api:
        link_everything(server, client, sdk)
        api.post("/sandbox/clock/advance", json={"seconds": 5})

        [vehicle] = sdk.vehicles.list().data
        assert sdk.vehicles.get(vehicle_id=vehicle.id).charge_state.battery_level == 50
        assert sdk.vehicles.list_for_user(user_id="sdk-home").data[0].id == vehicle.id
        api.patch(f"/sandbox/assets/{vehicle.id}", json={"isPluggedIn": True})
        stop = sdk.vehicles.control_charging(
            vehicle_id=vehicle.id, action=models.ChargingAction.STOP
        )
        assert stop.state == models.ActionState.PENDING
        api.post("/sandbox/clock/advance", json={"seconds": 10})
        assert sdk.vehicles.get_action(action_id=stop.id).state == models.ActionState.CONFIRMED

        [charger] = sdk.chargers.list().data
        location = sdk.locations.create(user_id="sdk-home", name="Home", latitude=59.9,
                                        longitude=10.7, timezone_name="Europe/Oslo")  # fmt: skip
        moved = sdk.chargers.update(charger_id=charger.id, location_id=location.id)
        assert moved.location.id == location.id
        assert sdk.locations.get(location_id=location.id).name == "Home"
        assert [x.id for x in sdk.locations.list_for_user(user_id="sdk-home").data] == [location.id]

        [hvac] = sdk.hvac.list().data
        hold = sdk.hvacs.set_permanent_hold(
            hvac_id=hvac.id,
            hvac_set_permanent_hold_payload={"mode": "HEAT", "heat_setpoint": 22},
        )
        assert hold.state == models.ActionState.PENDING
        assert sdk.hvacs.get(hvac_id=hvac.id).thermostat_state is not None

        [battery] = sdk.batteries.list().data
        mode = sdk.batteries.set_operation_mode(
            battery_id=battery.id,
            operation_mode=models.SetBatteryOperationModePayloadOperationMode.IMPORT_FOCUS,
        )
        assert mode.target_state.operation_mode == "IMPORT_FOCUS"
        assert sdk.batteries.get(battery_id=battery.id).config is not None

        [inverter] = sdk.solar_inverters.list_inverters().data
        assert (
            sdk.solar_inverters.get_inverter(inverter_id=inverter.id).production_state is not None
        )
        [meter] = sdk.meters.list().data
        assert sdk.meters.get_meter(meter_id=meter.id).energy_state is not None

        assert len(sdk.interventions.list(vendor_type=models.VendorType.VEHICLE)) > 0
        # The SDK sends no token for Service Health calls although the spec (and
        # gridlink) require one, so these pass it by hand.
        bearer = {"Authorization": api.headers["Authorization"]}
        # SDK 0.2.6 predates the spec's ALFEN chargers: ask for vehicles, which it knows.
        integrations = sdk.service_health.list_integrations(
            asset_types="vehicle", http_headers=bearer
        )
        assert any(i.vendor == "TESLA" for i in integrations)
        assert len(sdk.service_health.get_vehicle_vendors(http_headers=bearer)) > 10
        sdk.locations.delete(location_id=location.id)
