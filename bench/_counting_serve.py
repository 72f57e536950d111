"""`gridlink serve`, counting the sandbox reports it applies. For benchmarks only.

Run as `python bench/_counting_serve.py serve --host H --port P` with
BENCH_REPORT_COUNTER naming an existing file of COUNTER_SIZE bytes. The process is the
server `python -m gridlink serve` runs (the same CLI entry point, hence the same
migrations, start-up and uvicorn options); the only difference is two wrappers around
names gridlink.connectors.sandbox.engine looks up at call time:

- `_schedule`, called once per simulated device event (each wake-up of a device);
- `apply_report`, called once per report written into an asset (`lastSeen` and
  `updated_at` move, a history sample may follow), counted per asset type.

Each call adds one to a counter and stores the counters in the memory-mapped file,
which the benchmark reads whenever it likes (a few hundred nanoseconds a call).
"""

from __future__ import annotations

import mmap
import os
import struct
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

# Device events, then reports applied to vehicles, chargers, hvacs, inverters,
# batteries, meters and anything else.
COUNTER_FORMAT = "<8Q"
COUNTER_SIZE = struct.calcsize(COUNTER_FORMAT)
COUNTED_TYPES = ("vehicle", "charger", "hvac", "inverter", "battery", "meter")


def read_counters(path: Path) -> tuple[int, dict[str, int]]:
    """Device events so far, and reports applied so far by asset type ("other" last)."""
    events, *reports = struct.unpack(COUNTER_FORMAT, path.read_bytes()[:COUNTER_SIZE])
    return events, dict(zip((*COUNTED_TYPES, "other"), reports, strict=True))


def install(path: Path) -> None:
    from gridlink.connectors.sandbox import engine

    with path.open("r+b") as handle:
        shared = mmap.mmap(handle.fileno(), COUNTER_SIZE)
    counts = [0] * 8
    slot = {kind: index + 1 for index, kind in enumerate(COUNTED_TYPES)}
    # Looked up and replaced by name: both are module globals the engine calls.
    apply_report: Callable[..., Awaitable[list[str]]] = getattr(engine, "apply_report")  # noqa: B009
    schedule: Callable[..., None] = getattr(engine, "_schedule")  # noqa: B009

    async def counted_apply_report(
        session: Any, asset: Any, report: dict[str, Any], at: datetime
    ) -> list[str]:
        counts[slot.get(asset.asset_type, 7)] += 1
        struct.pack_into(COUNTER_FORMAT, shared, 0, *counts)
        return await apply_report(session, asset, report, at)

    def counted_schedule(*args: Any) -> None:
        counts[0] += 1
        struct.pack_into(COUNTER_FORMAT, shared, 0, *counts)
        schedule(*args)

    for name, wrapper in (("apply_report", counted_apply_report), ("_schedule", counted_schedule)):
        setattr(engine, name, wrapper)


def main() -> None:
    install(Path(os.environ["BENCH_REPORT_COUNTER"]))
    from gridlink.cli import main as gridlink_main

    sys.argv[0] = "gridlink"
    gridlink_main()


if __name__ == "__main__":
    main()
