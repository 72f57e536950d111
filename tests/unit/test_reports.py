from __future__ import annotations

import copy

from gridlink.domain.reports import merge


def test_merge_reports_changes_and_leaves_the_original_alone() -> None:
    document = {
        "chargeState": {"batteryLevel": 50, "lastUpdated": "a"},
        "odometer": {"distance": 10},
        "information": {"brand": "Tesla"},
        "capabilities": {"startCharging": {"isCapable": False, "interventionIds": []}},
    }
    original = copy.deepcopy(document)
    merged, changed = merge(
        document,
        {
            "chargeState.batteryLevel": 51,
            "chargeState.lastUpdated": "b",
            "odometer.distance": 10,
            "capabilities.startCharging": {"isCapable": True, "interventionIds": []},
            "lastSeen": "now",
        },
    )
    assert document == original
    assert merged["chargeState"] == {"batteryLevel": 51, "lastUpdated": "b"}
    assert merged["information"] is document["information"]  # untouched parts are shared
    assert changed == ["chargeState.batteryLevel", "capabilities.startCharging"]


def test_a_report_with_nothing_new_changes_nothing() -> None:
    document = {"energyState": {"power": 1.5, "lastUpdated": "a"}}
    _, changed = merge(document, {"energyState.power": 1.5, "energyState.lastUpdated": "b"})
    assert changed == []
