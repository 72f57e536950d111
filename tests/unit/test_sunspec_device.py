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


def test_an_accumulator_at_zero_is_not_accumulated() -> None:
    # SunSpec's acc32 says "not implemented" with zero, unlike uint32's all ones.
    inverter = [0] * 50
    inverter[12], inverter[13] = 2500, 0  # W 2500, scale 10^0
    assert models.decode(103, inverter) == {"W": 2500, "WH": None}
    inverter[22:24] = [0x0001, 0x0000]  # 65,536 Wh
    assert models.decode(103, inverter)["WH"] == 65536


def test_decodes_a_der_ac_measurement_block() -> None:
    # Model 701: W scaled by W_SF, TotWhInj a uint64 spanning all four registers.
    block = sim.inverter_701(2754.0, 5_123_456_789, w_sf=-1, wh_sf=0)
    assert block[:2] == [701, 153]
    values = models.decode(701, block[2:])
    assert values["W"] == pytest.approx(2754.0)
    assert values["TotWhInj"] == 5_123_456_789.0
    scaled = models.decode(701, sim.inverter_701(-1500, 42_000_000, w_sf=1, wh_sf=3)[2:])
    assert scaled == {"W": -1500.0, "TotWhInj": 42_000_000.0}


def test_decodes_unimplemented_der_ac_measurement_points() -> None:
    assert models.decode(701, sim.inverter_701(None, None)[2:]) == {"W": None, "TotWhInj": None}
    # A uint64 is unimplemented when all ones, so a counter at 0 reads 0 Wh.
    assert models.decode(701, sim.inverter_701(0, 0)[2:]) == {"W": 0.0, "TotWhInj": 0.0}
    # A value without its scale factor means nothing.
    block = sim.inverter_701(3200, 1000)
    block[2 + 114] = 0x8000  # W_SF unimplemented
    assert models.decode(701, block[2:]) == {"W": None, "TotWhInj": 1000.0}


def test_scans_and_reads_a_der_inverter_with_model_701_only() -> None:
    run_async(_reads_model_701())


async def _reads_model_701() -> None:
    der = sim.image(sim.common("SMA", "Sunny Tripower X", "DER-0001"),
                    sim.inverter_701(5000, 4_294_967_296 + 7))  # fmt: skip
    server = sim.SunSpecServer(der)
    await server.start()
    try:
        device = Device(Address("127.0.0.1", server.port, 1))
        assert [(b.model, b.length) for b in await device.scan()] == [(1, 66), (701, 153)]
        values = await device.read_models()
        # 153 data registers: more than one read of at most 120.
        assert values[701] == {"W": 5000.0, "TotWhInj": 4_294_967_303.0}
        await device.close()
    finally:
        await server.stop()
