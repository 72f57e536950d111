"""The `enode` SDK from PyPI through tariffs, smart charging, schedules and
statistics: every answer parses into its models."""

from __future__ import annotations

from datetime import timedelta

from enode import models

from tests.api.test_sandbox_devices import advance, link, parse
from tests.api.test_smart_charging import advance_to, plugged_in_at_six
from tests.e2e.test_sdk import sdk_for
from tests.support.server import Credentials, Server


def test_sdk_smart_charging_tariffs_and_statistics(server: Server, client: Credentials) -> None:
    with sdk_for(server, client) as sdk, server.api(client) as api:
        vehicle_id = plugged_in_at_six(server, client, api, "night")
        plugged_at = parse(api.get("/sandbox/clock").json()["now"])
        advance(api, 60)
        assert [r.name for r in sdk.tariffs.get(tariff_id="night")] == ["CHEAP", "NORMAL"]
        [location] = sdk.locations.list_for_user(user_id="night").data
        schedule = sdk.tariffs.get_by_location(location_id=location.id)
        assert {entry.tariff_name for entry in schedule} == {"CHEAP", "NORMAL"}

        policy = sdk.vehicles.get_smart_charging_policy(vehicle_id=vehicle_id)
        assert policy.is_enabled is True and policy.deadline == "07:00"
        status = sdk.vehicles.get_smart_charging_status(vehicle_id=vehicle_id)
        assert status.state == models.SmartChargeState.PLAN_EXECUTING_STOPPED
        assert status.plan is not None and status.plan.smart_cost < status.plan.non_smart_cost
        override = sdk.vehicles.create_smart_override(vehicle_id=vehicle_id)
        assert override.ended_at is None
        ended = sdk.vehicles.end_smart_override(vehicle_id=vehicle_id)
        assert ended.ended_at is not None

        advance_to(api, 7)
        sessions = sdk.statistics.get_charging_sessions(
            user_id="night", start_date=plugged_at, id=vehicle_id,
            type_=models.GetChargingSessionsStatisticsType.VEHICLE,
        )  # fmt: skip
        assert max(s.kwh_sum for s in sessions) > 40
        hour = plugged_at.replace(minute=0, second=0, microsecond=0)
        series = sdk.statistics.get_charging(
            user_id="night", start_date=hour, end_date=hour + timedelta(days=1),
            type_=models.GetChargingStatisticsType.VEHICLE,
            resolution=models.GetChargingStatisticsResolution.HOUR,
        )  # fmt: skip
        assert len(series) == 24
        assert sum(bucket.kwh_sum for bucket in series) > 40
        policy = sdk.vehicles.update_smart_charging_policy(vehicle_id=vehicle_id, is_enabled=False)
        assert policy.is_enabled is False


def test_sdk_schedules_and_inverter_statistics(server: Server, client: Credentials) -> None:
    with sdk_for(server, client) as sdk, server.api(client) as api:
        charger_id = link(server, client, api, "sched", "charger", "ZAPTEC",
                          ["charger:read:data", "charger:control:charging"])  # fmt: skip
        rule = models.ChargeScheduleRule(
            should_charge=True, weekdays=[models.ChargeScheduleWeekday(d) for d in range(5)],
            hour_minute=models.ChargeScheduleHourMinute(from_="01:00", to="05:00"),
        )  # fmt: skip
        created = sdk.schedules.create(user_id="sched", schedule=models.ChargeSchedule(
            target_id=charger_id, target_type=models.ChargeScheduleTargetType.CHARGER,
            location_id=None, is_enabled=True, default_should_charge=False, rules=[rule],
        ))  # fmt: skip
        assert created.id
        assert sdk.schedules.get(schedule_id=created.id).id == created.id
        assert [s.id for s in sdk.schedules.get_by_user(user_id="sched").data] == [created.id]
        updated = sdk.schedules.update(
            schedule_id=created.id, partial_schedule=models.PartialChargeSchedule(is_enabled=False)
        )
        assert updated.is_enabled is False
        status = sdk.schedules.get_status(schedule_id=created.id)
        assert status.state == models.ScheduleState.INACTIVE_DISABLED
        sdk.schedules.delete(schedule_id=created.id)

        inverter_id = link(
            server, client, api, "sched", "inverter", "FRONIUS", ["inverter:read:data"]
        )
        now = advance(api, 3600)
        day = sdk.solar_inverters.get_statistics(inverter_id=inverter_id, year=now.year,
                                                  month=now.month, day=now.day)  # fmt: skip
        assert day is not None
