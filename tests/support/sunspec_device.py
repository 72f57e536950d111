"""Simulated SunSpec devices: pymodbus TCP servers on loopback serving register images."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

BASE = 40000


def _string(text: str, size: int) -> list[int]:
    data = text.encode().ljust(size * 2, b"\0")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, size * 2, 2)]


def _s16(value: int) -> int:
    return value & 0xFFFF


def common(manufacturer: str, model: str, serial: str) -> list[int]:
    data = [0] * 66
    data[0:16] = _string(manufacturer, 16)
    data[16:32] = _string(model, 16)
    data[48:64] = _string(serial, 16)
    return [1, 66, *data]


def inverter_103(watts: int, lifetime_wh: int) -> list[int]:
    data = [0] * 50
    data[12], data[13] = watts, 0  # W, W_SF
    data[22], data[23], data[24] = lifetime_wh >> 16, lifetime_wh & 0xFFFF, 0
    return [103, 50, *data]


# Model 701 (DER AC Measurement) point by point, as json/model_701.json in the
# SunSpec models (sunspec/models) lays it out after ID and L.
_701_POINTS: list[tuple[str, str]] = [
    ("ACType", "enum16"), ("St", "enum16"), ("InvSt", "enum16"), ("ConnSt", "enum16"),
    ("Alrm", "bitfield32"), ("DERMode", "bitfield32"),
    ("W", "int16"), ("VA", "int16"), ("Var", "int16"), ("PF", "uint16"), ("A", "int16"),
    ("LLV", "uint16"), ("LNV", "uint16"), ("Hz", "uint32"),
    ("TotWhInj", "uint64"), ("TotWhAbs", "uint64"),
    ("TotVarhInj", "uint64"), ("TotVarhAbs", "uint64"),
    *((f"Tmp{where}", "int16") for where in ("Amb", "Cab", "Snk", "Trns", "Sw", "Ot")),
    *(
        point
        for n, line in ((1, "L1L2"), (2, "L2L3"), (3, "L3L1"))
        for point in (
            (f"WL{n}", "int16"), (f"VAL{n}", "int16"), (f"VarL{n}", "int16"),
            (f"PFL{n}", "uint16"), (f"AL{n}", "int16"), (f"V{line}", "uint16"),
            (f"VL{n}", "uint16"), (f"TotWhInjL{n}", "uint64"), (f"TotWhAbsL{n}", "uint64"),
            (f"TotVarhInjL{n}", "uint64"), (f"TotVarhAbsL{n}", "uint64"),
        )
    ),
    ("ThrotPct", "uint16"), ("ThrotSrc", "bitfield32"),
    *((f"{sf}_SF", "sunssf") for sf in (
        "A", "V", "Hz", "W", "PF", "VA", "Var", "TotWh", "TotVarh", "Tmp",
    )),
    ("MnAlrmInfo", "string32"),
]  # fmt: skip
# What marks a point of each type unimplemented, register by register.
_UNIMPLEMENTED = {
    "int16": [0x8000], "sunssf": [0x8000], "uint16": [0xFFFF], "enum16": [0xFFFF],
    "bitfield32": [0xFFFF] * 2, "uint32": [0xFFFF] * 2, "uint64": [0xFFFF] * 4,
    "string32": [0] * 32,
}  # fmt: skip


def inverter_701(
    watts: float | None, lifetime_wh: int | None, w_sf: int = 0, wh_sf: int = 0
) -> list[int]:
    """A model 701 block: every point unimplemented but the mandatory ACType (three
    phase), W and TotWhInj (None leaves them unimplemented too) and their scale factors."""
    data: list[int] = []
    at: dict[str, int] = {}
    for name, kind in _701_POINTS:
        at[name] = len(data)
        data += _UNIMPLEMENTED[kind]
    assert len(data) == 153, len(data)  # model 701's fixed length
    data[at["ACType"]] = 2  # THREE_PHASE
    data[at["W_SF"]], data[at["TotWh_SF"]] = _s16(w_sf), _s16(wh_sf)
    if watts is not None:
        raw = round(watts / 10.0**w_sf)
        assert -0x8000 < raw < 0x8000, f"{watts} W does not fit an int16 at W_SF {w_sf}"
        data[at["W"]] = _s16(raw)
    if lifetime_wh is not None:
        count = round(lifetime_wh / 10.0**wh_sf)
        start = at["TotWhInj"]
        data[start : start + 4] = [count >> shift & 0xFFFF for shift in (48, 32, 16, 0)]
    return [701, len(data), *data]


def storage_124(mode: int = 0, in_rate: int = 100, out_rate: int = 100) -> list[int]:
    data = [0] * 24
    data[0], data[16] = 5000, 0  # WChaMax 5000 W
    data[3] = mode
    data[6], data[20] = 640, _s16(-1)  # ChaState 64.0 %
    data[9] = 4  # ChaSt CHARGING
    data[10], data[11], data[23] = _s16(out_rate), _s16(in_rate), 0
    return [124, 24, *data]


def battery_802(soc_tenths: int, watts: int, capacity_wh: int) -> list[int]:
    data = [0] * 62
    data[1], data[51] = capacity_wh // 10, 1
    data[9], data[54] = soc_tenths, _s16(-1)
    data[45], data[61] = _s16(watts), 0
    return [802, 62, *data]


def meter_203(watts: int) -> list[int]:
    data = [0] * 105
    data[16], data[20] = _s16(watts // 10), 1
    return [203, 105, *data]


def image(*blocks: list[int]) -> list[int]:
    registers = [*struct.unpack(">HH", b"SunS")]
    for block in blocks:
        registers += block
    return [*registers, 0xFFFF, 0]


INVERTER = image(common("Fronius", "Symo 8.2", "INV-0001"), inverter_103(3200, 12_345_678))
BATTERY = image(
    common("SMA", "Sunny Boy Storage", "BAT-0001"),
    storage_124(),
    battery_802(715, -1500, 10_000),
)
METER = image(common("SolarEdge", "SE-MTR-3Y", "MTR-0001"), meter_203(-2500))


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free loopback port never handed out before in this process: servers
    made one after another must not be given the same one before they bind."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


class SunSpecServer:
    """A pymodbus server for one register image at 40000, on its own port."""

    def __init__(self, registers: list[int], port: int | None = None, unit: int = 1) -> None:
        self.registers = list(registers)
        self.port = port or free_port()
        self.unit = unit
        self._server: Any = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        device = SimDevice(
            id=self.unit,
            simdata=[SimData(BASE, values=self.registers, datatype=DataType.REGISTERS)],
        )
        self._server = ModbusTcpServer(device, address=("127.0.0.1", self.port))
        self._task = asyncio.create_task(self._server.serve_forever())
        for _ in range(100):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                # Something answers: make sure it is this image, not another server.
                if await self.read(BASE, 2) == self.registers[:2]:
                    return
                raise RuntimeError(f"port {self.port} answers with another device")
            await asyncio.sleep(0.02)
        raise RuntimeError("the Modbus server did not start")

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.shutdown()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._server = self._task = None

    async def read(self, address: int, count: int = 1) -> list[int]:
        client = AsyncModbusTcpClient("127.0.0.1", port=self.port)
        await client.connect()
        try:
            response = await client.read_holding_registers(
                address, count=count, device_id=self.unit
            )
            return list(response.registers)
        finally:
            client.close()
