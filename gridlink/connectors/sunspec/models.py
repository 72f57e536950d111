"""The SunSpec models gridlink reads, as small tables of points.

A point is (name, offset in the model's data after ID and L, type, scale-factor
point or None). Values come out scaled, or None where the device marks them
unimplemented (0x8000, 0xFFFF, NaN ...).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

MARKER = (0x5375, 0x6E53)  # "SunS"
BASES = (40000, 0, 50000)
END = 0xFFFF

COMMON = 1
INVERTERS = frozenset({101, 102, 103, 111, 112, 113, 701})
STORAGE = frozenset({124, 713, 802})
METERS = frozenset({201, 202, 203, 204})
# Which asset a model belongs to.
ASSET_OF = {
    **{m: "inverter" for m in INVERTERS},
    **{m: "battery" for m in STORAGE},
    **{m: "meter" for m in METERS},
}

# StorCtl_Mod bits (model 124).
CHARGE_LIMIT, DISCHARGE_LIMIT = 0b01, 0b10


@dataclass(frozen=True)
class Point:
    name: str
    offset: int
    type: str  # int16, uint16, acc32, uint32, uint64, float32, sunssf, string<n>
    sf: str | None = None


def _points(*rows: tuple[str, int, str] | tuple[str, int, str, str]) -> tuple[Point, ...]:
    return tuple(Point(*row) for row in rows)


_INVERTER_INT = _points(("W", 12, "int16", "W_SF"), ("W_SF", 13, "sunssf"),
                        ("WH", 22, "acc32", "WH_SF"), ("WH_SF", 24, "sunssf"))  # fmt: skip
_INVERTER_FLOAT = _points(("W", 20, "float32"), ("WH", 30, "float32"))
_METER = _points(("W", 16, "int16", "W_SF"), ("W_SF", 20, "sunssf"))
# Model 701 (DER AC Measurement, "DERMeasureAC"): offsets from the SunSpec model
# definition json/model_701.json (sunspec/models, L = 153). Its energy
# counters are uint64, not acc64: all ones marks them unimplemented, 0 is 0 Wh.
_DER_AC = _points(("W", 8, "int16", "W_SF"), ("TotWhInj", 17, "uint64", "TotWh_SF"),
                  ("W_SF", 114, "sunssf"), ("TotWh_SF", 118, "sunssf"))  # fmt: skip

POINTS: dict[int, tuple[Point, ...]] = {
    COMMON: _points(("Mn", 0, "string16"), ("Md", 16, "string16"), ("SN", 48, "string16")),
    **{m: _INVERTER_INT for m in (101, 102, 103)},
    **{m: _INVERTER_FLOAT for m in (111, 112, 113)},
    701: _DER_AC,
    124: _points(
        ("WChaMax", 0, "uint16", "WChaMax_SF"), ("StorCtl_Mod", 3, "uint16"),
        ("ChaState", 6, "uint16", "ChaState_SF"), ("ChaSt", 9, "uint16"),
        ("OutWRte", 10, "int16", "InOutWRte_SF"), ("InWRte", 11, "int16", "InOutWRte_SF"),
        ("WChaMax_SF", 16, "sunssf"), ("ChaState_SF", 20, "sunssf"),
        ("InOutWRte_SF", 23, "sunssf"),
    ),
    713: _points(("WHRtg", 0, "uint16", "WH_SF"), ("SoC", 2, "uint16", "Pct_SF"),
                 ("WH_SF", 5, "sunssf"), ("Pct_SF", 6, "sunssf")),
    802: _points(
        ("WHRtg", 1, "uint16", "WHRtg_SF"), ("SoC", 9, "uint16", "SoC_SF"),
        ("W", 45, "int16", "W_SF"), ("WHRtg_SF", 51, "sunssf"), ("SoC_SF", 54, "sunssf"),
        ("W_SF", 61, "sunssf"),
    ),
    **{m: _METER for m in METERS},
}  # fmt: skip

# Registers of model 124 that gridlink writes, as offsets in its data.
STORCTL_MOD, OUT_W_RTE, IN_W_RTE = 3, 10, 11

Value = float | int | str | None


def _raw(registers: list[int], point: Point) -> Value:
    at = registers[point.offset :]
    kind = point.type
    if kind.startswith("string"):
        size = int(kind[len("string") :])
        data = b"".join(r.to_bytes(2, "big") for r in at[:size])
        return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip() or None
    if kind in ("int16", "sunssf"):
        value = at[0] - 0x10000 if at[0] & 0x8000 else at[0]
        return None if value == -0x8000 else value
    if kind == "uint16":
        return None if at[0] == 0xFFFF else at[0]
    if kind in ("acc32", "uint32"):
        value = at[0] << 16 | at[1]
        # The standard's "not implemented": all ones for uint32, zero ("not
        # accumulated") for an accumulator.
        unimplemented = 0 if kind == "acc32" else 0xFFFFFFFF
        return None if value == unimplemented else value
    if kind == "uint64":
        value = at[0] << 48 | at[1] << 32 | at[2] << 16 | at[3]
        return None if value == 0xFFFFFFFFFFFFFFFF else value
    if kind == "float32":
        (number,) = struct.unpack(">f", struct.pack(">HH", at[0], at[1]))
        return None if math.isnan(number) else float(number)
    raise ValueError(f"unknown point type {kind}")


def decode(model: int, registers: list[int]) -> dict[str, Value]:
    """The model's points, scaled: `registers` is its data after ID and L."""
    points = POINTS.get(model, ())
    raw = {p.name: _raw(registers, p) for p in points if p.offset < len(registers)}
    values: dict[str, Value] = {}
    for point in points:
        value = raw.get(point.name)
        if point.type == "sunssf":
            continue
        if point.sf is not None and isinstance(value, int):
            factor = raw.get(point.sf)
            value = None if not isinstance(factor, int) else value * 10.0**factor
        values[point.name] = value
    return values


def encode_int16(value: float, sf: int) -> int:
    """A value as the int16 register that holds it at scale factor `sf`."""
    number = round(value / 10.0**sf)
    return number & 0xFFFF
