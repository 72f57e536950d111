"""The SunSpec scanner and reader against pymodbus servers on loopback."""

from __future__ import annotations

import pytest

from gridlink.connectors.sunspec import models
from gridlink.connectors.sunspec.device import Address, Device, Unreachable
from tests.support import sunspec_device as sim
from tests.support.threads import run_async


def test_scans_and_reads_an_inverter_a_battery_and_a_meter() -> None:
    run_async(_scans_and_reads())


async def _scans_and_reads() -> None:
    servers = [sim.SunSpecServer(image) for image in (sim.INVERTER, sim.BATTERY, sim.METER)]
    for server in servers:
        await server.start()
    try:
        inverter, battery, meter = (Device(Address("127.0.0.1", s.port, 1)) for s in servers)
        assert [b.model for b in await inverter.scan()] == [1, 103]
        values = await inverter.read_models()
        assert values[1] == {"Mn": "Fronius", "Md": "Symo 8.2", "SN": "INV-0001"}
        assert values[103] == {"W": 3200.0, "WH": 12_345_678.0}

        assert [b.model for b in await battery.scan()] == [1, 124, 802]
        values = await battery.read_models()
        assert values[124]["ChaState"] == pytest.approx(64.0)
        assert values[124]["StorCtl_Mod"] == 0
        assert values[802]["SoC"] == pytest.approx(71.5)
        assert values[802]["W"] == -1500.0
        assert values[802]["WHRtg"] == 10_000.0

        assert [b.model for b in await meter.scan()] == [1, 203]
        assert (await meter.read_models())[203] == {"W": -2500.0}
        for device in (inverter, battery, meter):
            await device.close()
    finally:
        for server in servers:
            await server.stop()


def test_a_silent_device_is_unreachable() -> None:
    device = Device(Address("127.0.0.1", sim.free_port(), 1), timeout=0.5)
    with pytest.raises(Unreachable):
        run_async(device.scan())


def test_decodes_floats_and_unimplemented_values() -> None:
    registers = [0] * 60
    registers[20:22] = [0x4548, 0x0000]  # 3200.0
    registers[30:32] = [0x7FC0, 0x0000]  # NaN: not implemented
    assert models.decode(113, registers) == {"W": 3200.0, "WH": None}
    meter = [0] * 105
    meter[16], meter[20] = 0x8000, 0
    assert models.decode(201, meter) == {"W": None}
